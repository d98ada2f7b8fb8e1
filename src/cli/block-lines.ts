// Prints a line per block as the run goes, in asyncio debug mode's words. A block is printed when it
// ends; one still going after LONG_BLOCK_MS is also printed while live, so a program stuck in a loop
// shows where it is stuck before anyone presses Ctrl+C.
import { formatBlockLine, type TraceModel } from '../model/index.ts';
import type { TraceEvent } from '../protocol/index.ts';

export const LONG_BLOCK_MS = 1000;

export class BlockLines {
  private readonly printedLive = new Set<number>();
  private readonly printedFinal = new Set<number>();

  constructor(private readonly model: TraceModel, private readonly print: (line: string) => void, private readonly cwd: string) {}

  /** Call after the batch was applied to the model. */
  onBatch(batch: readonly TraceEvent[]): void {
    for (const e of batch) {
      if (e.type !== 'block' || this.printedFinal.has(e.id)) continue;
      const block = this.model.blocks.get(e.id);
      if (!block) continue;
      if (e.final) {
        this.printedFinal.add(e.id);
        this.print(formatBlockLine(block, this.model, { cwd: this.cwd }));
      } else if (e.durationMs >= LONG_BLOCK_MS && !this.printedLive.has(e.id)) {
        this.printedLive.add(e.id);
        this.print(formatBlockLine({ ...block, final: false, durationMs: e.durationMs }, this.model, { cwd: this.cwd }));
      }
    }
  }
}
