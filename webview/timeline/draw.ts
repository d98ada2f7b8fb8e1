// Draws the timeline on a canvas: the event-loop lane (every callback run, blocks standing out) and one lane
// per visible tree row (bar from spawn to settle, run slices on it). Only what is in the viewport is drawn,
// and items narrower than a pixel are merged, so the cost follows the screen size, not the trace size.
import type { ScaleLinear } from 'd3-scale';
import type { Block, TallyNode, TaskNode } from '../../src/model/types.ts';
import { isGroupKind, formatMs } from '../glyphs.ts';
import { clip } from '../dom.ts';
import type { Palette } from '../theme.ts';
import type { RunIndex } from './run-index.ts';

export const AXIS_H = 24;
export const LOOP_H = 30;
export const LANES_TOP = AXIS_H + LOOP_H;

export interface DrawInput {
  ctx: CanvasRenderingContext2D;
  width: number; height: number;
  x: ScaleLinear<number, number>;
  palette: Palette;
  rowHeight: number;
  scrollTop: number;
  /** Task ids of the tree rows, top to bottom (tally ids where `tally` is set). */
  rows: readonly { id: number; tally?: true }[];
  task: (id: number) => TaskNode | undefined;
  tally: (id: number) => TallyNode | undefined;
  selectedTally: number | undefined;
  runs: RunIndex;
  blocks: readonly Block[];
  /** Where pending bars end (the live edge, or the end of the trace). */
  liveEnd: number;
  selectedTask: number | undefined;
  selectedBlock: number | undefined;
  /** Row index of a task, if the tree shows it. */
  rowOf: (id: number) => number | undefined;
}

/** Draw time of the last frame, for the benchmark. */
export const drawStats = { lastMs: 0, frames: 0 };

export function drawTimeline(d: DrawInput): void {
  const t0 = performance.now();
  const { ctx, width, height, palette: p } = d;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.font = d.palette.font;
  ctx.textBaseline = 'middle';
  drawLanes(d);
  drawAwaits(d);
  drawLoopLane(d);
  ctx.fillStyle = p.grid;
  ctx.fillRect(0, LANES_TOP - 1, width, 1);
  drawStats.lastMs = performance.now() - t0;
  drawStats.frames++;
}

function drawLoopLane(d: DrawInput): void {
  const { ctx, width, x, runs, palette: p } = d;
  const top = AXIS_H, h = LOOP_H - 2;
  ctx.fillStyle = p.bg;
  ctx.fillRect(0, top, width, LOOP_H);
  ctx.fillStyle = p.laneAlt;
  ctx.fillRect(0, top + 1, width, h);
  const [w0, w1] = x.domain();
  const msPerPx = (w1 - w0) / Math.max(1, width);
  const first = runs.lowerBound(w0 - msPerPx * 50);
  const last = runs.lowerBound(w1);
  ctx.fillStyle = p.loopRun;
  if (last - first > width * 4) {
    // Dense: one column per pixel, its height = how busy the loop was in that pixel's time span; one path, one fill.
    ctx.beginPath();
    for (let px = 0; px < width; px++) {
      const a = w0 + px * msPerPx;
      const busy = runs.busy(a, a + msPerPx) / msPerPx;
      if (busy <= 0) continue;
      const bh = Math.max(1, Math.min(1, busy) * h);
      ctx.rect(px, top + 1 + h - bh, 1, bh);
    }
    ctx.fill();
  } else {
    let runX0 = -1, runX1 = -2;
    for (let i = first; i < last; i++) {
      const xa = x(runs.startAt(i)), xb = x(runs.startAt(i) + runs.durAt(i));
      if (xb < 0) continue;
      if (xa <= runX1 + 1) { runX1 = Math.max(runX1, xb); continue; }
      if (runX1 >= runX0) ctx.fillRect(runX0, top + 4, Math.max(1, runX1 - runX0), h - 6);
      runX0 = xa; runX1 = xb;
    }
    if (runX1 >= runX0) ctx.fillRect(runX0, top + 4, Math.max(1, runX1 - runX0), h - 6);
  }
  for (const b of d.blocks) drawBlock(d, b, top + 1, h, true);
}

