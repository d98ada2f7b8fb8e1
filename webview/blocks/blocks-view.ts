// The blocking list: every block, longest first, with its duration, function and file:line. Selecting one
// selects its task everywhere; Enter / double-click opens its location (in VS Code) or shows it (standalone).
import type { Block } from '../../src/model/types.ts';
import { formatLocation } from '../../src/model/paths.ts';
import { blockCpuWait } from '../../src/model/block-text.ts';
import { el, clip } from '../dom.ts';
import { formatMs } from '../glyphs.ts';
import { VirtualList } from '../virtual-list.ts';

export interface BlocksCallbacks {
  select: (blockId: number) => void;
  open: (blockId: number) => void;
  selectedId: () => number | undefined;
  /** Label of the task the block belongs to (the main module when the agent could not tell). */
  taskName: (block: Block) => string;
  cwd: () => string | undefined;
}

export const BLOCK_ROW_HEIGHT = 22;

export class BlocksView {
  readonly root: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly list: VirtualList;
  private items: Block[] = [];

  constructor(parent: HTMLElement, private readonly cb: BlocksCallbacks) {
    this.root = el('section', 'blocks pane');
    this.heading = el('h2', 'pane-title', 'Blocking');
    this.empty = el('div', 'empty', 'No callback held the event loop past the threshold.');
    this.root.append(this.heading, this.empty);
    this.list = new VirtualList(this.root, { rowHeight: BLOCK_ROW_HEIGHT, renderRow: (r, i) => this.renderRow(r, i), role: 'listbox', label: 'Blocks of the event loop' });
    this.list.viewport.tabIndex = 0;
    this.list.viewport.addEventListener('click', (e) => {
      const id = this.idAt(e.target);
      if (id !== undefined) this.cb.select(id);
    });
    this.list.viewport.addEventListener('dblclick', (e) => {
      const id = this.idAt(e.target);
      if (id !== undefined) this.cb.open(id);
    });
    this.list.viewport.addEventListener('keydown', (e) => this.onKey(e));
    parent.appendChild(this.root);
  }

  setBlocks(blocks: readonly Block[], thresholdMs: number | undefined): void {
    this.items = [...blocks].sort((a, b) => b.durationMs - a.durationMs || a.ts - b.ts);
    this.heading.textContent = `Blocking (${this.items.length})${thresholdMs !== undefined ? ` · threshold ${formatMs(thresholdMs)}` : ''}`;
    this.empty.style.display = this.items.length ? 'none' : '';
    this.list.setCount(this.items.length);
  }

  render(): void {
    this.list.render();
    const sel = this.cb.selectedId();
    if (sel !== undefined) this.list.viewport.setAttribute('aria-activedescendant', `block-${sel}`);
  }

  reveal(id: number): void {
    const i = this.items.findIndex((b) => b.id === id);
    if (i >= 0) this.list.scrollToIndex(i);
  }

  private idAt(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest<HTMLElement>('.vrow');
    return row?.dataset.id !== undefined ? Number(row.dataset.id) : undefined;
  }

  private renderRow(row: HTMLElement, i: number): void {
    const b = this.items[i];
    const selected = b.id === this.cb.selectedId();
    row.textContent = '';
    row.dataset.id = String(b.id);
    row.id = `block-${b.id}`;
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(selected));
    row.className = `vrow block-row${selected ? ' selected' : ''}${b.final ? '' : ' ongoing'}`;
    const loc = b.location;
    const fn = loc?.function || '(anonymous)';
    const where = loc ? formatLocation(loc, this.cb.cwd(), false) : 'location unknown';
    row.append(
      el('span', 'dur', formatMs(b.durationMs) + (b.final ? '' : '…')),
      el('span', 'fn', clip(fn, 80)),
      el('span', 'loc', clip(where, 200)),
      el('span', 'task', clip(this.cb.taskName(b), 60)),
    );
    if (b.cause === 'stall') row.appendChild(el('span', 'badge', 'stall'));
    // A loaded machine: part of the block the program only waited for a CPU.
    const wait = blockCpuWait(b);
    if (wait !== undefined) row.appendChild(el('span', 'badge', `${formatMs(wait)} CPU wait`));
    const notes = `${b.cause === 'stall' ? ', stall of many short turns' : ''}${wait !== undefined ? `, ${formatMs(wait)} of it waiting for a CPU` : ''}`;
    row.setAttribute('aria-label', `${formatMs(b.durationMs)} in ${fn} at ${where}${notes}`);
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.items.length) return;
    const sel = this.cb.selectedId();
    const cur = this.items.findIndex((b) => b.id === sel);
    let go: number | undefined;
    switch (e.key) {
      case 'ArrowDown': go = Math.min(this.items.length - 1, cur + 1); break;
      case 'ArrowUp': go = Math.max(0, cur - 1); break;
      case 'Home': go = 0; break;
      case 'End': go = this.items.length - 1; break;
      case 'Enter': if (cur >= 0) this.cb.open(this.items[cur].id); break;
      default: return;
    }
    e.preventDefault();
    if (go !== undefined) { this.cb.select(this.items[go].id); this.list.scrollToIndex(go); }
  }
}
