// Folding siblings: a thousand `fetchItem` calls under one parent read as one line with a count.
// Used by the terminal tree and by views that draw large trees.
import type { TaskKind } from '../protocol/events.ts';
import { TASK_STATES, type TallyNode, type TaskNode, type TaskState } from './types.ts';

export interface FoldGroup {
  /** kind + name + site: what makes siblings "the same". */
  key: string;
  kind: TaskKind;
  name: string;
  /** The folded tasks, in spawn order. */
  nodes: TaskNode[];
  /** How many of them are in each state. */
  counts: Record<TaskState, number>;
}

/**
 * Siblings are "the same" when kind, name and spawn site match: a thousand fetchItem() calls fold, but
 * three setTimeout callbacks from three different lines stay apart (one of them may be the one that blocked).
 */
export function foldKey(node: Pick<TaskNode, 'kind' | 'name' | 'site'>): string {
  const s = node.site;
  return node.kind + '\u0000' + node.name + '\u0000' + (s ? `${s.file}:${s.line}:${s.column}` : '');
}

/** Groups items by foldKey, groups in order of first appearance: `make` starts a group from its first item, `add` adds each item. */
function groupByFoldKey<T extends Pick<TaskNode, 'kind' | 'name' | 'site'>, G>(items: readonly T[], make: (key: string, first: T) => G, add: (g: G, item: T) => void): G[] {
  const groups = new Map<string, G>();
  for (const item of items) {
    const key = foldKey(item);
    let g = groups.get(key);
    if (g === undefined) { g = make(key, item); groups.set(key, g); }
    add(g, item);
  }
  return [...groups.values()];
}

/** Groups siblings with the same kind, name and site; groups in order of first appearance. */
export function foldSiblings(nodes: readonly TaskNode[]): FoldGroup[] {
  return groupByFoldKey<TaskNode, FoldGroup>(nodes,
    (key, n) => ({ key, kind: n.kind, name: n.name, nodes: [], counts: { pending: 0, resolved: 0, rejected: 0, cancelled: 0 } }),
    (g, n) => { g.nodes.push(n); g.counts[n.state]++; });
}

/** "998 resolved, 2 rejected" (states with a zero count left out, in a fixed order). */
export function formatStateCounts(counts: Record<TaskState, number>, format: (n: number) => string = String): string {
  return TASK_STATES.filter((s) => counts[s] > 0).map((s) => `${format(counts[s])} ${s}`).join(', ');
}

/** 98000 → "98,000": counted tasks run into the millions. Not locale-dependent (stable output for tests and logs). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Tallies with the same kind, name and site, summed: a hot site counted under many spawners reads as one line. */
export interface TallyFoldGroup {
  key: string;
  kind: TaskKind;
  name: string;
  /** The folded tallies, in order first seen. */
  tallies: TallyNode[];
  /** Counted tasks in all, and how many are in each state. */
  count: number;
  counts: Record<TaskState, number>;
}

/** Groups tallies the way foldSiblings groups tasks (same foldKey), summing their counts. */
export function foldTallies(tallies: readonly TallyNode[]): TallyFoldGroup[] {
  return groupByFoldKey<TallyNode, TallyFoldGroup>(tallies,
    (key, t) => ({ key, kind: t.kind, name: t.name, tallies: [], count: 0, counts: { pending: 0, resolved: 0, rejected: 0, cancelled: 0 } }),
    (g, t) => {
      g.tallies.push(t);
      g.count += t.count;
      g.counts.resolved += t.resolved;
      g.counts.rejected += t.rejected;
      g.counts.cancelled += t.cancelled;
      g.counts.pending += Math.max(0, t.count - t.resolved - t.rejected - t.cancelled);
    });
}
