// Blocks in words: the asyncio-style stderr line, the editor diagnostic, and the end-of-run table.
import type { SourceLocation } from '../protocol/events.ts';
import { isListedTask, nearestListedAncestor } from './listing.ts';
import { formatLocation, isUserCode } from './paths.ts';
import { safeLine } from './safe-text.ts';
import { isGenericName, taskLabel } from './task-label.ts';
import type { TraceModel } from './trace-model.ts';
import type { Block, TallyNode, TaskNode } from './types.ts';

export interface TextOptions { cwd?: string }

const STALL_WORDS = 'a chain of short turns that never yielded to I/O';
/** Below this, time spent waiting for a CPU is not worth a word (scheduling noise). */
const QUEUED_WORTH_MS = 10;

/** How long a loaded machine made the program wait for a CPU inside the block, when worth saying. */
export function blockCpuWait(block: Block): number | undefined {
  const q = block.queuedMs;
  return q !== undefined && q >= QUEUED_WORTH_MS ? q : undefined;
}

/** "390 ms of it waiting for a CPU". */
function queuedWords(block: Block): string | undefined {
  const q = blockCpuWait(block);
  return q !== undefined ? `${formatDuration(q)} of it waiting for a CPU` : undefined;
}

/** The line to point at: the agent's choice, else the innermost user frame, else the innermost frame. */
export function blockLocation(block: Block): SourceLocation | undefined {
  return block.location ?? block.stack.find((f) => isUserCode(f.file)) ?? block.stack[0];
}

/** The function that was running at that line, when it has a name. */
export function blockFunction(block: Block): string | undefined {
  const fn = blockLocation(block)?.function;
  return fn && !isGenericName(fn) ? fn : undefined;
}

/** "212 ms" below 10 s, "12.3 s" above. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '? ms';
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The task a block ran in, or undefined when it is the main module or unknown. */
function blockTaskNode(block: Block, model: TraceModel): TaskNode | undefined {
  const t = block.taskId !== undefined ? model.tasks.get(block.taskId) : undefined;
  return t && t.parentId !== null ? t : undefined;
}

/**
 * The task in words, with its spawn site when asked. A task the user would not recognise (an anonymous
 * continuation from a library) is placed by its nearest recognisable ancestor: "promise callback in loadDashboard".
 */
function describeTask(task: TaskNode | undefined, model: TraceModel, cwd: string | undefined, withSite: boolean): string {
  if (!task) return 'main module';
  const site = (t: TaskNode) => (withSite && t.site ? ' at ' + formatLocation(t.site, cwd, false) : '');
  if (isListedTask(task)) return taskLabel(task) + site(task);
  const anchor = nearestListedAncestor(model, task);
  if (!anchor || anchor.parentId === null) return taskLabel(task) + site(task);
  return `${taskLabel(task)} in ${taskLabel(anchor)}${site(anchor)}`;
}

/**
 * Where a block ran, in words. A block in a counted task (a hot call site's, see TallyNode) is named after
 * its tally: "handle at src/app.js:37, counted". Before the tally's counts arrived (they come once the loop
 * is free), all that is known is its recorded ancestor: "counted task in setTimeout callback at …".
 */
export function describeBlockTask(block: Block, model: TraceModel, cwd: string | undefined, withSite: boolean): string {
  const tally = model.blockTally(block);
  if (tally) return describeTally(tally, cwd, withSite);
  const task = blockTaskNode(block, model);
  const exact = describeTask(task, model, cwd, withSite);
  return block.tallyId !== undefined ? `counted task in ${exact}` : exact;
}

function describeTally(tally: TallyNode, cwd: string | undefined, withSite: boolean): string {
  const site = withSite && tally.site ? ' at ' + formatLocation(tally.site, cwd, false) : '';
  return `${taskLabel(tally)}${site}, counted`;
}

/**
 * `Executing <setTimeout callback at src/x.js:12> took 0.215 seconds, blocked at src/x.js:7:3 in crunch`
 * (Python asyncio debug mode's wording, which people already search for).
 */
export function formatBlockLine(block: Block, model: TraceModel, opts: TextOptions = {}): string {
  const who = describeBlockTask(block, model, opts.cwd, true);
  const secs = (block.durationMs / 1000).toFixed(3);
  const took = block.final ? `took ${secs} seconds` : `has taken ${secs} seconds so far`;
  const notes = [block.cause === 'stall' ? STALL_WORDS : undefined, queuedWords(block)].filter((w) => w !== undefined);
  const stall = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const loc = blockLocation(block);
  const fn = blockFunction(block);
  const where = loc ? `blocked at ${formatLocation(loc, opts.cwd)}${fn ? ' in ' + fn : ''}` : 'blocked at an unknown line (no stack was captured)';
  return safeLine(`Executing <${who}> ${took}${stall}, ${where}`);
}

/** For the editor, placed on the blocking line: `blocked the event loop for 212 ms in crunch (setTimeout callback)`. */
export function formatBlockDiagnostic(block: Block, model: TraceModel): string {
  const fn = blockFunction(block);
  const soFar = block.final ? '' : ' so far';
  const context = [describeBlockTask(block, model, undefined, false)];
  if (block.cause === 'stall') context.push(STALL_WORDS);
  const queued = queuedWords(block);
  if (queued) context.push(queued);
  return safeLine(`blocked the event loop for ${formatDuration(block.durationMs)}${soFar}${fn ? ' in ' + fn : ''} (${context.join('; ')})`);
}

export interface BlockingSummaryOptions extends TextOptions {
  /** Rows to show before "… N more" (default 20). */
  max?: number;
}

/** The blocks, longest first, one row each: duration, cause, function, file:line:col, task. */
export function renderBlockingSummary(model: TraceModel, opts: BlockingSummaryOptions = {}): string {
  const blocks = model.blocksByDuration();
  const threshold = model.info.process?.thresholdMs;
  const over = threshold !== undefined ? ` over ${formatDuration(threshold)}` : '';
  if (blocks.length === 0) return `No blocks of the event loop${over}.\n`;
  const max = Math.max(1, opts.max ?? 20);
  const rows = blocks.slice(0, max).map((b) => {
    const loc = blockLocation(b);
    return [
      formatDuration(b.durationMs) + (b.final ? '' : '+'),
      b.cause,
      blockFunction(b) ?? '(anonymous)',
      loc ? formatLocation(loc, opts.cwd) : '(unknown line)',
      'in ' + describeBlockTask(b, model, opts.cwd, true),
    ].map((cell) => safeLine(cell, 300)); // cleaned before measuring, so the columns line up
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => '  ' + [
    r[0].padStart(widths[0]), r[1].padEnd(widths[1]), r[2].padEnd(widths[2]), r[3].padEnd(widths[3]), r[4],
  ].join('  '));
  const total = blocks.length === 1 ? '1 block' : `${blocks.length} blocks`;
  const head = `${total} of the event loop${over}, longest first:`;
  if (blocks.length > max) lines.push(`  … ${blocks.length - max} more`);
  return [head, ...lines].join('\n') + '\n';
}
