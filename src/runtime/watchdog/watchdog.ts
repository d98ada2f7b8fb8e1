// The watchdog loop, in the worker: polls the heartbeat, and when the loop is held, gathers evidence
// from the main thread and reports the block twice: live (final:false) while it still goes on, and
// final (final:true, same id) with the whole duration once the loop moves again.
//
// Evidence: at the threshold, one snapshot of the main thread's stack (MainThreadProbe.stackNow: like a
// debugger pause, without the debugger's cost); in tree mode, the JSON.parse/stringify call the main thread
// marked as running (an uninterruptible call answers the snapshot only after it); and the sampling profiler
// when it runs (see `sampler`). The final report picks the best witness (locate.ts).
import { readFileSync } from 'node:fs';
import type { BlockEvent, SamplerPolicy, SourceLocation } from '../../protocol/index.ts';
import { SHARED_BEAT_TS, SHARED_BUILTIN_BEAT, SHARED_BUILTIN_SITE, SHARED_CURRENT_TALLY, SHARED_CURRENT_TASK, SHARED_HEARTBEAT, SHARED_TURNS } from '../contracts.ts';
import { afterOwn, BlockDetector, withoutOwn, type Reading } from './detector.ts';
import type { SchedSample, ThreadSched } from './thread-sched.ts';
import type { CallFrame, MainThreadProbe, Profile, StackSnapshot } from './inspector-probe.ts';
import { builtinWitness, choose, classify, framesToStack, urlToFile, pickLocation, blockWitness, stallLocation, type Chosen, type FrameFilter, type PausedWitness } from './locate.ts';
import { classifyCause } from './cause.ts';
import { debugLog, debugOn } from './debug-log.ts';

/**
 * How often the worker looks while the loop is late (armed or blocking): a stall's evidence (the tasks
 * and turns it saw) comes from these looks. While the loop answers on time, it looks once per heartbeat
 * period instead, in the same wake-up that asks for the next beat: every wake-up of ours preempts the
 * program or its neighbours on a small machine. Measured on the HTTP bench (agent alone, 13-15 interleaved
 * runs): an empty worker waking every 5 ms cost 1.7% of throughput by itself, and the separate 5 ms poll
 * and 10 ms beat timers this replaced cost 1.046x in blocking mode (now 1.00x) and 1.170x in tree mode (1.137x).
 */
export const POLL_MS = 5;
/** How long the live report waits for the stack snapshot before it goes out without a location. */
const LIVE_WAIT_MS = 100;
/** How long the final report waits for evidence from a main thread that just came back. */
const FINAL_WAIT_MS = 1000;
/** Sampling interval: a block (≥ the threshold) gets several samples; fewer would cost less but miss short ones. */
const SAMPLE_US = 10_000;
/**
 * With the sampler always on, its profile is restarted this often (when no block is going on) so it
 * stays small. Not more often: every Profiler.start costs the main thread 6-45 ms (V8 logs all code).
 */
const ROTATE_MS = 60_000;
const RECENT_PROFILES = 4;
const LINE_CACHE_FILES = 32;
/** Marked builtin call sites remembered (their locations): beyond it, new ones are not named by their mark. */
const BUILTIN_SITES_CAP = 10_000;
/** At exit the main thread waits for us (bounded): the evidence must come fast or not at all. */
const EXIT_WAIT_MS = 250;
/** How long a report waits for the main thread to map transformed columns back. */
const MAP_WAIT_MS = 80;
/** Distinct running tasks seen during one block from which it is a stall (tree mode). */
const STALL_TASKS = 3;
/** Snapshots asked for, at most, while each one showed no user code (see snapshot()); within this long. */
const SNAPSHOT_TRIES = 5;
const SNAPSHOT_RETRY_MS = LIVE_WAIT_MS / 2;
/** A stack snapshot answered within this long was taken while the blocking code ran (interruptible). */
const PROMPT_SNAPSHOT_MS = 20;
/**
 * The most of the main thread's time that starting the sampler at boot is taken to cost (measured
 * 6-45 ms): a start that takes longer waited for the program's own block (an uninterruptible call
 * holds the inspector's requests), and that block must not be excused as ours. Only once a snapshot
 * sent just before the start came back at once with none of the program's code running (the main
 * thread was free: the start ran right after it); until then, or when it says otherwise, only
 * PROMPT_SNAPSHOT_MS is excused.
 */
