// The `--summary` file (loopscope.summary/1, contract in protocol/summary.ts) built from a model.
import type { SourceLocation } from '../protocol/events.ts';
import type { Summary, SummaryBlock, SummaryTally, SummaryTask } from '../protocol/summary.ts';
import { SUMMARY_SCHEMA } from '../protocol/version.ts';
import { isListedTask, listedSelfOrAncestor } from './listing.ts';
import { fileUrlToPath, isUserCode } from './paths.ts';
import type { TraceModel } from './trace-model.ts';
import type { Block } from './types.ts';

export interface SummaryOptions {
  /** Used when the trace has no process event (default 50, the agent's default). */
  thresholdMs?: number;
}

const DEFAULT_THRESHOLD_MS = 50;

/** Milliseconds to 3 decimals: stable JSON, no float noise. */
function ms(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0;
}

/**
 * Tasks a user would recognise, parents before children, each with `parentId` = its nearest listed
 * ancestor; tallies (hot call sites' counted tasks) in the order first seen, a parent tally before its
 * children, their `parentId` the nearest listed task too; blocks in time order, their `taskId` the nearest
 * listed task (so every task id resolves in `tasks`, every `parentTally` in `tallies`).
 */
export function buildSummary(model: TraceModel, opts: SummaryOptions = {}): Summary {
  const tasks: SummaryTask[] = [];
  // Depth-first from the root, carrying the nearest listed ancestor's id.
  const stack: Array<[number, string | null]> = [[model.root.id, null]];
  while (stack.length > 0) {
    const [id, listedParent] = stack.pop()!;
    const node = model.tasks.get(id);
    if (!node) continue;
    let parentForChildren = listedParent;
    if (isListedTask(node)) {
      const t: SummaryTask = { id: String(node.id), parentId: listedParent, name: node.name, kind: node.kind, state: node.state };
      if (node.site) t.location = { file: fileUrlToPath(node.site.file), line: node.site.line, column: node.site.column };
      tasks.push(t);
      parentForChildren = t.id;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], parentForChildren]);
  }

  const tallies = summaryTallies(model);
  const blocks = model.blockList().map((b) => summaryBlock(model, b));
  const exit = model.info.exit;
  const summary: Summary = {
    schema: SUMMARY_SCHEMA,
    exitCode: exit ? exit.code : null,
    durationMs: ms(exit ? exit.ts : model.info.endTs),
    thresholdMs: model.info.process?.thresholdMs ?? opts.thresholdMs ?? DEFAULT_THRESHOLD_MS,
    tasks, tallies, blocks, dropped: model.info.dropped,
  };
  if (exit) summary.signal = exit.signal;
  return summary;
}

/**
 * Every tally (always present, [] when nothing was counted). Tally ids are their own numbering, apart from
 * task ids: `parentId` names a task, `parentTally` a tally. The model only links a tally to a parent tally it
 * already holds, so insertion order puts parents first.
 */
function summaryTallies(model: TraceModel): SummaryTally[] {
  const out: SummaryTally[] = [];
  for (const t of model.tallies.values()) {
    const parent = model.tasks.get(t.parentId) ?? model.root;
    const listed = listedSelfOrAncestor(model, parent);
    const s: SummaryTally = {
      id: String(t.id), parentId: String(listed.id), name: t.name, kind: t.kind,
      count: t.count, resolved: t.resolved, rejected: t.rejected, cancelled: t.cancelled,
      pending: Math.max(0, t.count - t.resolved - t.rejected - t.cancelled),
    };
    if (t.parentTally !== undefined && model.tallies.has(t.parentTally)) s.parentTally = String(t.parentTally);
    if (t.site) s.location = { file: fileUrlToPath(t.site.file), line: t.site.line, column: t.site.column };
    out.push(s);
  }
  return out;
}

function summaryBlock(model: TraceModel, b: Block): SummaryBlock {
  const known = b.taskId !== undefined ? model.tasks.get(b.taskId) : undefined;
  const out: SummaryBlock = {
    durationMs: ms(b.durationMs),
    taskId: known ? String(listedSelfOrAncestor(model, known).id) : null,
    cause: b.cause,
    stack: b.stack.map(copyLocation),
  };
  // In a counted task: its tally, which `tallies` lists (taskId is then its nearest listed ancestor).
  if (b.tallyId !== undefined && model.tallies.has(b.tallyId)) out.tallyId = String(b.tallyId);
  if (b.queuedMs !== undefined && b.queuedMs >= 1) out.queuedMs = ms(b.queuedMs);
  // The agent's choice of line, else the innermost frame in the user's code; absent when there is none.
  const loc = b.location ?? b.stack.find((f) => isUserCode(f.file));
  if (loc) out.location = copyLocation(loc);
  return out;
}

function copyLocation(l: SourceLocation): SourceLocation {
  const out: SourceLocation = { file: fileUrlToPath(l.file), line: l.line, column: l.column };
  if (l.function !== undefined) out.function = l.function;
  return out;
}
