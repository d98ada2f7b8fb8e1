// Decides, from the heartbeat the main thread leaves in shared memory, when the event loop is held.
// Pure: the worker feeds it readings; it says what happened. The loop is "held" when the heartbeat is
// late: the counter has not moved for longer than one beat period plus the threshold. That catches one
// long callback and equally a stall of many short turns (microtasks that never let timers run).
//
// Start-up: the worker comes up tens of ms after the agent's start beat (more on a loaded machine), and
// until it asks, no beat is due. A loop that is free but was never asked is not late: lateness counts
// from the worker's first request (watchFrom). A block in progress when the worker comes up is still
// dated from the last beat (the agent's start, at worst): the loop was last seen free then.
//
// A loaded machine: a main thread that is ready to run but waits for a CPU is late too, through no
// fault of the program. When the OS says how long it waited for a CPU (thread-sched.ts), that
// wait is taken off the lateness: a stretch is a block only if what is left passes the threshold. A
// block's duration stays its wall time (how long the loop was held, which is what the program's users
// waited); the wait inside it is reported beside it.
import type { SchedSample } from './thread-sched.ts';

export type Reading =
  | { kind: 'none' }
  /** Late by half the threshold: a block may be coming; start gathering evidence (the sampler). */
  | { kind: 'arm'; since: number }
  /** Late by the threshold: a block, reported now while it goes on. `since` = when the loop was last free. */
  | { kind: 'start'; id: number; since: number; durationMs: number; queuedMs?: number }
  /** The block goes on (polled while blocked). */
  | { kind: 'ongoing'; id: number; since: number; durationMs: number; queuedMs?: number }
  /** The heartbeat moved again: the block is over. `queuedMs`: of its duration, how long the main thread waited for a CPU. */
  | { kind: 'end'; id: number; since: number; durationMs: number; queuedMs?: number }
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
  /** The scheduler's counters for the main thread when the beat last moved, and at the last look. */
  private schedAtBeat: SchedSample | undefined;
  private lastSched: SchedSample | undefined;
  private lastLook = 0;
  /** A wait for a CPU still going on (not yet in the counters): looks that found the thread runnable and not run. */
  private waitingMs = 0;

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

  /**
   * Whether the next look at `beat` needs the scheduler's counters: only while the loop is late (the beat
   * has not moved) or a block is open (its end says how long it waited). A look that finds the beat moved
   * needs none, and reading them is most of what an idle look costs the worker (two /proc reads in code
   * that runs too rarely to be optimized: about 90 µs of every 190 µs look, 100 looks a second).
   */
  wantsSched(beat: number): boolean {
    return beat === this.lastBeat || this.state === 'blocking';
  }

  /** Whether a block is going on (found and not yet over). */
  get blocking(): boolean { return this.state === 'blocking'; }

  /** Whether the loop is late (armed: a block may be coming; or blocking). */
  get watching(): boolean { return this.state !== 'idle'; }

  /**
   * beat: the heartbeat counter; beatTs: when it last moved (main thread's clock); now: the same clock;
   * sched: the scheduler's counters for the main thread now, when the OS says.
   * A block's duration counts from the beat that was due (the loop was last seen free one period before).
   */
  poll(beat: number, beatTs: number, now: number, sched?: SchedSample): Reading {
    const waited = this.waitedForCpu(now, sched);
    if (beat !== this.lastBeat) {
      this.lastBeat = beat;
      // The counters' base for the next late stretch is taken at its first late look (see wantsSched).
      this.schedAtBeat = undefined;
      this.lastSched = undefined;
      this.waitingMs = 0;
      const was = this.state;
      this.state = 'idle';
      if (was === 'blocking') {
        // The loop is free again at beatTs (the first beat after the block ran then).
        // (A beat time from before the block means it was read mid-update: the block ends about now.)
        const end = beatTs > this.since ? beatTs : now;
        const durationMs = Math.max(0, end - this.since);
        return { kind: 'end', id: this.blockId, since: this.since, durationMs, ...queuedIn(waited, durationMs) };
      }
      if (was === 'armed') return { kind: 'disarm' };
      return { kind: 'none' };
    }
    if (this.state === 'blocking') {
      const durationMs = now - this.since;
      return { kind: 'ongoing', id: this.blockId, since: this.since, durationMs, ...queuedIn(waited, durationMs) };
    }
    // The next beat was due one period after the last; the loop has been held since then (not before
    // our own activity ended).
    const since = Math.max(beatTs + this.heartbeatMs, this.ownUntil, this.notBefore);
    // Late only past a beat that was asked for, and not by the time it waited for a CPU.
    const late = now - Math.max(since, this.askedFrom) - (waited ?? 0);
    if (late >= this.thresholdMs) {
      this.state = 'blocking';
      this.since = since;
      const durationMs = now - since;
      return { kind: 'start', id: ++this.blockId, since, durationMs, ...queuedIn(waited, durationMs) };
    }
    if (this.state === 'idle' && late >= this.thresholdMs / 2) {
      this.state = 'armed';
      return { kind: 'arm', since };
    }
    return { kind: 'none' };
  }

  /**
   * How long the main thread has waited for a CPU since the loop was first seen late: the waits the
   * counters already hold, plus one still going on. Measured from the first late look, the counters' base
   * (a wait that began and ended between the beat and that look, a period or so at most, is missed; one
   * still going on then is counted when it ends).
   */
  private waitedForCpu(now: number, sched: SchedSample | undefined): number | undefined {
    const last = this.lastSched;
    this.lastSched = sched;
    const sinceLast = now - this.lastLook;
    this.lastLook = now;
    if (sched && !this.schedAtBeat) this.schedAtBeat = sched;
    if (!sched || !this.schedAtBeat || !last) return undefined;
    // It ran since the last look: a wait before that is in the counters now. Runnable at both looks and not
    // run in between: waiting still (a running thread's run time moves at every tick, 4 ms at most).
    if (sched.runMs !== last.runMs || sched.queuedMs !== last.queuedMs) this.waitingMs = 0;
    else if (sched.runnable && last.runnable) this.waitingMs += sinceLast;
    return Math.max(0, sched.queuedMs - this.schedAtBeat.queuedMs) + this.waitingMs;
  }
}

/** The run-queue wait inside a block of durationMs, when known and worth saying (at least 1 ms). */
function queuedIn(waited: number | undefined, durationMs: number): { queuedMs?: number } {
  if (waited === undefined || waited < 1) return {};
  return { queuedMs: Math.min(waited, durationMs) };
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

/**
 * What is left of a block found while a sampler restart of ours was already under way (asked for before
 * the block began: after the last block, for its samples, or a rotation) once the restart's stretch is
 * taken off: the time after the restart ended, or all of it if the restart ended before the block began.
 * A restart holds the main thread while V8 logs all code, 110-200 ms on a heap of 400k objects: without
 * this, each such restart was reported as a block, whose samples asked for the next restart (a cascade).
 */
export function afterOwn(since: number, durationMs: number, ownFrom: number, ownTo: number): number {
  if (!(ownTo >= ownFrom) || ownTo <= since) return durationMs;
  return Math.max(0, since + durationMs - ownTo);
}
