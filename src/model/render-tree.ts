// The task tree as compact text for a terminal: recognisable tasks only, same-name siblings folded
// into one line with a count, deep or wide parts cut with "… N more".
import { GROUP_KINDS } from '../protocol/events.ts';
import { foldSiblings, formatStateCounts, type FoldGroup } from './fold.ts';
import { isListedTask, listedChildren } from './listing.ts';
import { formatLocation } from './paths.ts';
import { safeLine } from './safe-text.ts';
import { taskLabel } from './task-label.ts';
import type { TraceModel } from './trace-model.ts';
import type { TaskNode } from './types.ts';

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

export function renderTaskTree(model: TraceModel, opts: RenderTreeOptions = {}): string {
  const maxDepth = Math.max(0, opts.maxDepth ?? 8);
  const maxChildren = Math.max(1, opts.maxChildren ?? 12);
  const maxLines = Math.max(1, opts.maxLines ?? 200);
  const lines: string[] = [safeLine(rootLine(model, opts.cwd))];
  let cut = false;

  const walk = (parents: TaskNode[], prefix: string, depth: number): void => {
    const children: TaskNode[] = [];
    for (const p of parents) for (const c of listedChildren(model, p)) children.push(c); // no spread: 100k+ children
    if (children.length === 0) return;
    if (depth > maxDepth) {
      lines.push(`${prefix}└─ … ${countListedSubtrees(model, children)} more below`);
      return;
    }
    const groups = foldSiblings(children);
    const shown = groups.slice(0, maxChildren);
    const hidden = groups.slice(maxChildren);
    shown.forEach((g, i) => {
      if (lines.length >= maxLines) { cut = true; return; }
      const last = i === shown.length - 1 && hidden.length === 0;
      lines.push(safeLine(`${prefix}${last ? '└─ ' : '├─ '}${groupText(g, opts.cwd)}`));
      walk(g.nodes, prefix + (last ? '   ' : '│  '), depth + 1);
    });
    if (hidden.length > 0 && lines.length < maxLines) {
      const n = hidden.reduce((sum, g) => sum + g.nodes.length, 0);
      lines.push(`${prefix}└─ … ${n} more`);
    }
  };
  walk([model.root], '', 1);
  if (cut || lines.length > maxLines) {
    lines.length = Math.min(lines.length, maxLines);
    lines.push(`… cut at ${maxLines} lines (${countListedSubtrees(model, [model.root]) - 1} tasks in all)`);
  }
  if (model.info.exit) {
    // Tasks that never finished: a timer never cleared, a promise never settled; often why a run ended oddly.
    let pending = 0;
    for (const t of model.tasks.values()) if (t.state === 'pending' && t.parentId !== null && isListedTask(t)) pending++;
    if (pending > 0) lines.push(`(${pending === 1 ? '1 task was' : `${pending} tasks were`} still pending at exit, marked …)`);
  }
  const drops = Object.entries(model.info.dropsByReason);
  if (drops.length > 0) {
    lines.push(safeLine(`(the agent dropped ${model.info.dropped} events to stay within its memory caps: ${drops.map(([r, n]) => `${n} ${r}`).join(', ')})`));
  }
  return lines.join('\n') + '\n';
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
