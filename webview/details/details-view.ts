// Details of the selected task (and selected block): what it is, where it was spawned, its parent chain,
// what it awaited and how long it ran. Locations are buttons that ask the host to open them.
import type { SourceLocation } from '../../src/protocol/index.ts';
import type { Block, TallyNode, TaskNode } from '../../src/model/types.ts';
import type { TraceModel } from '../../src/model/trace-model.ts';
import { formatLocation } from '../../src/model/paths.ts';
import { kindNoun, taskLabel } from '../../src/model/task-label.ts';
import { el, clear, clip } from '../dom.ts';
import { formatMs } from '../glyphs.ts';

export interface DetailsCallbacks {
  selectTask: (id: number) => void;
  selectTally: (id: number) => void;
  open: (loc: SourceLocation) => void;
  cwd: () => string | undefined;
  /** Start of the run (times are shown from it, like the time axis). */
  origin: () => number;
}

const MAX_LISTED = 50;

/** What a tally is, in one line (shown with every selected tally). */
export const TALLY_EXPLANATION = 'Counted, not recorded one by one: this call site passed its budget of exact tasks; run with --exact all to record every task.';

const NUM = new Intl.NumberFormat('en-US');

/** A name → value list: `row(name, text or node)` appends one pair (text is set as text, never as HTML). */
function propList(): { dl: HTMLElement; row: (k: string, v: Node | string) => void } {
  const dl = el('dl', 'props');
  const row = (k: string, v: Node | string): void => {
    dl.appendChild(el('dt', '', k));
    const dd = el('dd');
    if (typeof v === 'string') dd.textContent = v; else dd.appendChild(v);
    dl.appendChild(dd);
  };
  return { dl, row };
}

