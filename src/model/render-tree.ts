// The task tree as compact text for a terminal: recognisable tasks only, same-name siblings folded
// into one line with a count, deep or wide parts cut with "… N more". Tasks a hot call site spawned beyond
// its budget of exact ones (tallies) show as "×N counted" lines under their spawner, folded the same way.
import { GROUP_KINDS } from '../protocol/events.ts';
import { foldKey, foldSiblings, foldTallies, formatCount, formatStateCounts, type FoldGroup, type TallyFoldGroup } from './fold.ts';
import { isListedTask, listedChildren, listedTallies } from './listing.ts';
import { formatLocation } from './paths.ts';
import { safeLine } from './safe-text.ts';
import { taskLabel } from './task-label.ts';
import type { TraceModel } from './trace-model.ts';
import type { TallyNode, TaskNode } from './types.ts';

export interface RenderTreeOptions {
  /** Paths under it are shown relative. */
  cwd?: string;
  /** Levels below the root to show (default 8). */
  maxDepth?: number;
  /** Lines per parent before "… N more" (default 12). */
  maxChildren?: number;
  /** Lines in all (default 200): a terminal is not a place for 100k lines. */
  maxLines?: number;
}

const MARKS: Record<TaskNode['state'], string> = { pending: '… ', resolved: '', rejected: '✗ ', cancelled: '⊘ ' };

/** One line of the tree: folded tasks, or folded tallies (counted tasks). */
type Entry = { tasks: FoldGroup } | { counted: TallyFoldGroup };

export function renderTaskTree(model: TraceModel, opts: RenderTreeOptions = {}): string {
  const maxDepth = Math.max(0, opts.maxDepth ?? 8);
  const maxChildren = Math.max(1, opts.maxChildren ?? 12);
  const maxLines = Math.max(1, opts.maxLines ?? 200);
  const lines: string[] = [safeLine(rootLine(model, opts.cwd))];
  let cut = false;

  // `parents`: folded tasks whose listed children and tallies come next; `parentTallies`: folded tallies whose
  // child tallies come next (what counted tasks spawned is counted too, so a tally has only tallies below it).
  const walk = (parents: TaskNode[], parentTallies: TallyNode[], prefix: string, depth: number): void => {
    const children: TaskNode[] = [];
    const tallies: TallyNode[] = [];
    for (const p of parents) {
      for (const c of listedChildren(model, p)) children.push(c); // no spread: 100k+ children
      for (const t of listedTallies(model, p)) tallies.push(t);
    }
    for (const p of parentTallies) for (const id of p.tallies) { const t = model.tallies.get(id); if (t) tallies.push(t); }
    if (children.length === 0 && tallies.length === 0) return;
    if (depth > maxDepth) {
      const n = countListedSubtrees(model, children);
      const counted = countedBelow(model, children, tallies);
      lines.push(`${prefix}└─ … ${moreWords(n, counted)} below`);
      return;
    }
    const entries = orderEntries(foldSiblings(children), foldTallies(tallies));
    const shown = entries.slice(0, maxChildren);
    const hidden = entries.slice(maxChildren);
    shown.forEach((e, i) => {
      if (lines.length >= maxLines) { cut = true; return; }
      const last = i === shown.length - 1 && hidden.length === 0;
      const text = 'tasks' in e ? groupText(e.tasks, opts.cwd) : countedText(e.counted, opts.cwd);
      lines.push(safeLine(`${prefix}${last ? '└─ ' : '├─ '}${text}`));
      const next = prefix + (last ? '   ' : '│  ');
      if ('tasks' in e) walk(e.tasks.nodes, [], next, depth + 1);
      else walk([], e.counted.tallies, next, depth + 1);
    });
    if (hidden.length > 0 && lines.length < maxLines) {
      let n = 0;
      let counted = 0;
      for (const e of hidden) {
        if ('tasks' in e) n += e.tasks.nodes.length;
        else counted += e.counted.count;
      }
      lines.push(`${prefix}└─ … ${moreWords(n, counted)}`);
    }
  };
  walk([model.root], [], '', 1);
  if (cut || lines.length > maxLines) {
    lines.length = Math.min(lines.length, maxLines);
    const counted = model.info.tallied > 0 ? `, and ${formatCount(model.info.tallied)} counted` : '';
    lines.push(`… cut at ${maxLines} lines (${countListedSubtrees(model, [model.root]) - 1} tasks in all${counted})`);
  }
  if (model.info.exit) {
    // Tasks that never finished: a timer never cleared, a promise never settled; often why a run ended oddly.
    let pending = 0;
    for (const t of model.tasks.values()) if (t.state === 'pending' && t.parentId !== null && isListedTask(t)) pending++;
    let countedPending = 0;
    for (const t of model.tallies.values()) countedPending += t.pending;
    if (pending > 0) {
      const more = countedPending > 0 ? `, and ${formatCount(countedPending)} counted one${countedPending === 1 ? '' : 's'}` : '';
      lines.push(`(${pending === 1 ? '1 task was' : `${pending} tasks were`} still pending at exit, marked …${more})`);
    } else if (countedPending > 0) {
      lines.push(`(${countedPending === 1 ? '1 counted task was' : `${formatCount(countedPending)} counted tasks were`} still pending at exit)`);
    }
  }
  if (model.info.tallied > 0) {
    const sites = new Set<string>();
    for (const t of model.tallies.values()) sites.add(foldKey(t));
    // The header says how the run ended; this says how much of it the tree holds as counts only.
    lines.push(`(${formatCount(model.info.tallied)} tasks from ${sites.size === 1 ? 'a hot call site' : `${sites.size} hot call sites`} were counted`
      + ' rather than recorded one by one: the "counted" lines; `loopscope run --exact <n|all>` sets how many each site records first)');
  }
  const drops = Object.entries(model.info.dropsByReason);
  if (drops.length > 0) {
    lines.push(safeLine(`(the agent dropped ${model.info.dropped} events to stay within its memory caps: ${drops.map(([r, n]) => `${n} ${r}`).join(', ')})`));
  }
  return lines.join('\n') + '\n';
}

