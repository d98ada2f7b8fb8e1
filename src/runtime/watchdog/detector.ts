// Decides, from the heartbeat the main thread leaves in shared memory, when the event loop is held.
// Pure: the worker feeds it readings; it says what happened. The loop is "held" when the heartbeat is
// late: the counter has not moved for longer than one beat period plus the threshold. That catches one
// long callback and equally a stall of many short turns (microtasks that never let timers run).

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

  constructor(private readonly thresholdMs: number, private readonly heartbeatMs: number) {}

  /** Forget what was seen so far: the next reading starts fresh (used after our own activity held the loop). */
  resync(beat: number): void {
    if (this.state === 'blocking') return;
    this.state = 'idle';
    this.lastBeat = beat;
    this.waitForBeat = true;
  }

  private waitForBeat = false;

  /**
   * beat: the heartbeat counter; beatTs: when it last moved (main thread's clock); now: the same clock.
   * lastSeenAt: when the loop was last seen free; a block's duration counts from the beat that was due.
   */
  poll(beat: number, beatTs: number, now: number): Reading {
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      this.waitForBeat = false;
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
    if (this.waitForBeat) return { kind: 'none' };
    // The next beat was due one period after the last; the loop has been held since then.
    const due = beatTs + this.heartbeatMs;
    const late = now - due;
    if (this.state === 'blocking') return { kind: 'ongoing', id: this.blockId, since: this.since, durationMs: late };
    if (late >= this.thresholdMs) {
      this.state = 'blocking';
      this.since = due;
      return { kind: 'start', id: ++this.blockId, since: due, durationMs: late };
    }
    if (this.state === 'idle' && late >= this.thresholdMs / 2) {
      this.state = 'armed';
      return { kind: 'arm', since: due };
    }
    return { kind: 'none' };
  }
}