export class DetailsView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;

  constructor(parent: HTMLElement, private readonly cb: DetailsCallbacks) {
    this.root = el('section', 'details pane');
    this.root.setAttribute('aria-label', 'Details of the selected task');
    this.root.appendChild(el('h2', 'pane-title', 'Details'));
    this.body = el('div', 'details-body');
    this.root.appendChild(this.body);
    parent.appendChild(this.root);
  }

  render(model: TraceModel, task: TaskNode | undefined, block: Block | undefined, blocksById: (id: number) => Block | undefined): void {
    clear(this.body);
    if (!task) { this.body.appendChild(el('div', 'empty', 'Select a task in the tree, the timeline or the blocking list.')); return; }
    const { dl, row } = propList();
    row('Name', clip(task.name || '(anonymous)'));
    row('Kind', kindNoun(task.kind));
    row('State', task.state + (task.cancelReason ? ` (${task.cancelReason})` : ''));
    row('Spawned', task.site ? this.link(task.site) : 'from code that is not instrumented');
    const at = (ts: number) => formatMs(Math.max(0, ts - this.cb.origin()));
    row('Lifetime', `${at(task.spawnTs)} → ${task.endTs !== undefined ? at(task.endTs) + ` (${formatMs(task.endTs - task.spawnTs)})` : 'still pending'}`);
    row('Runs', `${task.runs} run${task.runs === 1 ? '' : 's'}, ${formatMs(task.runMs)} on the event loop${task.slicesOmitted ? ` (the timeline draws the first ${task.slices.length})` : ''}`);
    row('Awaits', String(task.awaits));
    const chain = model.ancestors(task.id).slice(1).reverse();
    row('Parents', chain.length ? this.taskLinks(chain, ' › ') : '(root)');
    const awaited = task.awaited.map((id) => model.tasks.get(id)).filter((t): t is TaskNode => t !== undefined);
    row('Awaited', awaited.length ? this.taskLinks(awaited) : 'nothing');
    if (task.members?.length) row('Members', this.taskLinks(task.members.map((id) => model.tasks.get(id)).filter((t): t is TaskNode => !!t)));
    this.body.appendChild(dl);
    const shown = block ?? (task.blocks.length ? blocksById(task.blocks[0]) : undefined);
    if (shown) this.body.appendChild(this.blockSection(shown, task.blocks.length));
  }

  /** A tally: what was counted, where, how the counted tasks ended, how long they ran and when; a block in one of them. */
  renderTally(model: TraceModel, y: TallyNode, block: Block | undefined, blocksById: (id: number) => Block | undefined): void {
    clear(this.body);
    const { dl, row } = propList();
    const n = (x: number) => NUM.format(x);
    row('Name', clip(y.name || '(anonymous)'));
    row('Kind', `${kindNoun(y.kind)} (counted)`);
    row('Spawned', y.site ? this.link(y.site) : 'from code that is not instrumented');
    row('Count', `${n(y.count)} task${y.count === 1 ? '' : 's'}`);
    row('States', `${n(y.resolved)} resolved, ${n(y.rejected)} rejected, ${n(y.cancelled)} cancelled, ${n(y.pending)} pending`);
    row('Runs', `${n(y.runs)} run${y.runs === 1 ? '' : 's'}, ${formatMs(y.runMs)} on the event loop in all`);
    const at = (ts: number) => formatMs(Math.max(0, ts - this.cb.origin()));
    row('Seen', `first ${at(y.firstTs)}, last ${at(y.lastTs)} (${formatMs(Math.max(0, y.lastTs - y.firstTs))})`);
    const under = el('span', 'task-links');
    const parentTally = y.parentTally === undefined ? undefined : model.tallies.get(y.parentTally);
    if (parentTally) {
      const b = el('button', 'link', `${clip(parentTally.name || '(anonymous)', 60)} ×${n(parentTally.count)}`);
      b.addEventListener('click', () => this.cb.selectTally(parentTally.id));
      under.appendChild(b);
      under.appendChild(el('span', 'sep', '(its counted tasks spawned these)'));
    } else {
      const parent = model.tasks.get(y.parentId);
      if (parent) {
        const b = el('button', 'link', clip(taskLabel(parent), 60));
        b.addEventListener('click', () => this.cb.selectTask(parent.id));
        under.appendChild(b);
      }
    }
    row('Under', under);
    this.body.appendChild(dl);
    this.body.appendChild(el('p', 'tally-note', TALLY_EXPLANATION));
    const shown = block ?? (y.blocks.length ? blocksById(y.blocks[0]) : undefined);
    if (shown) this.body.appendChild(this.blockSection(shown, y.blocks.length));
  }

  private blockSection(b: Block, count: number): HTMLElement {
    const sec = el('div', 'block-detail');
    sec.appendChild(el('h3', '', `Blocked the event loop for ${formatMs(b.durationMs)}${b.final ? '' : ' (still going)'}${count > 1 ? ` · 1 of ${count}` : ''}`));
    if (b.location) { const p = el('div', 'where'); p.append(el('span', '', 'at '), this.link(b.location)); sec.appendChild(p); }
    if (b.stack.length) {
      const ol = el('ol', 'stack');
      for (const f of b.stack.slice(0, MAX_LISTED)) { const li = el('li'); li.appendChild(this.link(f)); ol.appendChild(li); }
      sec.appendChild(ol);
    }
    return sec;
  }

  private link(loc: SourceLocation): HTMLElement {
    const a = el('button', 'link', `${loc.function ? clip(loc.function, 80) + ' ' : ''}${clip(formatLocation(loc, this.cb.cwd()), 200)}`);
    a.title = 'Open this location';
    a.addEventListener('click', () => this.cb.open(loc));
    return a;
  }

  private taskLinks(tasks: TaskNode[], separator?: string): HTMLElement {
    const span = el('span', 'task-links');
    for (const t of tasks.slice(0, MAX_LISTED)) {
      if (separator && span.childNodes.length) span.appendChild(el('span', 'sep', separator));
      const b = el('button', 'link', clip(taskLabel(t), 60));
      b.addEventListener('click', () => this.cb.selectTask(t.id));
      span.appendChild(b);
    }
    if (tasks.length > MAX_LISTED) span.appendChild(el('span', 'more', `… ${tasks.length - MAX_LISTED} more`));
    return span;
  }
}
