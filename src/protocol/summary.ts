// The `--summary` file (loopscope.summary/1): a stable contract; fields may be added, never changed.
import type { SourceLocation, TaskKind } from './events.ts';

export interface SummaryTask {
  id: string; parentId: string | null; name: string; kind: TaskKind;
  state: 'resolved' | 'rejected' | 'cancelled' | 'pending';
  location?: { file: string; line: number; column: number };
}

export interface SummaryBlock {
  durationMs: number; taskId: string | null; cause: 'callback' | 'stall';
  location?: SourceLocation; stack: SourceLocation[];
}

export interface Summary {
  schema: 'loopscope.summary/1';
  exitCode: number | null; signal?: string | null; durationMs: number; thresholdMs: number;
  tasks: SummaryTask[]; blocks: SummaryBlock[]; dropped: number;
}
