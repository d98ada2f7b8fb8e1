// Turns the task tree into the flat list of rows the virtual list shows: folds, filters and search applied.
// Walks only what is unfolded, iteratively (async chains can be thousands deep).
import type { TaskNode } from '../../src/model/types.ts';
import type { Filters } from '../ui-state.ts';
import { isListedTask } from '../../src/model/listing.ts';

export interface Row {
  id: number;
  depth: number;
  /** Has children that a fold would show. */
  expandable: boolean;
  expanded: boolean;
  /** Matches the search text. */
  match: boolean;
  /** Position among its shown siblings (1-based) and their number: screen readers need them when rows are virtual. */
  pos: number;
  siblings: number;
}

export interface RowOptions {
  tasks: ReadonlyMap<number, TaskNode>;
  rootId: number;
  folds: ReadonlyMap<number, boolean>;
  filters: Filters;
  search: string;
  isUserCode: (file: string) => boolean;
}

/** The root is unfolded; below it, deep or wide nodes start folded (a 10k-member Promise.all). */
export function defaultExpanded(task: TaskNode, depth: number): boolean {
  return depth === 0 || (depth < 8 && task.children.length <= 50);
}

/** Spawned from node_modules / Node internals, or an anonymous continuation a reader would not recognise. */
export function isLibraryTask(t: TaskNode, isUserCode: (file: string) => boolean): boolean {
  if (t.parentId === null) return false;
  return (t.site !== undefined && !isUserCode(t.site.file)) || !isListedTask(t);
}

/** Ids of tasks that are pending or have a pending descendant (what "hide settled" keeps). */
export function liveSet(tasks: ReadonlyMap<number, TaskNode>, rootId: number): Set<number> {
  const keep = new Set<number>();
  const order: number[] = [];
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    const t = tasks.get(id);
    if (!t) continue;
    order.push(id);
    for (const c of t.children) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) { // children come after parents in `order`
    const t = tasks.get(order[i])!;
    if (t.state === 'pending' || keep.has(t.id)) { keep.add(t.id); if (t.parentId !== null) keep.add(t.parentId); }
  }
  return keep;
}

/** Ids of matching tasks and all their ancestors: search unfolds the way to every match. */
function searchSet(tasks: ReadonlyMap<number, TaskNode>, needle: string): { matches: Set<number>; path: Set<number> } {
  const matches = new Set<number>();
  const path = new Set<number>();
  const q = needle.toLowerCase();
  for (const t of tasks.values()) {
    if (!t.name.toLowerCase().includes(q)) continue;
    matches.add(t.id);
    let p = t.parentId;
    while (p !== null && !path.has(p)) { path.add(p); p = tasks.get(p)?.parentId ?? null; }
  }
  return { matches, path };
}

export function buildRows(o: RowOptions): Row[] {
  const rows: Row[] = [];
  const root = o.tasks.get(o.rootId);
  if (!root) return rows;
  const live = o.filters.hideSettled ? liveSet(o.tasks, o.rootId) : undefined;
  const search = o.search.trim() ? searchSet(o.tasks, o.search.trim()) : undefined;
  const shown = (t: TaskNode) => (!live || live.has(t.id)) && (!search || search.matches.has(t.id) || search.path.has(t.id));
  const skipped = (t: TaskNode) => o.filters.hideLibraries && isLibraryTask(t, o.isUserCode);
  // Children that would become rows under `t`, looking through skipped (library) tasks.
  const visibleChildren = (t: TaskNode): TaskNode[] => {
    const out: TaskNode[] = [];
    const stack = [...t.children].reverse();
    while (stack.length) {
      const c = o.tasks.get(stack.pop()!);
      if (!c || !shown(c)) continue;
      if (skipped(c)) { for (let i = c.children.length - 1; i >= 0; i--) stack.push(c.children[i]); continue; }
      out.push(c);
    }
    return out;
  };
  // Explicit stack of (task, depth); children pushed in reverse so they pop in spawn order.
  const stack: [TaskNode, number, number, number][] = [[root, 0, 1, 1]];
  while (stack.length) {
    const [t, depth, pos, siblings] = stack.pop()!;
    const kids = visibleChildren(t);
    const fold = o.folds.get(t.id);
    const expanded = kids.length > 0 && (search ? fold !== false : fold ?? defaultExpanded(t, depth));
    rows.push({ id: t.id, depth, expandable: kids.length > 0, expanded, match: search ? search.matches.has(t.id) : false, pos, siblings });
    if (expanded) for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], depth + 1, i + 1, kids.length]);
  }
  return rows;
}

/** Number of tasks below `id` (shown on folded rows). */
export function subtreeSize(tasks: ReadonlyMap<number, TaskNode>, id: number): number {
  let n = 0;
  const stack = [...(tasks.get(id)?.children ?? [])];
  while (stack.length) {
    const t = tasks.get(stack.pop()!);
    if (!t) continue;
    n++;
    for (const c of t.children) stack.push(c);
  }
  return n;
}
