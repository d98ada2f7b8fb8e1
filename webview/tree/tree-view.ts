// The task tree: a virtualised ARIA tree (role=tree / treeitem, aria-level / -expanded / -selected) driven
// from the keyboard like a VS Code tree. Names are set with textContent only. Tally rows (tasks of a hot call
// site, counted) sit in the same tree: a row is a task, or a tally when `row.tally` is set.
import type { SourceLocation, TaskKind } from '../../src/protocol/index.ts';
import type { TallyNode, TaskNode } from '../../src/model/types.ts';
import { formatLocation } from '../../src/model/paths.ts';
import { el, clip } from '../dom.ts';
import { kindGlyph, isGroupKind, STATE_GLYPH, formatMs } from '../glyphs.ts';
import { kindNoun } from '../../src/model/task-label.ts';
import { VirtualList } from '../virtual-list.ts';
import type { Row } from './rows.ts';

/** A task row's id, or a tally row's (`tally` set). */
export interface RowRef { id: number; tally?: true }

export interface TreeCallbacks {
  task: (id: number) => TaskNode | undefined;
  tally: (id: number) => TallyNode | undefined;
  /** Descendant count for a folded row (cached by the caller). */
  foldedCount: (r: RowRef) => number;
  select: (r: RowRef) => void;
  toggle: (r: RowRef, expanded: boolean) => void;
  open: (r: RowRef) => void;
  /** The selected task or tally. */
  selected: () => RowRef | undefined;
  /** Working directory of the run (sites are shown relative to it). */
  cwd: () => string | undefined;
}

const NUM = new Intl.NumberFormat('en-US');
/** 98000 → "98,000". */
export function formatCount(n: number): string { return NUM.format(n); }

/** "src/x.js:12", as the blocking list shows a location. */
export function siteText(site: SourceLocation, cwd: string | undefined): string { return formatLocation(site, cwd, false); }

const rowDomId = (r: RowRef) => `${r.tally ? 'tally' : 'task'}-${r.id}`;

export const ROW_HEIGHT = 22;

export class TreeView {
  readonly list: VirtualList;
  rows: Row[] = [];
  /** Bump to force rows to redraw (e.g. folded counts changed). */
  version = 0;
  private readonly index = new Map<number, number>();
  private readonly tallyIndex = new Map<number, number>();