function drawBlock(d: DrawInput, b: Block, top: number, h: number, label: boolean): void {
  const { ctx, x, width, palette: p } = d;
  const xa = x(b.ts), xb = x(b.ts + b.durationMs);
  if (xb < 0 || xa > width) return;
  const w = Math.max(2, xb - xa);
  ctx.fillStyle = p.block;
  ctx.fillRect(xa, top, w, h);
  if (b.id === d.selectedBlock) {
    ctx.strokeStyle = p.focus; ctx.lineWidth = 2;
    ctx.strokeRect(xa + 1, top + 1, w - 2, h - 2);
  }
  if (label && w > 34) {
    const text = formatMs(b.durationMs);
    ctx.fillStyle = p.blockFg;
    ctx.save(); ctx.beginPath(); ctx.rect(xa, top, w, h); ctx.clip();
    ctx.fillText(`⚠ ${text}`, Math.max(xa, 0) + 4, top + h / 2);
    ctx.restore();
  }
}

function drawLanes(d: DrawInput): void {
  const { ctx, width, height, x, rowHeight: rh, palette: p } = d;
  const first = Math.max(0, Math.floor(d.scrollTop / rh));
  const last = Math.min(d.rows.length - 1, Math.ceil((d.scrollTop + height - LANES_TOP) / rh));
  const [w0, w1] = x.domain();
  const blocksById = d.blocks.length ? new Map(d.blocks.map((b) => [b.id, b])) : undefined;
  for (let i = first; i <= last; i++) {
    const row = d.rows[i];
    if (row.tally) { drawTallyLane(d, row.id, i, blocksById); continue; }
    const t = d.task(row.id);
    if (!t) continue;
    const y = LANES_TOP + i * rh - d.scrollTop;
    if (t.id === d.selectedTask) { ctx.fillStyle = p.selection; ctx.fillRect(0, y, width, rh); }
    else if (i % 2 === 1) { ctx.fillStyle = p.laneAlt; ctx.fillRect(0, y, width, rh); }
    const end = t.endTs ?? d.liveEnd;
    if (end < w0 || t.spawnTs > w1) continue;
    const xa = Math.max(-2, x(t.spawnTs)), xb = Math.min(width + 2, x(end));
    const bw = Math.max(1, xb - xa);
    const barY = y + 5, barH = rh - 10;
    const color = p[t.state];
    if (isGroupKind(t.kind)) {
      // Groups read as a bracket spanning their members, not as work of their own.
      ctx.fillStyle = p.group;
      ctx.fillRect(xa, barY, bw, 2);
      ctx.fillRect(xa, barY, 2, barH);
      ctx.fillRect(xa + bw - 2, barY, 2, barH);
    } else {
      ctx.globalAlpha = 0.45;
      ctx.fillStyle = color;
      ctx.fillRect(xa, barY, bw, barH);
      ctx.globalAlpha = 1;
      drawSlices(d, t, barY, barH);
    }
    if (t.state === 'cancelled' && t.endTs !== undefined) drawCross(ctx, x(t.endTs), y + rh / 2, p.cancelled);
    if (t.state === 'rejected' && t.endTs !== undefined) { ctx.fillStyle = p.rejected; ctx.fillRect(x(t.endTs) - 1.5, y + 3, 3, rh - 6); }
    if (blocksById) for (const id of t.blocks) { const b = blocksById.get(id); if (b) drawBlock(d, b, y + 3, rh - 6, true); }
    if (t.id === d.selectedTask) {
      // Name the selected lane just after its bar, where it cannot cover slices or block labels.
      const label = clip(t.name, 80);
      const tw = ctx.measureText(label).width;
      const lx = xb + 12;
      if (lx + tw < width) { ctx.fillStyle = p.selectionFg; ctx.fillText(label, lx, y + rh / 2); }
    }
  }
}