const SAMPLER_START_EXCUSE_MS = 100;
/**
 * At boot, a loop already in a callback is taken as held (since it was last idle) once our first beat
 * has gone unanswered this long, or half the threshold if more: a free loop answers in well under a
 * millisecond; a program that works in chunks answers between them. (The loop's idle time cannot tell
 * a chain of chunks that never idles from one callback: a chain of chunks each longer than this, running
 * since before the watchdog came up, could be taken for a block.)
 */
const BOOT_HELD_MS = 20;

export type { SamplerPolicy };

export interface WatchdogOptions {
  thresholdMs: number;
  heartbeatMs: number;
  shared: Float64Array;
  /** The main thread's clock (performance.now() there), read from the worker. */
  now: () => number;
  exiting: () => boolean;
  /** The agent's own start-up still runs on the main thread: a held loop is ours (see messages.ts). */
  agentStarting?: () => boolean;
  /** When the worker asked for its first beat (main thread's clock): no beat was due before. */
  firstAsk?: number;
  /** Asks the main thread for its next beat (heartbeat.ts); the watchdog does so every heartbeatMs. */
  askBeat?: () => void;
  probe: MainThreadProbe | undefined;
  filter: FrameFilter;
  emit: (ev: BlockEvent) => void;
  /**
   * 'always': the sampler runs from the start (from the first time the loop is seen free; a block in
   * progress when the watchdog comes up starts it at once, as 'late' would), so it also sees blocks the inspector cannot interrupt
   * (JSON.parse of a huge string): a profiler command sent once the block began would only be served
   * after it. Its start costs the main thread ~40 ms once (V8 logs all compiled code).
   * 'late': the sampler starts the first time the heartbeat is late (a program that never blocks
   * never pays for it) and then keeps running; the first block, if uninterruptible, is located by the
   * stack snapshot alone (the statement after the call) or, in tree mode, by its mark (JSON.parse/stringify).
   * 'never': stack snapshots only (cheapest): uninterruptible builtins are placed at the statement
   * after them, and every block's cause is 'callback' (nothing tells a stall apart).
   */
  sampler: SamplerPolicy;
  /** CLOCK_MONOTONIC (ms, the profiler's clock) minus the main thread's performance.now(). */
  hrOffsetMs: number;
  /** The scheduler's counters for the main thread, where the OS tells them: starvation is not a block (detector.ts). */
  threadSched?: ThreadSched | undefined;
}

/** A stack snapshot; inBlock: the heartbeat had not moved when it arrived; at: when it was taken (main thread's clock). */
interface Snapshot { frames: CallFrame[]; inBlock: boolean; waitedMs: number; at?: number; preLoop?: boolean }

interface Evidence {
  id: number;
  since: number;
  taskId: number;
  /** The tally of the counted task that ran (0: an exact one): the block is its. */
  tallyId: number;
  beat: number;
  pause: Promise<Snapshot | undefined>;
  /** Settles once the live report went out: the final one always follows it. */
  live: Promise<void>;
  /** Task ids seen running during the block (tree mode writes them): more than one means a stall. */
  tasks: Set<number>;
  /** The main thread's turn counter (SHARED_TURNS) at the last look, and how many looks found it moved. */
  turns: number;
  turningPolls: number;
  /** Not the program's: see startupMachinery(). Neither report goes out. */
  dropped?: boolean;
  /** The sampler restart queued while the block went on (see onStart): its time is ours, not the block's. */
  restart?: Promise<Restart | undefined>;
  /** A sampler restart of ours already under way when the block was found: it may be all the block is (afterOwn). */
  ownBefore?: Promise<Restart | undefined>;
  /** Of the block so far, how long the main thread waited for a CPU (a loaded machine), when known. */
  queuedMs?: number | undefined;
  /**
   * The marked builtin call (global site id) the main thread was in when the block began (0: none or no
   * longer: another one was seen after it), and the last look that still saw it (main thread's clock).
   */
  builtin: number;
  builtinSeen: number;
}

/** A sampler restart's profile, and when it held the main thread (its clock, ms) if known. */
interface Restart { profile: Profile; ownFrom?: number; ownTo?: number }

