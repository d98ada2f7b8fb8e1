// What the person chose (selection, folds, filters, zoom): the only state the webview owns. It is small and
// JSON-safe so VS Code can keep it across a hidden/revived panel (acquireVsCodeApi().setState).
export interface Filters {
  hideSettled: boolean;
  /** Hide tasks spawned from node_modules and Node internals (their children move up to the nearest shown ancestor). */
  hideLibraries: boolean;
}

export interface UiState {
  selectedTask: number | undefined;
  selectedBlock: number | undefined;
  /** A selected tally (its own numbering, apart from task ids); a task and a tally are never both selected. */
  selectedTally: number | undefined;
  /** Folds the person changed from the default (true = expanded). */
  folds: Map<number, boolean>;
  /** The same for tally rows (keyed by tally id). */
  tallyFolds: Map<number, boolean>;
  filters: Filters;
  search: string;
  /** Visible time window; undefined = whole run. */
  window: [number, number] | undefined;
  /** Keep the live edge in view. */
  follow: boolean;
}

export function initialUiState(): UiState {
  return { selectedTask: undefined, selectedBlock: undefined, selectedTally: undefined, folds: new Map(), tallyFolds: new Map(), filters: { hideSettled: false, hideLibraries: false },
    search: '', window: undefined, follow: true };
}

export interface SavedUiState {
  v: 1; runId: string; selectedTask?: number; selectedBlock?: number; selectedTally?: number; folds: [number, boolean][];
  /** Absent in state saved before tallies. */
  tallyFolds?: [number, boolean][]; filters: Filters;
  search: string; window?: [number, number]; follow: boolean;
}

export function saveUiState(s: UiState, runId: string): SavedUiState {
  return { v: 1, runId, selectedTask: s.selectedTask, selectedBlock: s.selectedBlock, selectedTally: s.selectedTally,
    folds: [...s.folds].slice(-5000), tallyFolds: [...s.tallyFolds].slice(-1000),
    filters: { ...s.filters }, search: s.search, window: s.window, follow: s.follow };
}

/** Restores saved state; anything malformed falls back to the default (state is data from an older webview). */
export function loadUiState(raw: unknown): { runId: string; state: UiState } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Partial<SavedUiState>;
  if (r.v !== 1 || typeof r.runId !== 'string') return undefined;
  const s = initialUiState();
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  s.selectedTask = num(r.selectedTask);
  s.selectedBlock = num(r.selectedBlock);
  s.selectedTally = s.selectedTask === undefined ? num(r.selectedTally) : undefined;
  if (Array.isArray(r.folds)) for (const f of r.folds) if (Array.isArray(f) && num(f[0]) !== undefined) s.folds.set(f[0], f[1] === true);
  if (Array.isArray(r.tallyFolds)) for (const f of r.tallyFolds) if (Array.isArray(f) && num(f[0]) !== undefined) s.tallyFolds.set(f[0], f[1] === true);
  if (r.filters) s.filters = { hideSettled: r.filters.hideSettled === true, hideLibraries: r.filters.hideLibraries === true };
  if (typeof r.search === 'string') s.search = r.search.slice(0, 200);
  if (Array.isArray(r.window) && num(r.window[0]) !== undefined && num(r.window[1]) !== undefined && r.window[1] > r.window[0]) s.window = [r.window[0], r.window[1]];
  s.follow = r.follow !== false;
  return { runId: r.runId, state: s };
}
