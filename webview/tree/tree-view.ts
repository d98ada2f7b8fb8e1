// The task tree: a virtualised ARIA tree (role=tree / treeitem, aria-level / -expanded / -selected) driven
// from the keyboard like a VS Code tree. Names are set with textContent only.
import type { TaskNode } from '../../src/model/types.ts';
import { el, clip } from '../dom.ts';
import { kindGlyph, isGroupKind, STATE_GLYPH, formatMs } from '../glyphs.ts';
import { kindNoun } from '../../src/model/task-label.ts';
import { VirtualList } from '../virtual-list.ts';
import type { Row } from './rows.ts';

export interface TreeCallbacks {
  task: (id: number) => TaskNode | undefined;
  /** Descendant count for a folded row (cached by the caller). */
  foldedCount: (id: number) => number;
  select: (id: number) => void;
  toggle: (id: number, expanded: boolean) => void;
  open: (id: number) => void;
  selectedId: () => number | undefined;
}

export const ROW_HEIGHT = 22;

export class TreeView {
  readonly list: VirtualList;
  rows: Row[] = [];
  /** Bump to force rows to redraw (e.g. folded counts changed). */
  version = 0;
  private readonly index = new Map<number, number>();

  constructor(parent: HTMLElement, private readonly cb: TreeCallbacks) {
    this.list = new VirtualList(parent, { rowHeight: ROW_HEIGHT, renderRow: (r, i) => this.renderRow(r, i), role: 'tree', label: 'Tasks' });
    const v = this.list.viewport;
    v.tabIndex = 0;
    v.classList.add('tree');
    v.addEventListener('keydown', (e) => this.onKey(e));
    v.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (!row || row.dataset.id === undefined) return;
      const id = Number(row.dataset.id);
      if ((e.target as HTMLElement).classList.contains('twistie')) { this.toggleAt(id); return; }
      this.cb.select(id);
    });
    v.addEventListener('dblclick', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (row?.dataset.id !== undefined) this.cb.open(Number(row.dataset.id));
    });
  }

  setRows(rows: Row[]): void {
    this.rows = rows;
    this.index.clear();
    for (let i = 0; i < rows.length; i++) this.index.set(rows[i].id, i);
    this.list.setCount(rows.length);
  }

  indexOf(id: number): number | undefined { return this.index.get(id); }

  render(): void {
    this.list.render();
    const sel = this.cb.selectedId();
    if (sel !== undefined && this.index.has(sel)) this.list.viewport.setAttribute('aria-activedescendant', `task-${sel}`);
    else this.list.viewport.removeAttribute('aria-activedescendant');
  }

  reveal(id: number): void {
    const i = this.index.get(id);
    if (i !== undefined) this.list.scrollToIndex(i);
  }

  private toggleAt(id: number): void {
    const i = this.index.get(id);
    if (i === undefined) return;
    const r = this.rows[i];
    if (r.expandable) this.cb.toggle(id, !r.expanded);
  }

  private renderRow(row: HTMLElement, i: number): void {
    const r = this.rows[i];
    const t = this.cb.task(r.id);
    if (!t) { row.textContent = ''; return; }
    const key = `${r.id}|${r.depth}|${r.expanded}|${r.expandable}|${t.state}|${t.name.length}|${t.runs}|${t.runMs}|${t.blocks.length}|${this.version}|${(this.cb.selectedId() === r.id)}|${r.match}|${r.pos}/${r.siblings}`;
    if (row.dataset.key === key) return; // unchanged: skip the DOM work
    row.dataset.key = key;
    row.dataset.id = String(r.id);
    row.id = `task-${r.id}`;
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-level', String(r.depth + 1));
    row.setAttribute('aria-posinset', String(r.pos));
    row.setAttribute('aria-setsize', String(r.siblings));
    row.setAttribute('aria-selected', String((this.cb.selectedId() === r.id)));
    if (r.expandable) row.setAttribute('aria-expanded', String(r.expanded)); else row.removeAttribute('aria-expanded');
    const group = isGroupKind(t.kind);
    row.className = `vrow task state-${t.state}${group ? ' group' : ''}${(this.cb.selectedId() === r.id) ? ' selected' : ''}${r.match ? ' match' : ''}`;
    row.textContent = '';
    row.style.paddingLeft = `${4 + r.depth * 14}px`;
    row.appendChild(el('span', 'twistie', r.expandable ? (r.expanded ? '▾' : '▸') : ''));
    const glyph = el('span', `glyph kind-${t.kind}`, kindGlyph(t.kind));
    glyph.setAttribute('aria-hidden', 'true');
    row.appendChild(glyph);
    const name = clip(t.name || '(anonymous)');
    row.appendChild(el('span', 'name', name));
    // The kind as a pill, unless the name already says it ("Promise.all").
    if (group && t.name !== kindNoun(t.kind)) row.appendChild(el('span', 'pill', kindNoun(t.kind)));
    const st = el('span', `state state-${t.state}`, STATE_GLYPH[t.state]);
    st.title = t.state + (t.cancelReason ? ` (${t.cancelReason})` : '');
    row.appendChild(st);
    if (t.state === 'cancelled') row.appendChild(el('span', 'badge cancelled', t.cancelReason ? `cancelled: ${t.cancelReason}` : 'cancelled'));
    if (t.state === 'rejected') row.appendChild(el('span', 'badge rejected', 'rejected'));
    if (t.blocks.length > 0) row.appendChild(el('span', 'badge block', `⚠ ${t.blocks.length} block${t.blocks.length > 1 ? 's' : ''}`));
    let folded = '';
    if (r.expandable && !r.expanded) {
      const n = this.cb.foldedCount(r.id);
      folded = `, ${n} hidden`;
      row.appendChild(el('span', 'count', String(n)));
    }
    if (t.runMs > 0) row.appendChild(el('span', 'runms', formatMs(t.runMs)));
    row.setAttribute('aria-label', `${name}, ${kindNoun(t.kind)}, ${t.state}${t.cancelReason ? ' ' + t.cancelReason : ''}${folded}`);
  }

  private onKey(e: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const sel = this.cb.selectedId();
    const cur = sel === undefined ? -1 : this.index.get(sel) ?? -1;
    const at = cur < 0 ? 0 : cur;
    const r = this.rows[at];
    const page = Math.max(1, Math.floor(this.list.height / ROW_HEIGHT) - 1);
    let go: number | undefined;
    switch (e.key) {
      case 'ArrowDown': go = cur < 0 ? 0 : Math.min(this.rows.length - 1, at + 1); break;
      case 'ArrowUp': go = Math.max(0, at - 1); break;
      case 'PageDown': go = Math.min(this.rows.length - 1, at + page); break;
      case 'PageUp': go = Math.max(0, at - page); break;
      case 'Home': go = 0; break;
      case 'End': go = this.rows.length - 1; break;
      case 'ArrowRight':
        if (r.expandable && !r.expanded) this.cb.toggle(r.id, true);
        else if (r.expanded) go = at + 1;
        break;
      case 'ArrowLeft':
        if (r.expanded) this.cb.toggle(r.id, false);
        else for (let i = at - 1; i >= 0; i--) if (this.rows[i].depth < r.depth) { go = i; break; }
        break;
      case 'Enter': this.cb.open(r.id); break;
      case ' ': if (r.expandable) this.cb.toggle(r.id, !r.expanded); break;
      default: return;
    }
    e.preventDefault();
    if (go !== undefined && this.rows[go]) { this.cb.select(this.rows[go].id); this.list.scrollToIndex(go); }
  }
}