/** A tally's lane: a faint band from its first counted task to its latest counts (no one task's bar: they were not recorded). */
function drawTallyLane(d: DrawInput, id: number, i: number, blocksById: Map<number, Block> | undefined): void {
  const { ctx, width, x, rowHeight: rh, palette: p } = d;
  const y = LANES_TOP + i * rh - d.scrollTop;
  if (id === d.selectedTally) { ctx.fillStyle = p.selection; ctx.fillRect(0, y, width, rh); }
  else if (i % 2 === 1) { ctx.fillStyle = p.laneAlt; ctx.fillRect(0, y, width, rh); }
  const t = d.tally(id);
  if (!t) return;
  const [w0, w1] = x.domain();
  if (t.lastTs < w0 || t.firstTs > w1) return;
  const xa = Math.max(-2, x(t.firstTs)), xb = Math.min(width + 2, x(t.lastTs));
  ctx.globalAlpha = 0.18;
  ctx.fillStyle = t.pending > 0 ? p.pending : p.resolved;
  ctx.fillRect(xa, y + 6, Math.max(2, xb - xa), rh - 12);
  ctx.globalAlpha = 1;
  if (blocksById) for (const bid of t.blocks) { const b = blocksById.get(bid); if (b) drawBlock(d, b, y + 3, rh - 6, true); }
}

/**
 * What the selected task awaited: a dashed line from where each awaited task settled (on its own lane) to
 * the selected lane, i.e. the moment the wait could end. Only for lanes in view.
 */
function drawAwaits(d: DrawInput): void {
  if (d.selectedTask === undefined) return;
  const t = d.task(d.selectedTask);
  const from = d.rowOf(d.selectedTask);
  if (!t || from === undefined || t.awaited.length === 0) return;
  const { ctx, x, rowHeight: rh } = d;
  const yOf = (i: number) => LANES_TOP + i * rh - d.scrollTop + rh / 2;
  ctx.save();
  ctx.strokeStyle = d.palette.focus;
  ctx.fillStyle = d.palette.focus;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  for (const id of t.awaited.slice(0, 200)) {
    const other = d.task(id);
    const at = other ? d.rowOf(id) : undefined;
    if (!other || at === undefined) continue;
    const px = x(other.endTs ?? d.liveEnd);
    if (px < 0 || px > d.width) continue;
    const y0 = yOf(at), y1 = yOf(from);
    if (Math.max(y0, y1) < LANES_TOP || Math.min(y0, y1) > d.height) continue;
    ctx.beginPath(); ctx.moveTo(px, y0); ctx.lineTo(px, y1); ctx.stroke();
    const dir = y1 > y0 ? 1 : -1;
    ctx.beginPath(); ctx.moveTo(px, y1); ctx.lineTo(px - 3, y1 - 5 * dir); ctx.lineTo(px + 3, y1 - 5 * dir); ctx.fill();
  }
  ctx.restore();
}

function drawSlices(d: DrawInput, t: TaskNode, y: number, h: number): void {
  const { ctx, x, width } = d;
  const s = t.slices;
  if (s.length === 0) return;
  const [w0] = x.domain();
  let lo = 0, hi = s.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (s[m].ts + s[m].dur < w0) lo = m + 1; else hi = m; }
  ctx.fillStyle = d.palette.run;
  let a = -1, b = -2;
  for (let i = lo; i < s.length; i++) {
    const xa = x(s[i].ts);
    if (xa > width) break;
    const xb = x(s[i].ts + s[i].dur);
    if (xa <= b + 1) { b = Math.max(b, xb); continue; }
    if (b >= a) ctx.fillRect(a, y, Math.max(1, b - a), h);
    a = xa; b = xb;
  }
  if (b >= a) ctx.fillRect(a, y, Math.max(1, b - a), h);
}

function drawCross(ctx: CanvasRenderingContext2D, cx: number, cy: number, color: string): void {
  ctx.strokeStyle = color; ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(cx - 4, cy - 4); ctx.lineTo(cx + 4, cy + 4);
  ctx.moveTo(cx + 4, cy - 4); ctx.lineTo(cx - 4, cy + 4);
  ctx.stroke();
}
