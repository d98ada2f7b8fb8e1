// A list that keeps only the rows in view in the DOM (plus a few spare), reusing row elements as it scrolls.
// Fixed row height keeps the maths trivial and lets the timeline line its lanes up with the tree rows.
import { el } from './dom.ts';

export interface VirtualListOptions {
  rowHeight: number;
  /** Fills a pooled row element for item `index`; called for rows that come into view. */
  renderRow: (row: HTMLElement, index: number) => void;
  role?: string;
  label?: string;
}

export class VirtualList {
  readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  private count = 0;
  private first = 0;
  private last = -1;
  private top = 0;
  private viewportHeight = 0;
  /** Called after scrolling (the timeline follows the tree's scroll position). */
  onScroll: (() => void) | undefined;

  constructor(parent: HTMLElement, private readonly o: VirtualListOptions) {
    this.viewport = el('div', 'vlist');
    if (o.role) this.viewport.setAttribute('role', o.role);
    if (o.label) this.viewport.setAttribute('aria-label', o.label);
    this.spacer = el('div', 'vlist-spacer');
    this.viewport.appendChild(this.spacer);
    parent.appendChild(this.viewport);
    this.viewport.addEventListener('scroll', () => { this.render(); this.onScroll?.(); }, { passive: true });
  }

  get rowHeight(): number { return this.o.rowHeight; }
  /** Scroll position as of the last render or scroll event: reading the DOM's after writing rows would force a layout. */
  get scrollTop(): number { return this.top; }
  set scrollTop(v: number) { this.viewport.scrollTop = v; this.top = this.viewport.scrollTop; }
  get height(): number { return this.viewportHeight; }

  setCount(n: number): void {
    this.count = n;
    this.spacer.style.height = `${n * this.o.rowHeight}px`;
  }

  /** Redraws the rows in view (call after the data behind them changed). */
  render(): void {
    const h = this.o.rowHeight;
    // The only layout reads of a frame, done before any write.
    const top = this.top = this.viewport.scrollTop;
    const vh = this.viewportHeight = this.viewport.clientHeight;
    const first = Math.max(0, Math.floor(top / h) - 2);
    const last = Math.min(this.count - 1, Math.ceil((top + vh) / h) + 2);
    const need = Math.max(0, last - first + 1);
    while (this.pool.length < need) {
      const r = el('div', 'vrow');
      this.pool.push(r);
      this.viewport.appendChild(r);
    }
    for (let i = 0; i < this.pool.length; i++) {
      const r = this.pool[i];
      if (i >= need) {
        // Spare rows keep nothing: no stale names, nothing a query or screen reader could find.
        if (r.style.display !== 'none') { r.style.display = 'none'; r.textContent = ''; r.removeAttribute('role'); r.removeAttribute('id'); delete r.dataset.key; delete r.dataset.id; delete r.dataset.y; }
        continue;
      }
      if (r.style.display === 'none') r.style.display = '';
      const y = (first + i) * h;
      if (r.dataset.y !== String(y)) { r.dataset.y = String(y); r.style.transform = `translateY(${y}px)`; }
      this.o.renderRow(r, first + i);
    }
    this.first = first; this.last = last;
  }

  /** Row element showing `index`, if it is in the DOM. */
  rowElement(index: number): HTMLElement | undefined {
    return index >= this.first && index <= this.last ? this.pool[index - this.first] : undefined;
  }

  scrollToIndex(index: number): void {
    const h = this.o.rowHeight;
    const top = index * h, vh = this.viewport.clientHeight, cur = this.viewport.scrollTop;
    if (top < cur) this.scrollTop = top;
    else if (top + h > cur + vh) this.scrollTop = top + h - vh;
  }
}
