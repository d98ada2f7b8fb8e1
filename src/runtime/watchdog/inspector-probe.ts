// The watchdog's view into the main thread through the inspector (Session#connectToMainThread from
// the worker). The inspector serves these requests by interrupting the main thread's JavaScript, so it
// answers while the main thread is blocked in JS (not while it is inside one native call: then the
// answer comes when that call returns).
// Costs decide how it is used: Debugger.enable replays every parsed script (18-67 ms) and left on it
// slows the program 7-9x, so the debugger is enabled only for the moment of a pause and disabled after.
// The sampling profiler runs only while a block is suspected (see watchdog.ts).
import { Session } from 'node:inspector';
import { MAP_POSITIONS_SOURCE } from './map-positions.ts';

export interface CallFrame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}
/**
 * A stack snapshot and, when known, when it was taken (the main thread's performance.now()), and the
 * event loop's start (-1: not started yet, the program's top level still runs) and total idle time.
 */
export interface StackSnapshot { frames: CallFrame[]; at?: number; loop?: { start: number; idleMs: number } }
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId: string };
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}
export interface Profile { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime: number; endTime: number }

/**
 * Evaluated on the main thread: the stack it interrupted as [file, line, column, function] (1-based), and
 * when (the main thread's performance.now(): whether it was still inside the block is judged by that, as
 * the heartbeat read when the answer arrives may already have moved, e.g. at exit).
 */
const STACK_NOW_SOURCE = `(function () {
  var at = -1;
  try { at = typeof performance === 'object' && performance && typeof performance.now === 'function' ? performance.now() : -1; } catch (e) { at = -1; }
  var E = Error, prep = E.prepareStackTrace, limit = E.stackTraceLimit, out = null;
  try {
    E.stackTraceLimit = 64;
    E.prepareStackTrace = function (_e, sites) {
      return sites.map(function (c) { return [c.getFileName() || '', c.getLineNumber() || 0, c.getColumnNumber() || 0, c.getFunctionName() || '']; });
    };
    var holder = {};
    E.captureStackTrace(holder);
    out = holder.stack;
  } catch (e) { out = null; } finally { E.prepareStackTrace = prep; E.stackTraceLimit = limit; }
  var loop = null;
  try { loop = { start: performance.nodeTiming.loopStart, idleMs: performance.eventLoopUtilization().idle }; } catch (e) { loop = null; }
  return out && { frames: out, at: at, loop: loop };
})()`;

export class MainThreadProbe {
  private readonly session = new Session();
  private profiling = false;

  constructor() {
    this.session.connectToMainThread();
  }

  post<T = unknown>(method: string, params?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        this.session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T)));
      } catch (e) { reject(e); }
    });
  }

  /** Starts the sampling profiler at `intervalUs` (idempotent). */
  async startSampler(intervalUs: number): Promise<void> {
    if (this.profiling) return;
    this.profiling = true;
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.post('Profiler.start');
  }

  /** Stops the profiler; its samples, or undefined when it was not running. */
  async stopSampler(): Promise<Profile | undefined> {
    if (!this.profiling) return undefined;
    this.profiling = false;
    try {
      const res = await this.post<{ profile: Profile }>('Profiler.stop');
      return res.profile;
    } finally {
      this.post('Profiler.disable').catch(() => undefined);
    }
  }

  /**
   * The main thread's JavaScript stack right now (innermost first). Runtime.evaluate is served by
   * interrupting the running code, and the expression captures the stack it interrupted: the same
   * frames a Debugger.pause would show (inlined functions included), without enabling the debugger,
   * which costs the main thread 18-67 ms per enable (it replays every script) and 7-9x if left on.
   * Like a pause, it is only served at the next interrupt check: after an uninterruptible call returns.
   */
  async stackNow(): Promise<StackSnapshot> {
    const res = await this.post<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression: STACK_NOW_SOURCE, returnByValue: true, silent: true });
    const v = res.result?.value as { frames?: unknown; at?: unknown; loop?: { start?: unknown; idleMs?: unknown } | null } | undefined;
    if (!v || !Array.isArray(v.frames)) throw new Error('no stack');
    const frames = (v.frames as Array<[string, number, number, string]>)
      .filter((f) => Array.isArray(f) && typeof f[0] === 'string' && f[0] !== '')
      .map(([url, line, column, fn]): CallFrame => ({ functionName: fn, url, location: { scriptId: '', lineNumber: line - 1, columnNumber: column - 1 } }));
    const snap: StackSnapshot = typeof v.at === 'number' && v.at >= 0 ? { frames, at: v.at } : { frames };
    if (v.loop && typeof v.loop.start === 'number' && typeof v.loop.idleMs === 'number') snap.loop = { start: v.loop.start, idleMs: v.loop.idleMs };
    return snap;
  }

  /**
   * Stops the profiler and starts it again in one go (both requests are served in the same interrupt),
   * so no stretch of the main thread goes unsampled between two profiles. `startedAt`: the main thread's
   * performance.now() once the start was done, asked for in the same interrupt: from the old profile's
   * endTime to then the main thread was ours (serializing the profile, logging all code for the new one).
   */
  async restartSampler(): Promise<{ profile: Profile; startedAt?: number } | undefined> {
    if (!this.profiling) return undefined;
    const stopped = this.post<{ profile: Profile }>('Profiler.stop');
    const started = this.post('Profiler.start');
    const after = this.post<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression: 'performance.now()', returnByValue: true, silent: true })
      .then((r) => r.result?.value, () => undefined);
    const [res, , at] = await Promise.all([stopped, started, after]);
    return typeof at === 'number' ? { profile: res.profile, startedAt: at } : { profile: res.profile };
  }

  /**
   * Maps positions in the code that ran back to the user's files (see map-positions.ts), on the main
   * thread. Undefined when there is no answer.
   */
  async mapPositions(positions: Array<[string, number, number]>): Promise<Array<{ file: string; line: number; column: number } | null> | undefined> {
    const expression = `${MAP_POSITIONS_SOURCE}(${JSON.stringify(positions)})`;
    const res = await this.post<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression, returnByValue: true, silent: true });
    const v = res.result?.value;
    return Array.isArray(v) ? v as Array<{ file: string; line: number; column: number } | null> : undefined;
  }

  close(): void {
    try { this.session.disconnect(); } catch { /* already gone */ }
  }
}
