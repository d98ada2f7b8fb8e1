// A trace in the Chrome Trace Event format (JSON object form), which Perfetto and chrome://tracing open:
// run slices as complete events on the main thread, each task as a nestable async span from spawn to
// settle, blocks on a track of their own, and one counter track per hot call site for its counted tasks
// (tallies have counts, not per-task times, so no spans). Timestamps in microseconds.
import type { TraceEvent } from '../protocol/events.ts';
import { TRACE_SCHEMA } from '../protocol/version.ts';
import { blockFunction, blockLocation, formatDuration } from './block-text.ts';
import { foldKey } from './fold.ts';
import { formatLocation } from './paths.ts';
import { taskLabel } from './task-label.ts';
import { TraceModel } from './trace-model.ts';

export interface ChromeTraceEvent {
  name: string; ph: string; ts: number; pid: number; tid: number;
  cat?: string; dur?: number; id?: string; s?: 'g' | 'p' | 't'; args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ms';
  metadata: Record<string, unknown>;
}

const MAIN_TID = 1;
const BLOCKS_TID = 2;

/** ms → µs, rounded to the nanosecond; never NaN or Infinity (viewers reject those). */
function us(ms: number): number {
  return Number.isFinite(ms) ? Math.round(ms * 1e6) / 1e3 : 0;
}

export function toChromeTrace(events: readonly TraceEvent[]): ChromeTrace {
  const model = new TraceModel(events);
  const proc = model.info.process;
  const pid = proc?.pid ?? 1;
  const out: ChromeTraceEvent[] = [];
  const script = model.root.name;

  out.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: `node ${script}` } });
  out.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: MAIN_TID, args: { name: 'main thread (task runs)' } });
  out.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: BLOCKS_TID, args: { name: 'event loop blocks' } });

  pushRuns(events, model, pid, out);

  // One async span per task, spawn → settle/cancel (or the end of the trace when still pending).
  const end = model.info.endTs;
  for (const node of model.tasks.values()) {
    const id = '0x' + node.id.toString(16);
    const name = taskLabel(node);
    const args: Record<string, unknown> = { taskId: node.id, kind: node.kind, name: node.name, state: node.state };
    if (node.parentId !== null) args.parentId = node.parentId;
    if (node.site) args.site = formatLocation(node.site);
    if (node.cancelReason) args.cancelReason = node.cancelReason;
    args.runs = node.runs;
    args.runMs = Number.isFinite(node.runMs) ? node.runMs : 0;
    const b = us(node.spawnTs);
    const e = Math.max(b, us(node.endTs ?? end));
    out.push({ name, cat: 'task', ph: 'b', ts: b, pid, tid: MAIN_TID, id, args });
    out.push({ name, cat: 'task', ph: 'e', ts: e, pid, tid: MAIN_TID, id, args: { state: node.state } });
  }

  pushTallyCounters(events, model, pid, out);

  const blocks = model.blockList().map((b) => ({ ts: us(b.ts), end: us(b.ts) + us(Math.max(0, b.durationMs)), block: b }));
  for (const { ts, end, block } of nestSlices(blocks)) {
    const loc = blockLocation(block);
    const fn = blockFunction(block);
    const task = model.blockTask(block);
    const tally = model.blockTally(block);
    out.push({
      name: `Blocked ${formatDuration(block.durationMs)}${fn ? ' in ' + fn : ''}`, cat: 'block', ph: 'X',
      ts, dur: durUs(ts, end), pid, tid: BLOCKS_TID,
      args: {
        cause: block.cause, final: block.final, durationMs: block.durationMs,
        location: loc ? formatLocation(loc) : null,
        stack: block.stack.map((f) => `${f.function ?? '(anonymous)'} ${formatLocation(f)}`),
        task: taskLabel(task), taskId: task.id,
        ...(tally ? { tally: `${taskLabel(tally)} (counted)`, tallyId: tally.id } : {}),
      },
    });
  }

  const exit = model.info.exit;
  if (exit) {
    out.push({
      name: `exit ${exit.code ?? exit.signal ?? ''} (${exit.reason})`.replace('  ', ' '), cat: 'process', ph: 'i', s: 'g',
      ts: us(exit.ts), pid, tid: MAIN_TID, args: { code: exit.code, signal: exit.signal, reason: exit.reason, error: exit.error ?? null },
    });
  }

  return {
    traceEvents: out,
    displayTimeUnit: 'ms',
    metadata: {
      source: 'loopscope', schema: TRACE_SCHEMA, pid, argv: proc?.argv ?? [], cwd: proc?.cwd ?? null,
      nodeVersion: proc?.nodeVersion ?? null, platform: proc?.platform ?? null, timeOrigin: proc?.timeOrigin ?? null,
      thresholdMs: proc?.thresholdMs ?? null, dropped: model.info.dropped, tasks: model.tasks.size, blocks: model.blocks.size,
      tallies: model.tallies.size, counted: model.info.tallied,
    },
  };
}

