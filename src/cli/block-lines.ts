// Prints a line per block as the run goes, in asyncio debug mode's words. A block is printed when it
// ends. One still going LONG_BLOCK_MS after it began is also printed while live (the agent reports a
// block once early, from another thread, while the program is stuck), so a program stuck in a loop
// shows where it is stuck before anyone presses Ctrl+C.
import { formatBlockLine, type TraceModel } from '../model/index.ts';
import type { TraceEvent } from '../protocol/index.ts';

export const LONG_BLOCK_MS = 1000;

export class BlockLines {
  private readonly printed = new Set<number>();
  private readonly waiting = new Map<number, NodeJS.Timeout>();

  constructor(private readonly model: TraceModel, private readonly print: (line: string) => void, private readonly cwd: string) {}

  /** Call after the batch was applied to the model. */
  onBatch(batch: readonly TraceEvent[]): void {
    for (const e of batch) {
      if (e.type !== 'block' || this.printed.has(e.id)) continue;
      if (e.final) {
        this.printed.add(e.id);
        this.cancel(e.id);
        const block = this.model.blocks.get(e.id);
        if (block) this.print(formatBlockLine(block, this.model, { cwd: this.cwd }));
      } else if (!this.waiting.has(e.id)) {
        // Our clock runs on while theirs is stuck: the block has lasted durationMs + what we wait here.
        const seenAt = Date.now();
        const timer = setTimeout(() => {
          this.waiting.delete(e.id);
          const block = this.model.blocks.get(e.id);
          if (!block || block.final) return;
          const soFar = e.durationMs + (Date.now() - seenAt);
          this.print(formatBlockLine({ ...block, durationMs: soFar }, this.model, { cwd: this.cwd }));
        }, Math.max(0, LONG_BLOCK_MS - e.durationMs));
        timer.unref();
        this.waiting.set(e.id, timer);
      }
    }
  }

  /** The run is over: no more live lines. */
  dispose(): void {
    for (const id of [...this.waiting.keys()]) this.cancel(id);
  }

  private cancel(id: number): void {
    clearTimeout(this.waiting.get(id));
    this.waiting.delete(id);
  }
}
