// The trace event schema (loopscope.trace/1). One event per line in a trace file, after a header line.
// Times (`ts`, `dur`, `durationMs`) are milliseconds; `ts` counts from the traced process's
// performance.timeOrigin (its `process` event carries that origin as epoch milliseconds).
// Task ids are numbers unique within one process; 0 is the root task: the program's main module.

export type TaskKind =
  | 'main'
  | 'async-function'
  | 'timeout'
  | 'interval'
  | 'immediate'
  | 'io'
  | 'then'
  | 'promise-all'
  | 'promise-allSettled'
  | 'promise-race'
  | 'promise-any';

export const TASK_KINDS: readonly TaskKind[] = [
  'main', 'async-function', 'timeout', 'interval', 'immediate', 'io', 'then',
  'promise-all', 'promise-allSettled', 'promise-race', 'promise-any',
];

/** Combinators are group nodes: the tasks passed to them become their members. */
export const GROUP_KINDS: ReadonlySet<TaskKind> = new Set(['promise-all', 'promise-allSettled', 'promise-race', 'promise-any']);

export interface SourceLocation {
  /** Absolute path (or a URL such as node:internal/… for code that is not on disk). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  function?: string;
}

export type CaptureMode = 'tree' | 'blocking';

export interface HeaderEvent { type: 'header'; schema: string; createdBy?: string }

export interface ProcessEvent {
  type: 'process'; ts: number; pid: number; ppid?: number; argv: string[]; cwd: string;
  nodeVersion: string; platform: string; mode: CaptureMode; thresholdMs: number; timeOrigin: number;
}

export interface SpawnEvent {
  type: 'spawn'; ts: number; id: number; parentId: number; kind: TaskKind; name: string;
  /** Where user code spawned the task. Absent when it was spawned from code we do not instrument. */
  site?: SourceLocation;
}

/** One execution of the task's code: a callback run, or an async function's slice between awaits. */
export interface RunEvent { type: 'run'; ts: number; id: number; dur: number }

/** Task `id` began to wait on task `on`. */
export interface AwaitEvent { type: 'await'; ts: number; id: number; on: number }

export interface SettleEvent {
  type: 'settle'; ts: number; id: number; state: 'resolved' | 'rejected';
  /** Aggregates over the task's life, so a trace need not carry every slice and await. */
  runs?: number; runMs?: number; awaits?: number;
}

export type CancelReason = 'clearTimeout' | 'clearInterval' | 'clearImmediate' | 'abort' | 'destroyed';
export const CANCEL_REASONS: readonly CancelReason[] = ['clearTimeout', 'clearInterval', 'clearImmediate', 'abort', 'destroyed'];
export interface CancelEvent { type: 'cancel'; ts: number; id: number; reason: CancelReason }

/** Tasks `members` (already spawned) belong to the combinator group `id`. */
export interface GroupEvent { type: 'group'; ts: number; id: number; members: number[] }

/**
 * The event loop was held longer than the threshold. A block is reported while it is still going on
 * (`final: false`, durationMs so far) and once more when it ends (`final: true`), under the same `id`.
 */
export interface BlockEvent {
  type: 'block'; ts: number; id: number; final: boolean; durationMs: number;
  /** 'callback': one synchronous stretch; 'stall': many short turns that never let the loop reach I/O. */
  cause: 'callback' | 'stall';
  /** The task whose code was running, when known; for a counted task, its nearest recorded ancestor. */
  taskId?: number;
  /** When the code that ran was a counted task's (a hot call site's, see TallyEvent): that tally. */
  tallyId?: number;
  /**
   * Of durationMs, how long the main thread was ready to run but waited for a CPU (a loaded machine), where
   * the OS tells it (Linux). Such waiting does not make a block: only what is left must pass the threshold.
   */
  queuedMs?: number;
  /** Innermost frame in the user's own code (not node internals or node_modules, when such a frame exists). */
  location?: SourceLocation;
  stack: SourceLocation[];
}

/**
 * Tasks counted, not recorded one by one. Each call site records its first tasks exactly (100 by default,
 * and 10 more each second); beyond that budget its tasks, and everything they spawn, are counted here,
 * one tally per (spawner, call site): the work of a hot site stays visible as counts, at a fraction of the
 * cost of one record per task. Counts are cumulative: a later tally event with the same id replaces the
 * earlier one. Tally ids are their own numbering, apart from task ids.
 */
export interface TallyEvent {
  type: 'tally'; ts: number; id: number;
  /** The nearest recorded (exact) task the counted tasks descend from (0: the root). */
  parentId: number;
  /** When the counted tasks were spawned by counted tasks: that tally. */
  parentTally?: number;
  kind: TaskKind; name: string;
  site?: SourceLocation;
  /** Tasks spawned so far, and how many of them resolved, rejected or were cancelled (the rest are pending). */
  count: number; resolved: number; rejected: number; cancelled: number;
  /** Callback runs / async slices, and their total time (ms). */
  runs: number; runMs: number;
  /** When the first counted task was spawned. */
  firstTs: number;
}

/** Events the agent had to drop to stay within its memory caps; counts are cumulative. */
export interface DropEvent { type: 'drop'; ts: number; count: number; reason: string }

export interface ExitEvent {
  type: 'exit'; ts: number; code: number | null; signal: string | null;
  /** 'exit': ended normally; 'crash': an uncaught error; 'killed': by a signal; 'lost': the agent's channel closed with no word. */
  reason: 'exit' | 'crash' | 'killed' | 'lost';
  error?: string;
}

export type TraceEvent =
  | ProcessEvent | SpawnEvent | RunEvent | AwaitEvent | SettleEvent | CancelEvent | GroupEvent
  | TallyEvent | BlockEvent | DropEvent | ExitEvent;

export type TraceLine = HeaderEvent | TraceEvent;
