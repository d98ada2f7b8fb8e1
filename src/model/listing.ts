// Which tasks a user would recognise. An anonymous continuation spawned from code we do not instrument
// means nothing to a reader; its children are shown under its nearest recognisable ancestor instead.
import { GROUP_KINDS } from '../protocol/events.ts';
import { isUserCode } from './paths.ts';
import { isGenericName } from './task-label.ts';
import type { TraceModel } from './trace-model.ts';
import type { TallyNode, TaskNode } from './types.ts';

/** Named async functions, callbacks with a site in user code, combinators, timers and I/O the user started; and the root. */
export function isListedTask(node: TaskNode): boolean {
  if (node.parentId === null) return true;
  if (GROUP_KINDS.has(node.kind)) return true;
  if (node.site && isUserCode(node.site.file)) return true;
  return !isGenericName(node.name, node.kind);
}

/** The nearest listed strict ancestor (the root when nothing closer is listed); null for the root. */
export function nearestListedAncestor(model: TraceModel, node: TaskNode): TaskNode | null {
  if (node.parentId === null) return null;
  let cur = model.tasks.get(node.parentId);
  let guard = 0;
  while (cur && guard++ <= model.tasks.size) {
    if (isListedTask(cur)) return cur;
    cur = cur.parentId === null ? undefined : model.tasks.get(cur.parentId);
  }
  return model.root;
}

/** The task itself when listed, else its nearest listed ancestor. */
export function listedSelfOrAncestor(model: TraceModel, node: TaskNode): TaskNode {
  return isListedTask(node) ? node : (nearestListedAncestor(model, node) ?? model.root);
}

/**
 * The listed tasks directly below `node` in the listed view: its listed children, plus the listed
 * descendants of unlisted children (lifted up), in spawn order. Iterative: chains can be deep.
 */
export function listedChildren(model: TraceModel, node: TaskNode): TaskNode[] {
  const out: TaskNode[] = [];
  const stack: number[] = [];
  for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  while (stack.length > 0) {
    const child = model.tasks.get(stack.pop()!);
    if (!child) continue;
    if (isListedTask(child)) { out.push(child); continue; }
    for (let i = child.children.length - 1; i >= 0; i--) stack.push(child.children[i]);
  }
  return out;
}

/**
 * The tallies (counted tasks of hot call sites) shown directly below `node` in the listed view: its own, then
 * those of unlisted descendants (lifted up like their listed tasks), in order. Child tallies of a tally stay
 * under that tally.
 */
export function listedTallies(model: TraceModel, node: TaskNode): TallyNode[] {
  const out: TallyNode[] = [];
  if (model.tallies.size === 0) return out; // most runs: no walk at all
  const add = (n: TaskNode): void => {
    if (n.tallies) for (const id of n.tallies) { const t = model.tallies.get(id); if (t) out.push(t); }
  };
  add(node);
  const stack: number[] = [];
  for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  while (stack.length > 0) {
    const child = model.tasks.get(stack.pop()!);
    if (!child || isListedTask(child)) continue;
    add(child);
    for (let i = child.children.length - 1; i >= 0; i--) stack.push(child.children[i]);
  }
  return out;
}