/** Every run as a complete ('X') event on the main thread. */
function pushRuns(events: readonly TraceEvent[], model: TraceModel, pid: number, out: ChromeTraceEvent[]): void {
  const runs: Array<{ ts: number; end: number; id: number }> = [];
  for (const ev of events) {
    if (ev.type !== 'run' || !model.tasks.has(ev.id)) continue;
    const ts = us(ev.ts);
    runs.push({ ts, end: Math.max(ts, us(ev.ts + ev.dur)), id: ev.id });
  }
  for (const r of nestSlices(runs)) {
    out.push({
      name: taskLabel(model.tasks.get(r.id)!), cat: 'run', ph: 'X', ts: r.ts, dur: durUs(r.ts, r.end), pid, tid: MAIN_TID,
      args: { taskId: r.id },
    });
  }
}

/**
 * Counted tasks (tallies) have no spawn/settle times of their own, only cumulative counts, so they get no spans:
 * instead one counter ('C') track per hot call site ("counted: leaf app.js:12"), its value the site's counted tasks
 * so far (summed over its tallies, one per spawner), stepping at each tally event. Tracks are per site, not per
 * tally, so a site counted under a thousand spawners is one track.
 */
function pushTallyCounters(events: readonly TraceEvent[], model: TraceModel, pid: number, out: ChromeTraceEvent[]): void {
  if (model.tallies.size === 0) return;
  const latest = new Map<number, number>(); // tally id → its latest count
  const perSite = new Map<string, { name: string; count: number }>();
  for (const ev of events) {
    if (ev.type !== 'tally' || !Number.isFinite(ev.count)) continue;
    const prev = latest.get(ev.id) ?? 0;
    if (ev.count < prev) continue; // cumulative: a stale, smaller count never rolls back
    latest.set(ev.id, ev.count);
    const key = foldKey(ev);
    let site = perSite.get(key);
    if (!site) {
      site = { name: `counted: ${taskLabel(ev)}${ev.site ? ' ' + formatLocation(ev.site) : ''}`, count: 0 };
      perSite.set(key, site);
    }
    site.count += ev.count - prev;
    out.push({ name: site.name, cat: 'tally', ph: 'C', ts: us(ev.ts), pid, tid: MAIN_TID, args: { counted: site.count } });
  }
}

function durUs(ts: number, end: number): number {
  return Math.max(0, Math.round((end - ts) * 1e3) / 1e3);
}

/**
 * Slices of one thread in time order, each clipped so that it nests inside the one it starts in. One thread
 * runs one thing at a time, but a run can start inside another (an async function called synchronously from a
 * callback), and timestamps from two clocks can overlap a little: viewers need proper nesting on a track.
 */
function nestSlices<T extends { ts: number; end: number }>(slices: T[]): T[] {
  slices.sort((a, b) => a.ts - b.ts || b.end - a.end);
  const open: number[] = []; // ends of the enclosing slices, innermost last
  for (const s of slices) {
    while (open.length > 0 && open[open.length - 1] <= s.ts) open.pop();
    if (open.length > 0 && s.end > open[open.length - 1]) s.end = open[open.length - 1];
    if (s.end < s.ts) s.end = s.ts;
    open.push(s.end);
  }
  return slices;
}