/** Task groups in order; a tally group right after the task group of the same site (the site's exact tasks, then its counted ones), the rest after them. */
function orderEntries(groups: FoldGroup[], tallyGroups: TallyFoldGroup[]): Entry[] {
  if (tallyGroups.length === 0) return groups.map((g) => ({ tasks: g }));
  const byKey = new Map(tallyGroups.map((g) => [g.key, g]));
  const out: Entry[] = [];
  for (const g of groups) {
    out.push({ tasks: g });
    const t = byKey.get(g.key);
    if (t) { out.push({ counted: t }); byKey.delete(g.key); }
  }
  for (const t of byKey.values()) out.push({ counted: t });
  return out;
}

/** "3 more", "3 more, and 4,950 counted", "4,950 counted". */
function moreWords(n: number, counted: number): string {
  if (counted === 0) return `${n} more`;
  if (n === 0) return `${formatCount(counted)} counted`;
  return `${n} more, and ${formatCount(counted)} counted`;
}

function rootLine(model: TraceModel, cwd?: string): string {
  const root = model.root;
  const site = root.site ? `  ${formatLocation(root.site, cwd, false).replace(/:1$/, '')}` : '';
  return `${taskLabel(root)}${site}  (${exitWords(model)})`;
}

function exitWords(model: TraceModel): string {
  const exit = model.info.exit;
  if (!exit) return 'no exit recorded';
  switch (exit.reason) {
    case 'exit': return `exit code ${exit.code ?? '?'}`;
    case 'crash': return `crashed, exit code ${exit.code ?? '?'}`;
    case 'killed': return `killed${exit.signal ? ' by ' + exit.signal : ''}`;
    case 'lost': return 'lost contact with the program';
  }
}

function groupText(g: FoldGroup, cwd?: string): string {
  const first = g.nodes[0];
  const site = first.site ? `  ${formatLocation(first.site, cwd, false)}` : '';
  const isGroup = GROUP_KINDS.has(first.kind);
  if (g.nodes.length === 1) {
    const size = isGroup ? ` [${first.members?.length ?? first.children.length}]` : '';
    const reason = first.state === 'cancelled' && first.cancelReason ? ` (${first.cancelReason})` : '';
    return `${MARKS[first.state]}${taskLabel(first)}${size}${reason}${site}`;
  }
  return `${taskLabel(first)} ×${g.nodes.length}  (${formatStateCounts(g.counts)})${site}`;
}

function countedText(g: TallyFoldGroup, cwd?: string): string {
  const first = g.tallies[0];
  const site = first.site ? `  ${formatLocation(first.site, cwd, false)}` : '';
  return `${taskLabel(first)} ×${formatCount(g.count)} counted  (${formatStateCounts(g.counts, formatCount) || 'none yet'})${site}`;
}

/** Counted tasks in the subtrees of `nodes` and in `tallies` (with everything counted below them). Iterative. */
function countedBelow(model: TraceModel, nodes: TaskNode[], tallies: TallyNode[]): number {
  if (model.tallies.size === 0) return 0;
  let n = 0;
  const tallyStack = tallies.map((t) => t.id);
  const stack = nodes.map((x) => x.id);
  while (stack.length > 0) {
    const node = model.tasks.get(stack.pop()!);
    if (!node) continue;
    if (node.tallies) for (const id of node.tallies) tallyStack.push(id);
    for (const c of node.children) stack.push(c);
  }
  while (tallyStack.length > 0) {
    const t = model.tallies.get(tallyStack.pop()!);
    if (!t) continue;
    n += t.count;
    for (const c of t.tallies) tallyStack.push(c);
  }
  return n;
}

/** Listed tasks in the subtrees of `nodes` (themselves included when listed). Iterative: chains can be deep. */
function countListedSubtrees(model: TraceModel, nodes: TaskNode[]): number {
  let n = 0;
  const stack = nodes.map((x) => x.id);
  while (stack.length > 0) {
    const node = model.tasks.get(stack.pop()!);
    if (!node) continue;
    if (isListedTask(node)) n++;
    for (const c of node.children) stack.push(c);
  }
  return n;
}
