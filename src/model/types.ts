// What a trace means: the task tree and the blocks. Built by TraceModel (model/trace-model.ts) from
// TraceEvents; the CLI, the extension host and the webview all read a run through these types.
import type { BlockEvent, ProcessEvent, ExitEvent, SourceLocation, TaskKind, CancelReason } from '../protocol/events.ts';

export type TaskState = 'pending' | 'resolved' | 'rejected' | 'cancelled';

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
  /** Tasks this task awaited (ids), in order, without repeats. */
  awaited: number[];
  runs: number;
  runMs: number;
  awaits: number;
  /** Run slices that were sent (the agent only sends those ≥ runMinMs; runs/runMs count them all). */
  slices: RunSlice[];
  /** Ids of blocks that happened while this task's code ran. */
  blocks: number[];
}

/** A block, merged from its live and final events (the latest wins). */
export type Block = Omit<BlockEvent, 'type'>;

export interface ModelSnapshotInfo {
  process?: ProcessEvent;
  exit?: ExitEvent;
  dropped: number;
  /** Largest timestamp seen. */
  endTs: number;
}