  constructor(parent: HTMLElement, private readonly cb: TreeCallbacks) {
    this.list = new VirtualList(parent, { rowHeight: ROW_HEIGHT, renderRow: (r, i) => this.renderRow(r, i), role: 'tree', label: 'Tasks' });
    const v = this.list.viewport;
    v.tabIndex = 0;
    v.classList.add('tree');
    v.addEventListener('keydown', (e) => this.onKey(e));
    v.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (!row || row.dataset.id === undefined) return;
      const ref = refOf(row);
      if ((e.target as HTMLElement).classList.contains('twistie')) { this.toggleAt(ref); return; }
      this.cb.select(ref);
    });
    v.addEventListener('dblclick', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.vrow');
      if (row?.dataset.id !== undefined) this.cb.open(refOf(row));
    });
  }

  setRows(rows: Row[]): void {
    this.rows = rows;
    this.index.clear();
    this.tallyIndex.clear();
    for (let i = 0; i < rows.length; i++) (rows[i].tally ? this.tallyIndex : this.index).set(rows[i].id, i);
    this.list.setCount(rows.length);
  }

  /** Row index of a task. */
  indexOf(id: number): number | undefined { return this.index.get(id); }
  /** Row index of a tally. */
  indexOfTally(id: number): number | undefined { return this.tallyIndex.get(id); }
  indexOfRef(r: RowRef): number | undefined { return (r.tally ? this.tallyIndex : this.index).get(r.id); }

  render(): void {
    this.list.render();
    const sel = this.cb.selected();
    if (sel !== undefined && this.indexOfRef(sel) !== undefined) this.list.viewport.setAttribute('aria-activedescendant', rowDomId(sel));
    else this.list.viewport.removeAttribute('aria-activedescendant');
  }

  reveal(r: RowRef): void {
    const i = this.indexOfRef(r);
    if (i !== undefined) this.list.scrollToIndex(i);
  }

  private toggleAt(ref: RowRef): void {
    const i = this.indexOfRef(ref);
    if (i === undefined) return;
    const r = this.rows[i];
    if (r.expandable) this.cb.toggle(ref, !r.expanded);
  }

  private isSelected(r: Row): boolean {
    const sel = this.cb.selected();
    return sel !== undefined && sel.id === r.id && !sel.tally === !r.tally;
  }

  /** The ARIA and fold attributes every row has; false when the row's key says nothing changed. */
  private frame(row: HTMLElement, r: Row, key: string): boolean {
    if (row.dataset.key === key) return false; // unchanged: skip the DOM work
    row.dataset.key = key;
    row.dataset.id = String(r.id);
    if (r.tally) row.dataset.tally = '1'; else delete row.dataset.tally;
    row.id = rowDomId(r);
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-level', String(r.depth + 1));
    row.setAttribute('aria-posinset', String(r.pos));
    row.setAttribute('aria-setsize', String(r.siblings));
    row.setAttribute('aria-selected', String(this.isSelected(r)));
    if (r.expandable) row.setAttribute('aria-expanded', String(r.expanded)); else row.removeAttribute('aria-expanded');
    return true;
  }

  /** What every row starts with (indent, twistie, kind glyph, name as text); returns the name as shown. */
  private rowHead(row: HTMLElement, r: Row, className: string, kind: TaskKind, rawName: string): string {
    row.className = className;
    row.textContent = '';
    row.style.paddingLeft = `${4 + r.depth * 14}px`;
    row.appendChild(el('span', 'twistie', r.expandable ? (r.expanded ? '▾' : '▸') : ''));
    const glyph = el('span', `glyph kind-${kind}`, kindGlyph(kind));
    glyph.setAttribute('aria-hidden', 'true');
    row.appendChild(glyph);
    const name = clip(rawName || '(anonymous)');
    row.appendChild(el('span', 'name', name));
    return name;
  }

  /** A tally row: `leaf ×98,000`, its state counts, its call site and its run time. */
  private renderTallyRow(row: HTMLElement, r: Row): void {
    const t = this.cb.tally(r.id);
    if (!t) { row.textContent = ''; delete row.dataset.key; return; }
    const selected = this.isSelected(r);
    const key = `y|${r.id}|${r.depth}|${r.expanded}|${r.expandable}|${t.count}|${t.resolved}|${t.rejected}|${t.cancelled}|${t.runMs}|${t.name.length}|${t.blocks.length}|${this.version}|${selected}|${r.match}|${r.pos}/${r.siblings}`;
    if (!this.frame(row, r, key)) return;
    const name = this.rowHead(row, r, `vrow tally${t.pending > 0 ? ' tally-pending' : ''}${selected ? ' selected' : ''}${r.match ? ' match' : ''}`, t.kind, t.name);
    const times = el('span', 'times', `×${formatCount(t.count)}`);
    times.title = 'Tasks counted at this call site (not recorded one by one)';
    row.appendChild(times);
    const states: string[] = [];
    const counts = el('span', 'tally-states');
    const part = (n: number, state: 'resolved' | 'rejected' | 'cancelled' | 'pending') => {
      if (n <= 0) return;
      const c = el('span', `tstate state-${state}`, `${STATE_GLYPH[state]}${formatCount(n)}`);
      c.title = `${formatCount(n)} ${state}`;
      counts.appendChild(c);
      states.push(`${formatCount(n)} ${state}`);
    };
    part(t.resolved, 'resolved'); part(t.rejected, 'rejected'); part(t.cancelled, 'cancelled'); part(t.pending, 'pending');
    row.appendChild(counts);
    if (t.blocks.length > 0) row.appendChild(blockBadge(t.blocks.length));
    let folded = '';
    if (r.expandable && !r.expanded) {
      const n = this.cb.foldedCount(r);
      folded = `, ${formatCount(n)} counted below hidden`;
      row.appendChild(el('span', 'count', formatCount(n)));
    }
    const where = t.site ? clip(siteText(t.site, this.cb.cwd()), 200) : '';
    if (where) { const site = el('span', 'site', where); site.title = where; row.appendChild(site); }
    if (t.runMs > 0) row.appendChild(el('span', 'runms', formatMs(t.runMs)));
    row.setAttribute('aria-label', `${name}, ${formatCount(t.count)} counted ${kindNoun(t.kind)} tasks${states.length ? ': ' + states.join(', ') : ''}${where ? `, at ${where}` : ''}${folded}`);
  }

  private renderRow(row: HTMLElement, i: number): void {
    const r = this.rows[i];
    if (r.tally) { this.renderTallyRow(row, r); return; }
    const t = this.cb.task(r.id);
    if (!t) { row.textContent = ''; return; }
    const selected = this.isSelected(r);
    const key = `${r.id}|${r.depth}|${r.expanded}|${r.expandable}|${t.state}|${t.name.length}|${t.runs}|${t.runMs}|${t.blocks.length}|${this.version}|${selected}|${r.match}|${r.pos}/${r.siblings}`;
    if (!this.frame(row, r, key)) return;
    const group = isGroupKind(t.kind);
    const name = this.rowHead(row, r, `vrow task state-${t.state}${group ? ' group' : ''}${selected ? ' selected' : ''}${r.match ? ' match' : ''}`, t.kind, t.name);
    // The kind as a pill, unless the name already says it ("Promise.all").
    if (group && t.name !== kindNoun(t.kind)) row.appendChild(el('span', 'pill', kindNoun(t.kind)));
    const st = el('span', `state state-${t.state}`, STATE_GLYPH[t.state]);
    st.title = t.state + (t.cancelReason ? ` (${t.cancelReason})` : '');
    row.appendChild(st);
    if (t.state === 'cancelled') row.appendChild(el('span', 'badge cancelled', t.cancelReason ? `cancelled: ${t.cancelReason}` : 'cancelled'));
    if (t.state === 'rejected') row.appendChild(el('span', 'badge rejected', 'rejected'));
    if (t.blocks.length > 0) row.appendChild(blockBadge(t.blocks.length));
    let folded = '';
    if (r.expandable && !r.expanded) {
      const n = this.cb.foldedCount(r);
      folded = `, ${n} hidden`;
      row.appendChild(el('span', 'count', String(n)));
    }
    if (t.runMs > 0) row.appendChild(el('span', 'runms', formatMs(t.runMs)));
    row.setAttribute('aria-label', `${name}, ${kindNoun(t.kind)}, ${t.state}${t.cancelReason ? ' ' + t.cancelReason : ''}${folded}`);
  }

  private onKey(e: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    const sel = this.cb.selected();
    const cur = sel === undefined ? -1 : this.indexOfRef(sel) ?? -1;
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
        if (r.expandable && !r.expanded) this.cb.toggle(r, true);
        else if (r.expanded) go = at + 1;
        break;
      case 'ArrowLeft':
        if (r.expanded) this.cb.toggle(r, false);
        else for (let i = at - 1; i >= 0; i--) if (this.rows[i].depth < r.depth) { go = i; break; }
        break;
      case 'Enter': this.cb.open(r); break;
      case ' ': if (r.expandable) this.cb.toggle(r, !r.expanded); break;
      default: return;
    }
    e.preventDefault();
    if (go !== undefined && this.rows[go]) { this.cb.select(this.rows[go]); this.list.scrollToIndex(go); }
  }
}

function refOf(row: HTMLElement): RowRef {
  const id = Number(row.dataset.id);
  return row.dataset.tally ? { id, tally: true } : { id };
}

/** "⚠ 2 blocks": blocks of the event loop that happened while the row's code ran. */
function blockBadge(n: number): HTMLElement {
  return el('span', 'badge block', `⚠ ${n} block${n > 1 ? 's' : ''}`);
}
