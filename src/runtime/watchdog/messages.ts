// What the main thread and the watchdog worker say to each other (one concept: the thread boundary).
import type { AgentConfig, ControlMessage, SourceLocation } from '../../protocol/index.ts';

/** Handed to the worker at start (structured-cloned workerData). */
export interface WatchdogData {
  config: AgentConfig;
  /** Float64Array slots (SHARED_* in contracts.ts): heartbeat, current task, beat time. */
  shared: SharedArrayBuffer;
  /** Int32Array: [FLUSH_ACK, EXITING, STARTING], for Atomics.wait at exit. */
  sync: SharedArrayBuffer;
  /** The main thread's performance.timeOrigin: the worker converts its own clock into the main thread's. */
  mainTimeOrigin: number;
  /** Heartbeat period (ms) of the main thread: lateness = now - lastBeat - period. */
  heartbeatMs: number;
}

export const SYNC_FLUSH_ACK = 0; // worker → main: highest flush sequence fully handed to the socket
export const SYNC_EXITING = 1; // main → worker: the main thread is exiting; a stopped heartbeat is not a block
/**
 * main → worker: 1 while the agent's own start-up still runs on the main thread (e.g. Node 20's
 * module.register waits ~0.1-0.3 s for its loader thread): a held loop then is ours, not a block.
 */
export const SYNC_STARTING = 2;
/** worker → main: 1 once the worker's own code runs (its boot is over; the main thread waits for it). */
export const SYNC_READY = 3;
export const SYNC_SLOTS = 4;

export type ToWorker =
  | { t: 'records'; buf: ArrayBuffer; count: number }
  | { t: 'control'; msg: ControlMessage }
  | { t: 'dropped'; count: number; reason: string }
  /** Where a marked builtin call site is (contracts.ts, SHARED_BUILTIN_SITE): the watchdog's alone. */
  | { t: 'builtin-site'; site: number; location: SourceLocation }
  /** Write out everything; `last` (the exit event) goes after any block the exit closed. */
  | { t: 'flush'; seq: number; last?: ControlMessage };
