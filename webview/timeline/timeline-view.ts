// The timeline pane: canvas lanes lined up with the tree rows, a d3-axis time axis, d3-zoom for zoom/pan
// (Ctrl/⌘+wheel or double-click zooms, drag or Shift+wheel pans, plain wheel scrolls the lanes like the tree),
// and a cursor readout. The visible time window lives in UiState; d3-zoom's transform is derived from it.
import { select, type Selection } from 'd3-selection';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { axisTop } from 'd3-axis';
import { zoom, zoomIdentity, type ZoomBehavior, type D3ZoomEvent } from 'd3-zoom';
import type { Block, TallyNode, TaskNode } from '../../src/model/types.ts';
import { el, clip } from '../dom.ts';
import { formatMs } from '../glyphs.ts';
import type { Palette } from '../theme.ts';
import { drawTimeline, AXIS_H, LANES_TOP } from './draw.ts';
import type { RunIndex } from './run-index.ts';

/** Room at both ends so the first and last axis labels are not cut off. */
const PAD = 12;

export interface TimelineSource {
  /** Tree rows, top to bottom: task ids, or tally ids where `tally` is set. */
  rows: () => readonly { id: number; tally?: true }[];
  rowOf: (id: number) => number | undefined;
  rowHeight: number;
  scrollTop: () => number;
  setScrollTop: (v: number) => void;
  task: (id: number) => TaskNode | undefined;
  tally: (id: number) => TallyNode | undefined;
  runs: () => RunIndex;
  blocks: () => readonly Block[];
  /** Full time span of the run. */
  span: () => [number, number];
  liveEnd: () => number;
  selectedTask: () => number | undefined;
  selectedBlock: () => number | undefined;
  selectedTally: () => number | undefined;
  palette: () => Palette;
  /** Current window (undefined = everything). */
  window: () => [number, number] | undefined;
  /** The person zoomed or panned. */
  setWindow: (w: [number, number] | undefined) => void;
  selectTask: (id: number) => void;
  selectTally: (id: number) => void;
  selectBlock: (id: number) => void;
}

export class TimelineView {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly axisSvg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly axisG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly cursor: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private width = 0;
  private height = 0;
  private base = scaleLinear();
  /** The scale of the last drawn frame (for hit tests). */
  x: ScaleLinear<number, number> = scaleLinear();
  private syncing = false;
  private mouse: { x: number; y: number } | undefined;

  constructor(parent: HTMLElement, private readonly src: TimelineSource) {
    this.root = el('div', 'timeline');
    this.canvas = el('canvas', 'timeline-canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Timeline: event loop and one lane per task. Ctrl+wheel zooms, drag pans.');
    this.canvas.tabIndex = 0;
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    this.root.appendChild(this.canvas);
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.classList.add('axis');
    this.root.appendChild(svg);
    this.axisSvg = select(svg);
    this.axisG = this.axisSvg.append('g').attr('transform', `translate(0,${AXIS_H - 1})`);
    this.cursor = el('div', 'cursor-line');
    this.readout = el('div', 'cursor-readout');
    this.readout.setAttribute('aria-live', 'off');
    this.root.append(this.cursor, this.readout);
    parent.appendChild(this.root);

    this.zoomer = zoom<HTMLCanvasElement, unknown>()
      .filter((e: Event) => {
        if (e.type === 'wheel') return (e as WheelEvent).ctrlKey || (e as WheelEvent).metaKey;
        if (e.type === 'dblclick') return true;
        return !(e as MouseEvent).button;
      })
      // No animated double-click zoom: d3-transition would run its own animation-frame loop beside ours.
      .duration(0)
      .on('zoom', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => this.onZoom(e));
    select(this.canvas).call(this.zoomer);
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('mousemove', (e) => { this.mouse = { x: e.offsetX, y: e.offsetY }; this.updateReadout(); });
    this.canvas.addEventListener('mouseleave', () => { this.mouse = undefined; this.updateReadout(); });
    this.canvas.addEventListener('click', (e) => this.onClick(e.offsetX, e.offsetY));
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
  }

