// Decides, from the heartbeat the main thread leaves in shared memory, when the event loop is held.
// Pure: the worker feeds it readings; it says what happened. The loop is "held" when the heartbeat is
// late: the counter has not moved for longer than one beat period plus the threshold. That catches one
// long callback and equally a stall of many short turns (microtasks that never let timers run).
//
// Start-up: the worker comes up tens of ms after the agent's start beat (more on a loaded machine), and
// until it asks, no beat is due. A loop that is free but was never asked is not late: lateness counts
// from the worker's first request (watchFrom). A block in progress when the worker comes up is still
// dated from the last beat (the agent's start, at worst): the loop was last seen free then.

export type Reading =
  | { kind: 'none' }
  /** Late by half the threshold: a block may be coming; start gathering evidence (the sampler). */
  | { kind: 'arm'; since: number }
  /** Late by the threshold: a block, reported now while it goes on. `since` = when the loop was last free. */
  | { kind: 'start'; id: number; since: number; durationMs: number }
  /** The block goes on (polled while blocked). */
  | { kind: 'ongoing'; id: number; since: number; durationMs: number }
  /** The heartbeat moved again: the block is over. */
  | { kind: 'end'; id: number; since: number; durationMs: number }
  /** Armed but the loop moved before the threshold: no block. */
  | { kind: 'disarm' };

export class BlockDetector {
  private lastBeat = -1;
  private state: 'idle' | 'armed' | 'blocking' = 'idle';
  private blockId = 0;
  private since = 0;
  /** Before this time (main thread's clock) no beat had been asked for: holding then is not lateness. */
  private askedFrom = -Infinity;
  /** Our own activity held the main thread until this time: neither lateness nor a block's time before it. */
  private ownUntil = -Infinity;
  /** A block in progress cannot have begun before this (the loop was idle then): see heldSince(). */
  private notBefore = -Infinity;

  constructor(private readonly thresholdMs: number, private readonly heartbeatMs: number) {}

  /** The worker asked for its first beat at `at`: lateness counts from then at the earliest. */
  watchFrom(at: number): void {
    this.askedFrom = Math.max(this.askedFrom, at);
  }

  /**
   * Our own activity (starting the sampler, the agent's own start-up) held the main thread until `until`:
   * that stretch is not the program's. A block already found is left as it is (the program's, with
   * our activity inside it).
   */
  excuse(until: number): void {
    if (this.state === 'blocking') return;
    this.ownUntil = Math.max(this.ownUntil, until);
  }

  /**
   * Seen from outside the heartbeat: the loop has been held since `beat` moved, while no beat was asked
   * for yet (the watchdog came up inside a block). Lateness then counts from the beat that was due, not
   * from the first request; `notBefore` (when the loop was last idle, if known) dates the block's start.
   * Ignored once the beat moved on.
   */
  heldSince(beat: number, notBefore: number): void {
    if (beat !== this.lastBeat || this.state === 'blocking') return;
    this.askedFrom = -Infinity;
    this.notBefore = Math.max(this.notBefore, notBefore);
  }

  /**
   * An excuse given while our own activity seemed to run turned out wrong: the program held the main thread
   * then (our activity waited behind it). Nothing is excused past `until`; an open block counts from there
   * (never from before the beat that was due, nor before the loop was last seen idle).
   */
  withdrawExcuse(until: number, beatTs: number): void {
    if (this.ownUntil > until) this.ownUntil = until;
    if (this.state === 'blocking' && this.since > until) this.since = Math.max(until, beatTs + this.heartbeatMs, this.notBefore);
  }

  /** Whether a block is going on (found and not yet over). */
  get blocking(): boolean { return this.state === 'blocking'; }

  /** Whether the loop is late (armed: a block may be coming; or blocking). */
  get watching(): boolean { return this.state !== 'idle'; }

  /**
   * beat: the heartbeat counter; beatTs: when it last moved (main thread's clock); now: the same clock.
   * A block's duration counts from the beat that was due (the loop was last seen free one period before).
   */
  poll(beat: number, beatTs: number, now: number): Reading {
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      const was = this.state;
      this.state = 'idle';
      if (was === 'blocking') {
        // The loop is free again at beatTs (the first beat after the block ran then).
        // (A beat time from before the block means it was read mid-update: the block ends about now.)
        const end = beatTs > this.since ? beatTs : now;
        return { kind: 'end', id: this.blockId, since: this.since, durationMs: Math.max(0, end - this.since) };
      }
      if (was === 'armed') return { kind: 'disarm' };
      return { kind: 'none' };
    }
    if (this.state === 'blocking') return { kind: 'ongoing', id: this.blockId, since: this.since, durationMs: now - this.since };
    // The next beat was due one period after the last; the loop has been held since then (not before
    // our own activity ended).
    const since = Math.max(beatTs + this.heartbeatMs, this.ownUntil, this.notBefore);
    // Late only past a beat that was asked for.
    const late = now - Math.max(since, this.askedFrom);
    if (late >= this.thresholdMs) {
      this.state = 'blocking';
      this.since = since;
      return { kind: 'start', id: ++this.blockId, since, durationMs: now - since };
    }
    if (this.state === 'idle' && late >= this.thresholdMs / 2) {
      this.state = 'armed';
      return { kind: 'arm', since };
    }
    return { kind: 'none' };
  }
}

/**
 * A block's duration without our own stretch [ownFrom, ownTo] (main thread's clock) when that lies inside
 * it: the sampler restart the watchdog queues when a block begins is served the moment an uninterruptible
 * call returns, still inside the block, and holds the main thread 6-45 ms (measured: a 105 ms JSON.parse
 * was reported as 150 ms). Anything else is left as it is.
 */
export function withoutOwn(since: number, durationMs: number, ownFrom: number, ownTo: number): number {
  if (!(ownTo > ownFrom) || ownFrom < since || ownTo > since + durationMs) return durationMs;
  return durationMs - (ownTo - ownFrom);
}
