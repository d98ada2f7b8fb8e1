// Keeps the tree's rows in step with the run and the person's folds/filters/search, rebuilding them only
// when something they depend on changed, and not on every frame of a live flood.
import { isUserCode } from '../../src/model/paths.ts';
import type { RunStore } from '../store.ts';
import type { UiState } from '../ui-state.ts';
import { buildRows, subtreeSize, tallySubtreeCount, type Row } from './rows.ts';

export class RowBuilder {
  private dirty = true;
  private builtFor = -1;
  private lastBuild = 0;
  private cost = 0;
  private readonly foldedCounts = new Map<number, number>();
  private readonly foldedTallyCounts = new Map<number, number>();

  /** Folds, filters or search changed. */
  invalidate(): void { this.dirty = true; }

  /** New events arrived: rows are stale only if the tree's shape or states moved. */
  noteData(store: RunStore): void { if (store.structureVersion !== this.builtFor) this.dirty = true; }

  /**
   * New rows, or undefined when they are current or when rebuilding now would crowd a busy frame
   * (`deferred` is then true: ask again next frame).
   */
  build(store: RunStore, ui: UiState, busy: { flooding: boolean; liveFrameSpent: boolean }): { rows?: Row[]; deferred: boolean } {
    if (!this.dirty) return { deferred: false };
    const now = performance.now();
    // During a flood on a big tree, at most a few rebuilds a second; a live frame that already spent its
    // time applying events leaves them to the next frame (not for long).
    if (busy.flooding && this.cost > 4 && now - this.lastBuild < Math.max(250, this.cost * 20)) return { deferred: true };
    if (busy.liveFrameSpent && now - this.lastBuild < 1000) return { deferred: true };
    const rows = buildRows({ tasks: store.model.tasks, tallies: store.model.tallies, rootId: store.root.id, folds: ui.folds, tallyFolds: ui.tallyFolds, filters: ui.filters, search: ui.search, isUserCode: (f) => isUserCode(f) });
    this.cost = performance.now() - now;
    this.lastBuild = now;
    this.dirty = false;
    this.builtFor = store.structureVersion;
    this.foldedCounts.clear();
    this.foldedTallyCounts.clear();
    return { rows, deferred: false };
  }

  /** Tasks below `id` (counted ones included), for its folded row (cached until the next rebuild). */
  foldedCount(store: RunStore, id: number): number {
    let n = this.foldedCounts.get(id);
    if (n === undefined) { n = subtreeSize(store.model.tasks, id, store.model.tallies); this.foldedCounts.set(id, n); }
    return n;
  }

  /** Tasks counted in the tallies below tally `id`, for its folded row (cached until the next rebuild). */
  foldedTallyCount(store: RunStore, id: number): number {
    let n = this.foldedTallyCounts.get(id);
    if (n === undefined) { n = tallySubtreeCount(store.model.tallies, id); this.foldedTallyCounts.set(id, n); }
    return n;
  }
}
