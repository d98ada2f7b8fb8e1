// Turns the task tree into the flat list of rows the virtual list shows: folds, filters and search applied.
// Walks only what is unfolded, iteratively (async chains can be thousands deep). Tallies (tasks of a hot call
// site counted, not recorded) are rows too: after their parent task's children, or under their parent tally.
import type { TallyNode, TaskNode } from '../../src/model/types.ts';
import type { Filters } from '../ui-state.ts';
import { isListedTask } from '../../src/model/listing.ts';
import { isGenericName } from '../../src/model/task-label.ts';
import { GROUP_KINDS } from '../../src/protocol/index.ts';

export interface Row {
  /** A task id, or a tally id when `tally` is set (tallies have their own numbering). */
  id: number;
  tally?: true;
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
  /** Absent: no tally rows. */
  tallies?: ReadonlyMap<number, TallyNode>;
  rootId: number;
  folds: ReadonlyMap<number, boolean>;
  tallyFolds?: ReadonlyMap<number, boolean>;
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

/** The same rule for a tally, by its call site (and, without one, by its name, as for tasks). */
export function isLibraryTally(t: TallyNode, isUserCode: (file: string) => boolean): boolean {
  if (t.site !== undefined) return !isUserCode(t.site.file);
  return !GROUP_KINDS.has(t.kind) && isGenericName(t.name, t.kind);
}

/** Ids of tallies with pending tasks, or with such a tally below them. */
export function liveTallies(tallies: ReadonlyMap<number, TallyNode>): Set<number> {
  const keep = new Set<number>();
  for (const t of tallies.values()) {
    if (t.pending <= 0) continue;
    let cur: TallyNode | undefined = t;
    while (cur && !keep.has(cur.id)) { keep.add(cur.id); cur = cur.parentTally === undefined ? undefined : tallies.get(cur.parentTally); }
  }
  return keep;
}

/** Ids of tasks that are pending or have a pending descendant (counted ones in tallies included): what "hide settled" keeps. */
export function liveSet(tasks: ReadonlyMap<number, TaskNode>, rootId: number, tallies?: ReadonlyMap<number, TallyNode>, live?: ReadonlySet<number>): Set<number> {
  const keep = new Set<number>();
  if (tallies && live) for (const id of live) { const t = tallies.get(id); if (t) keep.add(t.parentId); }
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

interface SearchSets {
  matches: Set<number>; path: Set<number>;
  /** The same for tallies (their own ids). */
  tallyMatches: Set<number>; tallyPath: Set<number>;
}

/** Ids of matching tasks and tallies and all their ancestors: search unfolds the way to every match. */
function searchSet(tasks: ReadonlyMap<number, TaskNode>, tallies: ReadonlyMap<number, TallyNode> | undefined, needle: string): SearchSets {
  const s: SearchSets = { matches: new Set(), path: new Set(), tallyMatches: new Set(), tallyPath: new Set() };
  const q = needle.toLowerCase();
  const up = (p: number | null) => { while (p !== null && !s.path.has(p)) { s.path.add(p); p = tasks.get(p)?.parentId ?? null; } };
  for (const t of tasks.values()) {
    if (!t.name.toLowerCase().includes(q)) continue;
    s.matches.add(t.id);
    up(t.parentId);
  }
  if (tallies) for (const t of tallies.values()) {
    if (!t.name.toLowerCase().includes(q)) continue;
    s.tallyMatches.add(t.id);
    let p = t.parentTally;
    while (p !== undefined && !s.tallyPath.has(p)) { s.tallyPath.add(p); p = tallies.get(p)?.parentTally; }
    up(t.parentId);
  }
  return s;
}

export function buildRows(o: RowOptions): Row[] {
  const rows: Row[] = [];
  const root = o.tasks.get(o.rootId);
  if (!root) return rows;
  const tallies = o.tallies;
  const liveT = o.filters.hideSettled && tallies ? liveTallies(tallies) : undefined;
  const live = o.filters.hideSettled ? liveSet(o.tasks, o.rootId, tallies, liveT) : undefined;
  const search = o.search.trim() ? searchSet(o.tasks, tallies, o.search.trim()) : undefined;
  const shown = (t: TaskNode) => (!live || live.has(t.id)) && (!search || search.matches.has(t.id) || search.path.has(t.id));
  const shownTally = (t: TallyNode) => (!liveT || liveT.has(t.id)) && (!search || search.tallyMatches.has(t.id) || search.tallyPath.has(t.id));
  const skipped = (t: TaskNode) => o.filters.hideLibraries && isLibraryTask(t, o.isUserCode);
  const skippedTally = (t: TallyNode) => o.filters.hideLibraries && isLibraryTally(t, o.isUserCode);
  // Children that would become rows under a task or tally, looking through skipped (library) ones: a task's
  // children, then its tallies; a tally's child tallies. Tallies are coded as ~id (negative) on the stack and in the result.
  // One work stack and one helper for every call (no allocation per row beyond its result).
  const stack: number[] = [];
  const pushOf = (tt: readonly number[] | undefined, kids: readonly number[]) => {
    if (tt && tallies) for (let i = tt.length - 1; i >= 0; i--) stack.push(~tt[i]);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  };
  const visibleChildren = (t: TaskNode | undefined, y: TallyNode | undefined): number[] => {
    const out: number[] = [];
    if (t) pushOf(t.tallies, t.children); else if (y) pushOf(y.tallies, []);
    while (stack.length) {
      const code = stack.pop()!;
      if (code < 0) {
        const c = tallies!.get(~code);
        if (!c || !shownTally(c)) continue;
        if (skippedTally(c)) { pushOf(c.tallies, []); continue; }
        out.push(code);
        continue;
      }
      const c = o.tasks.get(code);
      if (!c || !shown(c)) continue;
      if (skipped(c)) { pushOf(c.tallies, c.children); continue; }
      out.push(code);
    }
    return out;
  };
  // Explicit stack of (task or ~tally, depth, pos, siblings); children pushed in reverse so they pop in spawn order.
  const todo: [number, number, number, number][] = [[root.id, 0, 1, 1]];
  while (todo.length) {
    const [code, depth, pos, siblings] = todo.pop()!;
    let kids: number[], expanded: boolean;
    if (code < 0) {
      const y = tallies!.get(~code)!;
      kids = visibleChildren(undefined, y);
      const fold = o.tallyFolds?.get(y.id);
      expanded = kids.length > 0 && (search ? fold !== false : fold ?? (depth < 8 && kids.length <= 50));
      rows.push({ id: y.id, tally: true, depth, expandable: kids.length > 0, expanded, match: search ? search.tallyMatches.has(y.id) : false, pos, siblings });
    } else {
      const t = o.tasks.get(code)!;
      kids = visibleChildren(t, undefined);
      const fold = o.folds.get(t.id);
      expanded = kids.length > 0 && (search ? fold !== false : fold ?? defaultExpanded(t, depth));
      rows.push({ id: t.id, depth, expandable: kids.length > 0, expanded, match: search ? search.matches.has(t.id) : false, pos, siblings });
    }
    if (expanded) for (let i = kids.length - 1; i >= 0; i--) todo.push([kids[i], depth + 1, i + 1, kids.length]);
  }
  return rows;
}

/** Tasks counted in a tally's child tallies, and theirs (shown on a folded tally row). */
export function tallySubtreeCount(tallies: ReadonlyMap<number, TallyNode>, id: number): number {
  let n = 0;
  const stack = [...(tallies.get(id)?.tallies ?? [])];
  while (stack.length) {
    const t = tallies.get(stack.pop()!);
    if (!t) continue;
    n += t.count;
    for (const c of t.tallies) stack.push(c);
  }
  return n;
}

/** Number of tasks below `id` (shown on folded rows), counted ones in tallies included when `tallies` is given. */
export function subtreeSize(tasks: ReadonlyMap<number, TaskNode>, id: number, tallies?: ReadonlyMap<number, TallyNode>): number {
  let n = 0;
  const top = tasks.get(id);
  const counted = (t: TaskNode | undefined) => {
    if (!tallies || !t?.tallies) return;
    for (const y of t.tallies) n += (tallies.get(y)?.count ?? 0) + tallySubtreeCount(tallies, y);
  };
  counted(top);
  const stack = [...(top?.children ?? [])];
  while (stack.length) {
    const t = tasks.get(stack.pop()!);
    if (!t) continue;
    n++;
    counted(t);
    for (const c of t.children) stack.push(c);
  }
  return n;
}
