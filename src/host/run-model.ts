// What the host reads from a run's TraceModel: blocks, tasks and the editor's wording of a block. A thin
// adapter so the extension's views ask one object, and the meaning stays in src/model.
import type { SourceLocation, TraceEvent } from '../protocol/index.ts';
import { TraceModel, formatBlockDiagnostic, type Block, type TaskNode } from '../model/index.ts';

export class RunModel {
  readonly model = new TraceModel();
  private blockCache: Block[] | undefined;

  add(events: readonly TraceEvent[]): void {
    this.model.apply(events);
    this.blockCache = undefined;
  }

  /** Blocks in the order first seen (time order), live ones included with their duration so far. */
  get blocks(): readonly Block[] {
    return (this.blockCache ??= [...this.model.blocks.values()]);
  }

  /** Tasks seen, the main module included (as the view counts them). */
  get taskCount(): number { return this.model.tasks.size; }

  task(id: number): TaskNode | undefined { return this.model.tasks.get(id); }

  /** What a block ran in and where that was spawned: its task, or for a counted task its tally (its call site). */
  blockOwner(block: Block): { name: string; site?: SourceLocation } | undefined {
    return this.model.blockTally(block) ?? (block.taskId !== undefined ? this.model.tasks.get(block.taskId) : undefined);
  }

  /** "blocked the event loop for 212 ms in crunch (setTimeout callback)" */
  describeBlock(block: Block): string { return formatBlockDiagnostic(block, this.model); }
}