export class Watchdog {
  private readonly detector: BlockDetector;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** When the last beat was asked for (main thread's clock). */
  private askedAt: number;
  private current: Evidence | undefined;
  private sampler: Promise<void> | undefined;
  private readonly lineCache = new Map<string, string[] | undefined>();
  private readonly builtinSites = new Map<number, SourceLocation>();

  constructor(private readonly o: WatchdogOptions) {
    this.detector = new BlockDetector(o.thresholdMs, o.heartbeatMs);
    if (o.firstAsk !== undefined) this.detector.watchFrom(o.firstAsk);
    this.askedAt = o.firstAsk ?? -Infinity;
  }

  private rotateTimer: ReturnType<typeof setInterval> | undefined;
  private armed = false;
  private samplerStarting = false;
  /** Until when (main thread's clock) the boot start of the sampler may be excused as ours. */
  private samplerExcuseUntil = 0;
  /**
   * The heartbeat once the agent's start-up was over; undefined before. When it moves, the loop
   * answered one of our beats: it was free, and the 'always' sampler can start without landing in a
   * block of the program.
   */
  private readyBeat: number | undefined;

  start(): void {
    this.loop();
  }

  /** Where a marked builtin call site is (the main thread says so once per site, on its first call). */
  builtinSite(site: number, location: SourceLocation): void {
    if (this.builtinSites.size < BUILTIN_SITES_CAP) this.builtinSites.set(site, location);
  }

  /** One wake-up: a look at the heartbeat, then the next beat's request when one is due (see POLL_MS). */
  private readonly loop = (): void => {
    if (this.stopped) return;
    this.tick();
    const now = this.o.now();
    // Half a poll of slack: a timer that fires a little early must not skip a beat.
    if (now - this.askedAt >= this.o.heartbeatMs - POLL_MS / 2) {
      this.askedAt = now;
      this.o.askBeat?.();
    }
    this.timer = setTimeout(this.loop, this.detector.watching ? POLL_MS : this.o.heartbeatMs);
  };

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.rotateTimer) clearInterval(this.rotateTimer);
  }

  /**
   * At exit: the main thread bumped the heartbeat one last time and now waits for us, so a block still
   * open ends here. It cannot answer the inspector any more: report with the evidence already in hand.
   */
  async finish(): Promise<void> {
    this.stop();
    const s = this.o.shared;
    const beat = s[SHARED_HEARTBEAT]!;
    const r = this.detector.poll(beat, s[SHARED_BEAT_TS]!, this.o.now(), this.sched(beat));
    if (r.kind === 'end') await this.onEnd(r.id, r.since, r.durationMs, EXIT_WAIT_MS, r.queuedMs);
    // A block that ended just before the exit may still be gathering its final report: the exit
    // event must come after it (bounded: the main thread waits for us only so long).
    else if (this.ending) await withTimeout(this.ending, EXIT_WAIT_MS * 2);
  }

  /** The main thread's scheduler counters, read only when the detector needs them for a look at `beat`. */
  private sched(beat: number): SchedSample | undefined {
    return this.o.threadSched !== undefined && this.detector.wantsSched(beat) ? this.o.threadSched() : undefined;
  }

  /** The final report of the last block that ended, while it is being put together. */
  private ending: Promise<void> | undefined;

  private tick(): void {
    if (this.o.exiting()) return;
    const s = this.o.shared;
    const now = this.o.now();
    // The agent's own start-up, and starting the profiler at boot (V8 logs every compiled function),
    // hold the main thread: our own activity, not the program's (the latter bounded, see the constant).
    if (this.o.agentStarting?.()) this.detector.excuse(now);
    else if (this.readyBeat === undefined) { this.readyBeat = s[SHARED_HEARTBEAT]!; void this.bootCheck(this.readyBeat); }
    if (this.samplerStarting) this.detector.excuse(Math.min(now, this.samplerExcuseUntil));
    let r: Reading;
    try {
      const beat = s[SHARED_HEARTBEAT]!;
      r = this.detector.poll(beat, s[SHARED_BEAT_TS]!, now, this.sched(beat));
    } catch { return; }
    if (this.o.sampler === 'always' && !this.sampler && this.readyBeat !== undefined && s[SHARED_HEARTBEAT] !== this.readyBeat && !this.detector.blocking) {
      this.startSampler(true);
    }
    if (r.kind !== 'none' && r.kind !== 'ongoing') debugLog(`reading ${JSON.stringify(r)}`);
    switch (r.kind) {
      case 'arm': this.armed = true; this.startSampler(false); break;
      case 'disarm': this.armed = false; break;
      case 'start': this.onStart(r.id, r.since, r.queuedMs); break;
      case 'ongoing':
        if (this.current) {
          const ev = this.current;
          ev.queuedMs = r.queuedMs;
          ev.tasks.add(s[SHARED_CURRENT_TASK]!);
          const turns = s[SHARED_TURNS]!;
          if (turns !== ev.turns) { ev.turns = turns; ev.turningPolls++; }
          // Still in the marked call, or past it (cleared); a different call is not the one that began the block.
          const mark = s[SHARED_BUILTIN_SITE]!;
          if (mark === ev.builtin) ev.builtinSeen = now;
          else if (mark !== 0) ev.builtin = 0;
        }
        break;
      case 'end': {
        const ending = this.onEnd(r.id, r.since, r.durationMs, FINAL_WAIT_MS, r.queuedMs).catch(() => undefined);
        this.ending = ending;
        void ending.then(() => { if (this.ending === ending) this.ending = undefined; });
        break;
      }
      default: break;
    }
  }

  /**
   * Whether the watchdog came up inside a block: the beat it asked for has not moved, and a stack
   * snapshot shows the program's code running. Before the event loop started (the program's top level,
   * its module loading) the loop has been held since the agent's start was over; in a callback, since
   * the loop was last idle, once our beat stays unanswered for BOOT_HELD_MS. Without this, a block in
   * progress at boot counts only from our first request and one that ends within the threshold of it
   * goes unseen. An uninterruptible call answers only when it returns: then only the first request counts.
   */
  private async bootCheck(beat: number): Promise<void> {
    const probe = this.o.probe;
    if (!probe) return;
    const s = this.o.shared;
    let snap: StackSnapshot;
    try { snap = await probe.stackNow(); } catch { return; }
    if (s[SHARED_HEARTBEAT] !== beat || !snap.loop) return;
    const loop = snap.loop;
    const user = snap.frames.some((f) => { const c = classify(urlToFile(f.url), this.o.filter); return c === 'user' || c === 'library'; });
    debugLog(`boot check: beat ${beat} pending, user code ${user}, loop ${JSON.stringify(loop)}`);
    // Before the loop started, whatever runs is the program's start (its top level, its module loading).
    if (loop.start >= 0) {
      if (!user) return;
      const wait = (this.o.firstAsk ?? this.o.now()) + Math.max(BOOT_HELD_MS, this.o.thresholdMs / 2) - this.o.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (s[SHARED_HEARTBEAT] !== beat) return;
    }
    // Held since the loop was last idle (the loop's idle time all came before the block).
    this.detector.heldSince(beat, loop.start >= 0 ? loop.start + loop.idleMs : -Infinity);
  }

  /** boot: the loop was just seen free, so the time the start holds it is ours alone (else: inside a suspected block). */
  private startSampler(boot: boolean): void {
    const probe = this.o.probe;
    if (!probe || this.sampler || this.o.sampler === 'never') return;
    this.samplerStarting = boot;
    const asked = this.o.now();
    if (boot) {
      // Served just before the profiler's start: says whether the main thread was free then.
      this.samplerExcuseUntil = asked + PROMPT_SNAPSHOT_MS;
      probe.stackNow().then((snap) => {
        const prompt = this.o.now() - asked <= PROMPT_SNAPSHOT_MS;
        const program = snap.frames.some((f) => { const c = classify(urlToFile(f.url), this.o.filter); return c === 'user' || c === 'library'; });
        debugLog(`sampler start: main thread ${prompt && !program ? 'free' : 'busy'} when asked`);
        if (prompt && !program) this.samplerExcuseUntil = asked + SAMPLER_START_EXCUSE_MS;
      }, () => undefined);
    }
    this.rotateTimer = setInterval(() => {
      if (this.current || this.armed) return;
      void this.restartSampler();
    }, ROTATE_MS);
    this.sampler = probe.startSampler(SAMPLE_US)
      .then(() => debugLog('sampler started'), () => undefined)
      .finally(() => {
        if (!this.samplerStarting) return;
        this.samplerStarting = false;
        const done = this.o.now();
        if (done - asked > SAMPLER_START_EXCUSE_MS) {
          // Longer than a start ever costs: it waited for the program's own block (an uninterruptible call
          // right after the free snapshot). That block keeps its whole duration (it may then include the
          // start's own few tens of ms after it, rather than lose up to SAMPLER_START_EXCUSE_MS).
          this.detector.withdrawExcuse(asked + PROMPT_SNAPSHOT_MS, this.o.shared[SHARED_BEAT_TS]!);
          return;
        }
        // The time the start took is not counted as a block; a block that follows it is.
        this.detector.excuse(Math.min(done, this.samplerExcuseUntil));
      });
  }

  /** Profiles received lately (newest last): a block may span several when the sampler restarted during it. */
  private readonly recent: Profile[] = [];

  private keep(profile: Profile | undefined): Profile | undefined {
    if (profile) {
      this.recent.push(profile);
      if (this.recent.length > RECENT_PROFILES) this.recent.shift();
    }
    return profile;
  }

  /** The sampler restart under way (asked for, not yet answered), if any: it holds the main thread while it runs. */
  private restarting: Promise<Restart | undefined> | undefined;

  private async restartSampler(): Promise<Restart | undefined> {
    const probe = this.o.probe;
    if (!probe || !this.sampler) return undefined;
    await this.sampler;
    // Kept even when it arrives after the block it was asked for: it may hold the start of the next.
    debugLog('restart requested');
    const restart = this.askRestart(probe);
    this.restarting = restart;
    void restart.finally(() => { if (this.restarting === restart) this.restarting = undefined; });
    return restart;
  }

  private askRestart(probe: MainThreadProbe): Promise<Restart | undefined> {
    return probe.restartSampler().then((r) => {
      if (!r) return undefined;
      debugLog('restarted');
      this.keep(r.profile);
      // The profiler's clock is CLOCK_MONOTONIC in µs (see the span in onEnd).
      return r.startedAt === undefined ? { profile: r.profile } : { profile: r.profile, ownFrom: r.profile.endTime / 1000 - this.o.hrOffsetMs, ownTo: r.startedAt };
    }, () => undefined);
  }

  private onStart(id: number, since: number, queuedMs: number | undefined): void {
    const s = this.o.shared;
    this.startSampler(false);
    const beat = s[SHARED_HEARTBEAT]!;
    // A mark from before the loop was last free belongs to a call that threw (it was never cleared).
    const marked = s[SHARED_BUILTIN_BEAT] === beat ? s[SHARED_BUILTIN_SITE]! : 0;
    if (debugOn) debugLog(`start ${id}: builtin mark ${s[SHARED_BUILTIN_SITE]} at beat ${s[SHARED_BUILTIN_BEAT]} (now ${beat})`);
    const probe = this.o.probe;
    const ownBefore = this.restarting;
    let answered = false;
    const pause = probe ? this.snapshot(probe, beat, () => { answered = true; }) : Promise.resolve(undefined);
    // No snapshot yet after a moment: the main thread is inside an uninterruptible call (JSON.parse,
    // a native call). Queue a sampler restart behind the snapshot now: both are served the moment the
    // call returns, which may be the program's last act (the main thread does not serve the inspector
    // in its 'exit' handlers), and those samples are what can name an uninterruptible builtin's line.
    void pause.then(() => { answered = true; });
    // Found while a restart of ours ran: the snapshot waits behind it, which says nothing about the program.
    // The live report and the prompt restart wait for the restart to end, and happen only if the loop stays
    // held for the threshold after it (the program's block, from the restart's end). Otherwise the block was
    // ours, or mostly: the final report decides (onEnd, afterOwn).
    const held = ownBefore ? withTimeout(ownBefore, FINAL_WAIT_MS).then(async (own) => {
      const from = own?.ownTo !== undefined && own.ownTo > ev.since ? own.ownTo : ev.since;
      const wait = from + this.o.thresholdMs - this.o.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (s[SHARED_HEARTBEAT] !== beat) return false;
      ev.since = from;
      return true;
    }) : Promise.resolve(true);
    // Not for a marked call: its mark names it, and the restart would hold the main thread (6-200 ms) for nothing.
    void held.then((still) => {
      if (still) setTimeout(() => { if (!answered && this.current === ev && ev.builtin === 0) ev.restart = this.restartSampler(); }, PROMPT_SNAPSHOT_MS);
    });
    // The live report: with the paused location when it comes quickly, without one otherwise
    // (the main thread is inside one native call and cannot be asked until it returns).
    const live = held.then((still): Promise<Snapshot | undefined | typeof NOT_LIVE> => (still ? withTimeout(pause, LIVE_WAIT_MS) : Promise.resolve(NOT_LIVE))).then((p) => {
      if (p === NOT_LIVE) return;
      const paused = p && p.inBlock ? this.pausedWitness(p.frames) : undefined;
      if (p && !paused && this.startupMachinery(p)) {
        ev.dropped = true;
        debugLog(`block ${id}: start-up machinery before the program's first line, not reported`);
        return;
      }
      // Inside a marked call so far: it names the line now, even with no snapshot yet (it is still running).
      const site = ev.builtin !== 0 ? this.builtinSites.get(ev.builtin) : undefined;
      const at = site ? builtinWitness(site, paused) : undefined;
      return this.emit(ev, false, this.o.now() - ev.since, at?.location ?? paused?.location, at?.stack ?? paused?.stack ?? [], 'callback', at ? 'original' : undefined);
    });
    const turns = s[SHARED_TURNS]!;
    const ev: Evidence = {
      id, since, taskId: s[SHARED_CURRENT_TASK]!, tallyId: s[SHARED_CURRENT_TALLY]!, beat, pause, live, tasks: new Set([s[SHARED_CURRENT_TASK]!]), turns, turningPolls: 0,
      queuedMs, builtin: marked, builtinSeen: this.o.now(),
    };
    if (ownBefore) ev.ownBefore = ownBefore;
    this.current = ev;
  }

  private async onEnd(id: number, since: number, durationMs: number, waitMs: number, queuedMs: number | undefined): Promise<void> {
    this.armed = false;
    const ev = this.current;
    if (!ev || ev.id !== id) return;
    ev.queuedMs = queuedMs;
    // Found while a restart of ours ran: only what came after it is the program's. Decided before anything
    // else, so a block that was ours asks for no samples (that restart would start the next such block).
    if (ev.ownBefore) {
      const own = await withTimeout(ev.ownBefore, waitMs);
      if (own?.ownFrom !== undefined && own.ownTo !== undefined) {
        const kept = afterOwn(since, durationMs, own.ownFrom, own.ownTo);
        debugLog(`end ${id}: found during our sampler restart ${own.ownFrom.toFixed(1)}-${own.ownTo.toFixed(1)}: ${durationMs.toFixed(1)} → ${kept.toFixed(1)} ms`);
        if (kept < this.o.thresholdMs) {
          await ev.live;
          if (this.current === ev) this.current = undefined;
          return;
        }
        // The program's block began as our restart ended.
        if (own.ownTo > since) { since = own.ownTo; ev.since = since; }
        durationMs = kept;
      }
    }
    const answer = await withTimeout(ev.pause, waitMs);
    // Taken before the loop came back (known from its own clock), it witnessed the block, even when
    // the heartbeat had moved by the time it arrived (at exit the last beat races the answer).
    const p = answer && !answer.inBlock && answer.at !== undefined && answer.at <= since + durationMs ? { ...answer, inBlock: true } : answer;
    // A marked builtin call held the loop from start to end: it names the line (no samples needed).
    const paused0 = p && p.inBlock ? this.pausedWitness(p.frames) : undefined;
    // It must have held most of the block: a block that went on long after the call (the rest of its
    // callback) is not the call's, and only the snapshot (or samples) can say where it went on.
    const site = ev.builtin !== 0 && ev.builtinSeen - since >= durationMs / 2 ? this.builtinSites.get(ev.builtin) : undefined;
    const marked = site ? builtinWitness(site, paused0) : undefined;
    // The samples cost a profiler restart (6-45 ms of the main thread): read them only when the
    // snapshot may be wrong or cannot tell the cause (see needsSamples).
    const wantSamples = !marked && needsSamples(p);
    const profile = wantSamples ? (await withTimeout(this.restartSampler(), waitMs))?.profile : undefined;
    await ev.live;
    if (this.current === ev) this.current = undefined;
    if (ev.dropped) return;
    const paused = paused0;
    // Only the samples taken during the block count (the profiler's clock is CLOCK_MONOTONIC in µs).
    const span = { fromUs: (since + this.o.hrOffsetMs) * 1000, toUs: (since + durationMs + this.o.hrOffsetMs) * 1000 };
    // Profiles already in hand count even when this last restart did not come back in time: at exit, on a
    // loaded machine, it can take longer than EXIT_WAIT_MS, while the restart queued when the block began
    // (onStart) already brought the block's samples.
    const covering = wantSamples ? this.recent.filter((q) => q.endTime >= span.fromUs && q.startTime <= span.toUs) : [];
    const sampled = covering.length > 0 ? blockWitness(covering, this.o.filter, span) : undefined;
    const chosen: Chosen = marked ?? choose(paused, sampled, this.o.filter);
    debugLog(`end ${id}: builtin=${ev.builtin} (${site ? 'known' : 'unknown'}, ${marked ? 'witness' : 'no witness'}) tasks=${[...ev.tasks].join(",")} turningPolls=${ev.turningPolls} profiles=${covering.length} samples=${profile?.samples?.length ?? 'none'} span=${JSON.stringify(span)} profile=[${profile?.startTime},${profile?.endTime}] paused=${JSON.stringify(paused?.location)} sampled=${JSON.stringify(sampled && { ...sampled, lineTicks: [...sampled.lineTicks], stack: sampled.stack.length })} chose ${chosen.from}`);
    // With task tracking on, a stall resumes tasks turn after turn (the turn counter moves between our looks,
    // every 5 ms), while one long callback resumes none. Both signs are read only while the block goes on
    // ('ongoing'); the turns just after a callback block ends (its microtasks, before the beat) can move the
    // counter at one look, or show a second task: hence at least 3 of either. The running task alone is not
    // enough: the counted calls of one hot function all run as their nearest recorded ancestor.
    const cause = !marked && (ev.tasks.size >= STALL_TASKS || ev.turningPolls >= STALL_TASKS) ? 'stall' : classifyCause(sampled);
    const placed = cause === 'stall' ? stallLocation(paused, sampled, chosen, this.o.filter) : chosen;
    // The sampler restart queued in onStart ran inside the block (served as the call returned): our time,
    // not the program's. Taken off only now: the span above is the whole block.
    const own = ev.restart ? await withTimeout(ev.restart, waitMs) : undefined;
    if (own?.ownFrom !== undefined && own.ownTo !== undefined) {
      const kept = withoutOwn(since, durationMs, own.ownFrom, own.ownTo);
      debugLog(`end ${id}: sampler restart ${own.ownFrom.toFixed(1)}-${own.ownTo.toFixed(1)} inside: ${durationMs.toFixed(1)} → ${kept.toFixed(1)} ms`);
      durationMs = kept;
    }
    // The samples know the line, not the column: name the statement's start (after mapping, which
    // is about columns in transformed code, while this one comes from the file on disk).
    await this.emit(ev, true, durationMs, placed.location, placed.stack, cause, placed.from === 'samples' ? 'line-only' : placed.from === 'mark' ? 'original' : undefined);
  }

  /**
   * A snapshot of the main thread's stack while the block goes on. One can land where no user code is
   * on the stack (a stall spends ~20% of its time in V8's microtask runner, with no JS frame, and more
   * in our task hooks): while the block goes on, ask again, within the live report's budget, so both
   * reports can name a real line. `waitedMs` is the first answer's: it tells whether the main thread was
   * interruptible (see needsSamples).
   */
  private async snapshot(probe: MainThreadProbe, beat: number, onFirstAnswer: () => void): Promise<Snapshot | undefined> {
    const s = this.o.shared;
    const asked = this.o.now();
    let waitedMs: number | undefined;
    let last: Snapshot | undefined;
    for (let i = 0; i < SNAPSHOT_TRIES; i++) {
      let snap: StackSnapshot;
      try { snap = await probe.stackNow(); } catch { return last; }
      const frames = snap.frames;
      const inBlock = s[SHARED_HEARTBEAT] === beat;
      if (waitedMs === undefined) { waitedMs = this.o.now() - asked; onFirstAnswer(); }
      last = { frames, inBlock, waitedMs };
      if (snap.at !== undefined) last.at = snap.at;
      if (snap.loop && snap.loop.start < 0) last.preLoop = true;
      if (debugOn) debugLog(`stack ${i}, in block: ${inBlock} ${JSON.stringify(frames.map((f) => [f.url.slice(-40), f.location.lineNumber + 1, f.functionName]))}`);
      if (!inBlock || this.pausedWitness(frames) || this.o.now() - asked > SNAPSHOT_RETRY_MS) break;
    }
    return last;
  }

  /**
   * Before the event loop started, with none of the program's code (nor a library's) on the stack: the
   * main thread is loading the program (an ES module graph; on Node 20 in tree mode each module also
   * waits for our loader thread to rewrite it), not running a line of it. Not reported as a block: no
   * line of the program held the loop. A synchronous require() is reported (its caller's line is on the stack).
   */
  private startupMachinery(p: Snapshot): boolean {
    return p.preLoop === true && !p.frames.some((f) => { const c = classify(urlToFile(f.url), this.o.filter); return c === 'user' || c === 'library'; });
  }

  private pausedWitness(frames: CallFrame[]): PausedWitness | undefined {
    const stack = framesToStack(frames);
    const location = pickLocation(stack, this.o.filter);
    // Only node internals (or us) on the stack: the snapshot was taken as the loop came back (e.g. in
    // the delivery of our own heartbeat message), after the block; it witnesses nothing.
    if (!location || classify(location.file, this.o.filter) === 'internal' || classify(location.file, this.o.filter) === 'own') return undefined;
    return { stack, location, functionName: location.function };
  }

  /**
   * position: 'line-only' (the samples know the line, not the column: name the statement's start);
   * 'original' (the location is already in the user's file's coordinates, not the code that ran: a mark).
   */
  private emit(ev: Evidence, final: boolean, durationMs: number, location: SourceLocation | undefined,
    stack: SourceLocation[], cause: BlockEvent['cause'], position?: 'line-only' | 'original'): Promise<void> {
    const block: BlockEvent = {
      type: 'block', ts: ev.since, id: ev.id, final, durationMs: Math.round(durationMs * 1000) / 1000, cause,
      // The agent's own frames (task hooks the rewritten code calls) are ours, not the user's: never shown.
      stack: stack.filter((f) => classify(f.file, this.o.filter) !== 'own'),
    };
    if (ev.taskId) block.taskId = ev.taskId;
    if (ev.tallyId) block.tallyId = ev.tallyId;
    if (ev.queuedMs !== undefined) block.queuedMs = Math.round(Math.min(ev.queuedMs, durationMs) * 1000) / 1000;
    if (location) block.location = location;
    const send = (b: BlockEvent): void => {
      if (position === 'line-only' && b.location) b.location = { ...b.location, column: this.firstColumn(b.location.file, b.location.line) };
      this.o.emit(b);
    };
    return this.mapped(block, position === 'original' ? location : undefined).then(send, () => send(block));
  }

  /**
   * Positions in the code that ran → the user's files (asks the main thread; unmapped if it is busy).
   * `original`: a frame already in the user's coordinates (the same object in the stack), left as it is.
   */
  private async mapped(block: BlockEvent, original?: SourceLocation): Promise<BlockEvent> {
    const probe = this.o.probe;
    if (!probe) return block;
    const frames = block.location ? [block.location, ...block.stack] : block.stack;
    const mine = frames.filter((f) => f !== original && (classify(f.file, this.o.filter) === 'user' || classify(f.file, this.o.filter) === 'library'));
    if (mine.length === 0) return block;
    const answer = await withTimeout(probe.mapPositions(mine.map((f) => [f.file, f.line, f.column])), MAP_WAIT_MS);
    if (!answer) return block;
    const byFrame = new Map<SourceLocation, { file: string; line: number; column: number }>();
    mine.forEach((f, i) => {
      const m = answer[i];
      if (m && typeof m.file === 'string' && typeof m.line === 'number' && typeof m.column === 'number') byFrame.set(f, m);
    });
    const fix = (f: SourceLocation): SourceLocation => {
      const m = byFrame.get(f);
      return m ? { ...f, file: m.file, line: m.line, column: m.column } : f;
    };
    const out: BlockEvent = { ...block, stack: block.stack.map(fix) };
    if (block.location) out.location = fix(block.location);
    return out;
  }

  /** The column of the first non-blank character of a line: where a statement the samples name starts. */
  private firstColumn(file: string, line: number): number {
    let lines = this.lineCache.get(file);
    if (!this.lineCache.has(file)) {
      if (this.lineCache.size >= LINE_CACHE_FILES) this.lineCache.clear(); // bounded memory
      try { lines = readFileSync(file, 'utf8').split('\n'); } catch { lines = undefined; }
      this.lineCache.set(file, lines);
    }
    const text = lines?.[line - 1];
    if (text === undefined) return 1;
    const m = /\S/.exec(text);
    return m ? m.index + 1 : 1;
  }
}

/**
 * Whether a block needs the sampler's testimony. Not when the stack snapshot came at once while the
 * block went on (the main thread was interruptible, so the snapshot is exactly where it spun) and its
 * stack shows what called the blocking code (node's timers, events, module loading: one callback).
 * Yes when the snapshot came late (an uninterruptible call such as JSON.parse: it landed after it),
 * not at all, or shows code resumed straight from the microtask queue (a stall of many awaits looks
 * like that; only the samples tell a stall from one long resumed slice).
 */
export function needsSamples(p: Snapshot | undefined): boolean {
  if (!p || !p.inBlock || p.waitedMs > PROMPT_SNAPSHOT_MS) return true;
  return !p.frames.some((f) => f.url.startsWith('node:'));
}

/** The live report of a block that ended with our sampler restart: none (see onStart). */
const NOT_LIVE = Symbol('not live');

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, () => { clearTimeout(t); resolve(undefined); });
  });
}
