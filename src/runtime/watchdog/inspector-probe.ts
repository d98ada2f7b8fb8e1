// The watchdog's view into the main thread through the inspector (Session#connectToMainThread from
// the worker). The inspector serves these requests by interrupting the main thread's JavaScript, so it
// answers while the main thread is blocked in JS (not while it is inside one native call: then the
// answer comes when that call returns).
// Costs decide how it is used: Debugger.enable replays every parsed script (18-67 ms) and left on it
// slows the program 7-9x, so the debugger is enabled only for the moment of a pause and disabled after.
// The sampling profiler runs only while a block is suspected (see watchdog.ts).
import { Session } from 'node:inspector';
import { debugLog } from './debug-log.ts';
import { MAP_POSITIONS_SOURCE } from './map-positions.ts';

export interface CallFrame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId: string };
  children?: number[];
  positionTicks?: Array<{ line: number; ticks: number }>;
}
export interface Profile { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime: number; endTime: number }

export class MainThreadProbe {
  private readonly session = new Session();
  private readonly scriptUrls = new Map<string, string>();
  private pauseWaiter: ((frames: CallFrame[]) => void) | undefined;
  private profiling = false;

  constructor() {
    this.session.connectToMainThread();
    this.session.on('Debugger.scriptParsed', (m: any) => {
      if (m.params?.url) this.scriptUrls.set(String(m.params.scriptId), String(m.params.url));
    });
    this.session.on('Debugger.paused', (m: any) => {
      // Resume first, whatever happens next: the user's program must never stay paused because of us.
      this.post('Debugger.resume').catch(() => undefined);
      const frames = (m.params?.callFrames ?? []) as CallFrame[];
      const waiter = this.pauseWaiter;
      this.pauseWaiter = undefined;
      waiter?.(frames.map((f) => ({ ...f, url: f.url || this.scriptUrls.get(f.location.scriptId) || '' })));
    });
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
   * Pauses the main thread once and returns its call frames (innermost first). Resolves when the pause
   * lands, which for an uninterruptible call is only after the call returns. Also reports whether the
   * paused code was resumed from an await (asyncStackTrace), the sign of a stall of microtasks.
   */
  pause(): Promise<CallFrame[]> {
    return new Promise<CallFrame[]>((resolve, reject) => {
      this.pauseWaiter = resolve;
      // Both requests go at once: the main thread serves them in one interrupt, so the pause is armed
      // at the first moment the main thread listens (e.g. just after a native call returns, while still
      // inside node's wrapper around it), not one round trip later when it has moved on.
      debugLog('pause: enable+pause');
      const enabled = this.post('Debugger.enable');
      const paused = this.post('Debugger.pause');
      Promise.all([enabled, paused])
        .catch((e) => { this.pauseWaiter = undefined; reject(e); });
    }).finally(() => {
      this.post('Debugger.disable').catch(() => undefined);
    });
  }

  /**
   * Stops the profiler and starts it again in one go (both requests are served in the same interrupt),
   * so no stretch of the main thread goes unsampled between two profiles.
   */
  async restartSampler(): Promise<Profile | undefined> {
    if (!this.profiling) return undefined;
    const stopped = this.post<{ profile: Profile }>('Profiler.stop');
    const started = this.post('Profiler.start');
    const [res] = await Promise.all([stopped, started]);
    return res.profile;
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

  /** The full source of a script, to read inline source maps. */
  async scriptSource(scriptId: string): Promise<string | undefined> {
    try {
      const r = await this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
      return r.scriptSource;
    } catch { return undefined; }
  }

  close(): void {
    try { this.session.disconnect(); } catch { /* already gone */ }
  }
}
