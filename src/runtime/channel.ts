// The main thread's side of the channel: hands records and control messages to the watchdog worker,
// which owns the socket. Owning the socket in the worker is what lets a block report leave the process
// while the main thread is still stuck in the blocking call.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AgentConfig, ControlMessage, SourceLocation } from '../protocol/index.ts';
import { SHARED_SLOTS, type RecordSink } from './contracts.ts';
import { beat } from './heartbeat.ts';
import { SYNC_EXITING, SYNC_FLUSH_ACK, SYNC_READY, SYNC_SLOTS, SYNC_STARTING, type ToWorker, type WatchdogData } from './watchdog/messages.ts';

/** Longest the program's start waits for the watchdog worker to boot (20-40 ms here; a loaded machine: more). */
const WORKER_READY_WAIT_MS = 250;

export class WorkerChannel implements RecordSink {
  readonly shared: Float64Array;
  private readonly sync: Int32Array;
  private readonly worker: Worker | undefined;
  private alive = true;
  private flushSeq = 0;

  private beatHandler: () => void = () => undefined;
  private starting = true;

  /**
   * Runs on the main thread on every beat (the heartbeat itself, and periodic work such as flushes).
   * The agent sets it last in its start-up, so setting it also ends the agent's start-up (see started()).
   */
  get onBeat(): () => void { return this.beatHandler; }
  set onBeat(fn: () => void) {
    this.beatHandler = fn;
    this.started();
  }

  /**
   * The agent's own start-up on the main thread is over (task tracking installed; on Node 20 with an ES
   * module entry that includes waiting for the loader thread). Until then the watchdog does not count
   * the held loop as a block: it is ours. From here the loop is the program's: a block that begins now,
   * even before the watchdog worker is up, is dated from this beat. Idempotent.
   */
  started(): void {
    if (!this.starting) return;
    this.starting = false;
    beat(this.shared);
    Atomics.store(this.sync, SYNC_STARTING, 0);
  }

  constructor(config: AgentConfig, workerFile: string, heartbeatMs: number) {
    const sharedBuf = new SharedArrayBuffer(SHARED_SLOTS * 8);
    const syncBuf = new SharedArrayBuffer(SYNC_SLOTS * 4);
    this.shared = new Float64Array(sharedBuf);
    this.sync = new Int32Array(syncBuf);
    this.sync[SYNC_STARTING] = 1;
    const workerData: WatchdogData = {
      config, shared: sharedBuf, sync: syncBuf, mainTimeOrigin: performance.timeOrigin, heartbeatMs,
    };
    try {
      this.worker = new Worker(workerFile, {
        workerData,
        // No preloads, no user flags in our worker; its stdio is never mixed into the user's.
        execArgv: [],
        stdout: true,
        stderr: true,
        name: 'loopscope-watchdog',
      });
      // The worker's beats: see heartbeat.ts.
      this.worker.on('message', () => { try { this.beatHandler(); } catch { /* never into the program */ } });
      this.worker.on('error', () => { this.alive = false; });
      this.worker.on('exit', () => { this.alive = false; });
      // Last, after the listeners (adding a 'message' listener refs the port again): the worker
      // must not keep the process alive.
      this.worker.unref();
    } catch {
      this.alive = false;
      return;
    }
    // The program starts once the worker's boot is over (about 20 ms of CPU for Node's worker bootstrap
    // alone): run side by side, the boot took a core from the program's first moments (its garbage
    // collector's helper threads on 2 cores: a 0.2 s promise-heavy run 1.04-1.07x slower), and a block
    // in those first moments could end before any watchdog saw it. Bounded: past the wait the program
    // starts anyway and the worker comes up beside it, as before.
    try { Atomics.wait(this.sync, SYNC_READY, 0, WORKER_READY_WAIT_MS); } catch { /* cannot wait here: start at once */ }
  }

  records(chunk: Float64Array, count: number): void {
    if (count <= 0) return;
    // Copied by the structured clone, never transferred: detaching an ArrayBuffer on the main thread
    // invalidates V8's "no ArrayBuffer was ever detached" protector once and for all, which deoptimizes
    // every function that touches a typed array (Node's own async_hooks and timers among them) and adds
    // a detached-buffer check to each typed-array access from then on. The copy is a memcpy.
    const whole = chunk.byteOffset === 0 && chunk.buffer instanceof ArrayBuffer && chunk.buffer.byteLength === count * 64;
    const buf = whole ? chunk.buffer as ArrayBuffer : chunk.slice(0, count * 8).buffer as ArrayBuffer;
    this.post({ t: 'records', buf, count });
  }

  control(msg: ControlMessage): void {
    this.post({ t: 'control', msg });
  }

  builtinSite(site: number, location: SourceLocation): void {
    this.post({ t: 'builtin-site', site, location });
  }

  dropped(count: number, reason: string): void {
    if (count > 0) this.post({ t: 'dropped', count, reason });
  }

  /**
   * At exit: asks the worker to write out everything it has, and waits for it (bounded), so the last
   * events are not lost when the process ends. Blocks the main thread for at most `timeoutMs`.
   */
  flushAndWait(timeoutMs: number, last?: ControlMessage): boolean {
    // The loop has ended: one last beat closes a block that was still open (the program's last callback).
    beat(this.shared);
    Atomics.store(this.sync, SYNC_EXITING, 1);
    if (!this.alive) return false;
    const seq = ++this.flushSeq;
    this.post(last ? { t: 'flush', seq, last } : { t: 'flush', seq });
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const acked = Atomics.load(this.sync, SYNC_FLUSH_ACK);
      if (acked >= seq) return true;
      const left = deadline - performance.now();
      if (left <= 0 || !this.alive) return false;
      // Short waits: between them the loop's stack checks serve the watchdog's inspector requests
      // (e.g. the profile of a block that ended with the program), which a long wait would hold up.
      Atomics.wait(this.sync, SYNC_FLUSH_ACK, acked, Math.min(left, 2));
    }
  }

  private post(msg: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.alive || !this.worker) return;
    try {
      this.worker.postMessage(msg, transfer);
    } catch {
      /* a message that cannot be cloned is dropped, never thrown into the user's program */
    }
  }
}
