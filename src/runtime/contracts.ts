// How the parts of the agent meet. The channel (channel.ts) owns the socket through the watchdog worker;
// task tracking (tasks/) records into Float64Array chunks and hands them over; the watchdog reads the
// shared state to know that the loop turns and which task runs.
import type { AgentConfig, ControlMessage, SourceLocation } from '../protocol/index.ts';

/** The main-thread side of the channel. Never throws; when the consumer is gone it drops and counts. */
export interface RecordSink {
  /** Hand over `count` records (RECORD_SLOTS float64s each) at the start of `chunk`; ownership passes to the sink. */
  records(chunk: Float64Array, count: number): void;
  control(msg: ControlMessage): void;
  /** Where a marked builtin call site is (SHARED_BUILTIN_SITE): for the watchdog only, once per site. */
  builtinSite?(site: number, location: SourceLocation): void;
  /** Count events dropped to honour a memory cap (reported as a drop event). */
  dropped(count: number, reason: string): void;
}

/**
 * Slots of the Float64Array over a SharedArrayBuffer that the main thread and the watchdog share.
 * Plain (non-atomic) stores are fine: the watchdog only needs to see a value change eventually.
 */
export const SHARED_HEARTBEAT = 0; // bumped by the main thread every heartbeat tick
export const SHARED_CURRENT_TASK = 1; // id of the task whose code runs now (0: main/unknown)
export const SHARED_FLUSHED = 2; // worker → main: sequence number of the last chunk written to the socket
export const SHARED_BEAT_TS = 3; // main → worker: performance.now() (main thread's clock) of the last heartbeat
export const SHARED_TURNS = 4; // main (tree mode): bumped each time an awaiting task resumes: a stall's many short turns show here
// The tally whose counted task runs now (0: an exact task runs, or none): SHARED_CURRENT_TASK then holds its
// nearest exact ancestor, and a block is named after the tally (a hot handler's block is in a counted call).
export const SHARED_CURRENT_TALLY = 5;
// main (tree mode): the global site id of the JSON.parse/stringify call running now (0: none), and the
// heartbeat count when it began. Such a call answers no stack snapshot until it returns; this names it.
export const SHARED_BUILTIN_SITE = 6;
export const SHARED_BUILTIN_BEAT = 7;
export const SHARED_SLOTS = 8; // full: growing it means a bigger SharedArrayBuffer (channel.ts)

/** The agent's per-process state, on globalThis under this symbol (Symbol.for, so it survives being bundled twice). */
export const AGENT_STATE_KEY = Symbol.for('loopscope.agent');

export interface TaskTracking {
  /** Sends what is buffered now (called on an interval and at exit). */
  flush(): void;
}

/** Installs task tracking into this process. Returns undefined when it could not (then the agent runs without it). */
export type InstallTaskTracking = (config: AgentConfig, sink: RecordSink, shared: Float64Array) => TaskTracking | undefined;