  resize(): void {
    const r = this.root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, Math.floor(r.width));
    this.height = Math.max(1, Math.floor(r.height));
    this.canvas.width = this.width * dpr;
    this.canvas.height = this.height * dpr;
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.axisSvg.attr('width', this.width).attr('height', AXIS_H);
    this.zoomer.extent([[0, 0], [this.width, this.height]]).translateExtent([[0, 0], [this.width, this.height]]);
  }

  /** Draws one frame. */
  render(): void {
    if (this.width <= 1) this.resize();
    const [s, e] = this.src.span();
    const end = e > s ? e : s + 1;
    this.base = scaleLinear().domain([s, end]).range([PAD, this.width - PAD]);
    const w = this.src.window();
    const win: [number, number] = w ? [Math.max(s, w[0]), Math.min(end, w[1])] : [s, end];
    if (!(win[1] > win[0])) { win[0] = s; win[1] = end; }
    this.x = scaleLinear().domain(win).range([PAD, this.width - PAD]);
    this.syncZoom(win, [s, end]);
    const p = this.src.palette();
    drawTimeline({
      ctx: this.ctx, width: this.width, height: this.height, x: this.x, palette: p, rowHeight: this.src.rowHeight,
      scrollTop: this.src.scrollTop(), rows: this.src.rows(), task: this.src.task, tally: this.src.tally, selectedTally: this.src.selectedTally(), runs: this.src.runs(), blocks: this.src.blocks(),
      liveEnd: this.src.liveEnd(), selectedTask: this.src.selectedTask(), selectedBlock: this.src.selectedBlock(), rowOf: this.src.rowOf,
    });
    // The axis counts from the start of the run, with round ticks in those terms.
    const rel = scaleLinear().domain([win[0] - s, win[1] - s]).range(this.x.range());
    this.axisG.call(axisTop(rel).ticks(Math.max(2, Math.floor(this.width / 90))).tickFormat((v) => formatMs(Number(v))));
    this.updateReadout();
  }

  /** Scrolls the window so that [a, b] is in view (keeping the zoom when it fits). */
  reveal(a: number, b: number): void {
    const [w0, w1] = this.x.domain();
    if (a >= w0 && b <= w1) return;
    const span = Math.max(w1 - w0, (b - a) * 1.5);
    const mid = (a + b) / 2;
    this.src.setWindow([mid - span / 2, mid + span / 2]);
  }

  zoomBy(factor: number): void {
    select(this.canvas).call(this.zoomer.scaleBy, factor, [this.width / 2, 0]);
  }

  private syncZoom(win: [number, number], full: [number, number]): void {
    const k = (full[1] - full[0]) / (win[1] - win[0]);
    const tx = PAD - k * this.base(win[0]);
    this.zoomer.scaleExtent([1, Math.max(1, (full[1] - full[0]) / 0.01)]);
    this.syncing = true;
    select(this.canvas).call(this.zoomer.transform, zoomIdentity.translate(tx, 0).scale(k));
    this.syncing = false;
  }

  private onZoom(e: D3ZoomEvent<HTMLCanvasElement, unknown>): void {
    if (this.syncing) return;
    const d = e.transform.rescaleX(this.base).domain() as [number, number];
    const [s, end] = this.base.domain();
    this.src.setWindow(d[0] <= s && d[1] >= end ? undefined : d);
  }

  private onWheel(e: WheelEvent): void {
    if (e.ctrlKey || e.metaKey) return; // d3-zoom handles it
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const dx = e.shiftKey ? e.deltaY : e.deltaX;
      select(this.canvas).call(this.zoomer.translateBy, -dx / this.currentK(), 0);
    } else {
      this.src.setScrollTop(this.src.scrollTop() + e.deltaY);
    }
  }

  private currentK(): number {
    const [s, e] = this.base.domain();
    const [a, b] = this.x.domain();
    return (e - s) / (b - a);
  }

  private onKey(e: KeyboardEvent): void {
    const pan = (frac: number) => {
      // Slide, never shrink, at either end of the run.
      const [a, b] = this.x.domain();
      const [s, end] = this.base.domain();
      const d = Math.max(s - a, Math.min(end - b, (b - a) * frac));
      this.src.setWindow([a + d, b + d]);
    };
    switch (e.key) {
      case '+': case '=': this.zoomBy(1.5); break;
      case '-': this.zoomBy(1 / 1.5); break;
      case '0': this.src.setWindow(undefined); break;
      case 'ArrowLeft': pan(-0.2); break;
      case 'ArrowRight': pan(0.2); break;
      default: return;
    }
    e.preventDefault();
  }

  /** What is under the pointer: a block in the event-loop lane, or a task lane (and a block on it). */
  hit(px: number, py: number): { taskId?: number; tallyId?: number; block?: Block } {
    const t = this.x.invert(px);
    const slack = this.x.invert(px + 3) - t;
    const onBlock = (b: Block) => t >= b.ts - slack && t <= b.ts + b.durationMs + slack;
    if (py >= AXIS_H && py < LANES_TOP) {
      const b = this.src.blocks().find(onBlock);
      return b ? { block: b, taskId: b.taskId } : {};
    }
    if (py < LANES_TOP) return {};
    const i = Math.floor((py - LANES_TOP + this.src.scrollTop()) / this.src.rowHeight);
    const row = this.src.rows()[i];
    if (row === undefined) return {};
    const own = new Set((row.tally ? this.src.tally(row.id) : this.src.task(row.id))?.blocks ?? []);
    const b = this.src.blocks().find((x) => own.has(x.id) && onBlock(x));
    return row.tally ? { tallyId: row.id, block: b } : { taskId: row.id, block: b };
  }

  private onClick(px: number, py: number): void {
    const h = this.hit(px, py);
    if (h.block) this.src.selectBlock(h.block.id);
    else if (h.taskId !== undefined) this.src.selectTask(h.taskId);
    else if (h.tallyId !== undefined) this.src.selectTally(h.tallyId);
  }

  private updateReadout(): void {
    if (!this.mouse) { this.cursor.style.display = 'none'; this.readout.style.display = 'none'; return; }
    const { x: px, y: py } = this.mouse;
    const [s] = this.base.domain();
    const h = this.hit(px, py);
    const parts = [`t = ${formatMs(this.x.invert(px) - s)}`];
    if (h.block) parts.push(`block ${formatMs(h.block.durationMs)}`);
    else if (h.taskId !== undefined) parts.push(clip(this.src.task(h.taskId)?.name ?? '', 60));
    else if (h.tallyId !== undefined) { const y = this.src.tally(h.tallyId); if (y) parts.push(`${clip(y.name, 60)} ×${y.count} (counted)`); }
    else if (py >= AXIS_H && py < LANES_TOP) parts.push('event loop');
    this.cursor.style.display = 'block';
    this.cursor.style.transform = `translateX(${px}px)`;
    this.readout.style.display = 'block';
    this.readout.textContent = parts.join(' · ');
    this.readout.style.transform = `translate(${Math.min(px + 8, this.width - this.readout.offsetWidth - 4)}px, ${AXIS_H + 2}px)`;
  }
}
