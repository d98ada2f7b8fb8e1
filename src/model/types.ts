// What a trace means: the task tree and the blocks. Built by TraceModel (model/trace-model.ts) from
// TraceEvents; the CLI, the extension host and the webview all read a run through these types.
import type { BlockEvent, ProcessEvent, ExitEvent, SourceLocation, TaskKind, CancelReason } from '../protocol/events.ts';

export type TaskState = 'pending' | 'resolved' | 'rejected' | 'cancelled';
export const TASK_STATES: readonly TaskState[] = ['pending', 'resolved', 'rejected', 'cancelled'];

export interface RunSlice { ts: number; dur: number }

export interface TaskNode {
  id: number;
  /** null only for the root (the main module, id 0). */
  parentId: number | null;
  kind: TaskKind;
  name: string;
  site?: SourceLocation;
  state: TaskState;
  cancelReason?: CancelReason;
  spawnTs: number;
  /** When it settled or was cancelled. */
  endTs?: number;
  /** Children in spawn order (combinator members are moved under their group). */
  children: number[];
  /** Tasks this task awaited (ids), in order, without repeats (at most MAX_AWAITED kept). */
  awaited: number[];
  runs: number;
  runMs: number;
  awaits: number;
  /** Run slices that were sent (the agent only sends those ≥ runMinMs; runs/runMs count them all). At most MAX_SLICES kept. */
  slices: RunSlice[];
  /** Slices received beyond MAX_SLICES: counted here, not kept (memory stays proportional to tasks). */
  slicesOmitted: number;
  /** Ids of blocks that happened while this task's code ran. */
  blocks: number[];
  /** Tallies of tasks it spawned from hot call sites (counted, not recorded one by one), in order first seen. */
  tallies?: number[];
  /** Group nodes only: every task passed to the combinator, in order (a member spawned elsewhere stays under its own parent). */
  members?: number[];
}

/**
 * Tasks a hot call site spawned beyond its budget of exact ones, counted instead of recorded (TallyEvent):
 * one node per (spawner, call site). It hangs under its nearest recorded task (`parentId`) or under the
 * tally whose tasks spawned these (`parentTally`).
 */
export interface TallyNode {
  id: number;
  parentId: number;
  parentTally?: number;
  kind: TaskKind;
  name: string;
  site?: SourceLocation;
  count: number; resolved: number; rejected: number; cancelled: number;
  /** count - resolved - rejected - cancelled. */
  pending: number;
  runs: number; runMs: number;
  firstTs: number;
  /** When the latest counts were taken. */
  lastTs: number;
  /** Tallies of what these tasks spawned, in order first seen. */
  tallies: number[];
  /** Ids of blocks that happened while one of these counted tasks ran. */
  blocks: number[];
}

/** A block, merged from its live and final events (the latest wins). */
export type Block = Omit<BlockEvent, 'type'>;

export interface ModelSnapshotInfo {
  process?: ProcessEvent;
  exit?: ExitEvent;
  /** Events the agent dropped (sum over reasons of the latest cumulative count). */
  dropped: number;
  /** Latest cumulative drop count per reason. */
  dropsByReason: Record<string, number>;
  /** Largest timestamp seen (end of a run or block included). */
  endTs: number;
  /** Tasks per state, kept up to date on every event (the root included). */
  counts: Record<TaskState, number>;
  /** Tasks counted in tallies (sum of their counts), beside the recorded ones in `counts`. */
  tallied: number;
  /** Events applied so far. */
  events: number;
  /** Events that named a task never spawned (dropped by the agent's cap, or a damaged trace); they are skipped. */
  orphanEvents: number;
  /** Events that could not be applied at all (malformed: only possible from an unvalidated source). */
  invalidEvents: number;
}
