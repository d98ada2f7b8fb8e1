// The `--summary` file (loopscope.summary/1): a stable contract; fields may be added, never changed.
import type { SourceLocation, TaskKind } from './events.ts';

export interface SummaryTask {
  id: string; parentId: string | null; name: string; kind: TaskKind;
  state: 'resolved' | 'rejected' | 'cancelled' | 'pending';
  location?: { file: string; line: number; column: number };
}

/** Tasks a hot call site spawned beyond its budget of exact ones: counted, not listed one by one (see TallyEvent). */
export interface SummaryTally {
  id: string;
  /** The nearest listed task they descend from ("0": the main module, as for tasks). */
  parentId: string | null;
  /** The tally whose tasks spawned these, when they were counted too. */
  parentTally?: string;
  name: string; kind: TaskKind;
  count: number; resolved: number; rejected: number; cancelled: number; pending: number;
  location?: { file: string; line: number; column: number };
}

export interface SummaryBlock {
  durationMs: number; taskId: string | null; cause: 'callback' | 'stall';
  /** Present when the block ran in a counted task of this tally (in `tallies`); taskId is its nearest listed ancestor. */
  tallyId?: string;
  /** Of durationMs, how long the program waited for a CPU (see BlockEvent.queuedMs); absent when not known or under 1 ms. */
  queuedMs?: number;
  location?: SourceLocation; stack: SourceLocation[];
}

export interface Summary {
  schema: 'loopscope.summary/1';
  exitCode: number | null; signal?: string | null; durationMs: number; thresholdMs: number;
  tasks: SummaryTask[];
  /** Added in Loopscope 0.2: hot call sites' counted tasks (absent in older files). */
  tallies?: SummaryTally[];
  blocks: SummaryBlock[]; dropped: number;
}
