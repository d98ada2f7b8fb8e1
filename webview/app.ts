// Wires the panes together: messages in → RunStore; one selection shared by tree, timeline, blocking list and
// details; one frame scheduler; UI state saved through the host when there is one.
import type { SourceLocation } from '../src/protocol/index.ts';
import type { Block, TallyNode } from '../src/model/types.ts';
import { formatLocation } from '../src/model/paths.ts';
import { taskLabel } from '../src/model/task-label.ts';
import { describeBlockTask } from '../src/model/block-text.ts';
import type { Bridge } from './bridge.ts';
import { checkHostMessage, type CheckedHostMessage } from './ingest.ts';
import { buildLayout, type Layout } from './layout.ts';
import { FrameScheduler } from './scheduler.ts';
import { RunStore } from './store.ts';
import { readPalette, watchTheme, applyStandaloneTheme, type Palette } from './theme.ts';
import { Toolbar } from './toolbar.ts';
import { RowBuilder } from './tree/row-builder.ts';
import { TreeView, ROW_HEIGHT } from './tree/tree-view.ts';
import { TimelineView } from './timeline/timeline-view.ts';
import { BlocksView } from './blocks/blocks-view.ts';
import { DetailsView } from './details/details-view.ts';
import { initialUiState, loadUiState, saveUiState, type UiState } from './ui-state.ts';
import { clip } from './dom.ts';
import { Banner } from './banner.ts';
import { statusText } from './status.ts';
import { runSpan, atLiveEdge, isAtLiveEdge } from './time-window.ts';

/** Time per frame for applying queued events: live floods must leave time to draw. */
const LIVE_BUDGET_MS = 6;
const LOAD_BUDGET_MS = 60;

export class App {
  readonly store = new RunStore();
  ui: UiState = initialUiState();
  private readonly sched = new FrameScheduler();
  private readonly layout: Layout;
  private readonly toolbar: Toolbar;
  private readonly tree: TreeView;
  private readonly timeline: TimelineView;
  private readonly blocks: BlocksView;
  private readonly details: DetailsView;
  private palette: Palette;
  private readonly rowBuilder = new RowBuilder();
  private readonly banner: Banner;
  private blocksVersion = -1;
  private saveTimer = 0;
  /** Time the current frame spent applying events. */
  private applyMs = 0;
  private timelineUrgent = true;
  private timelineAt = 0;
  private detailsKey = '';
  private blocksKey = '';
  private treeKey = '';
  private treeAt = 0;
  /** Bumped on resize: every view must redraw. */
  private layoutVersion = 0;
  private detailsData = -1;
  private detailsAt = 0;

  constructor(root: HTMLElement, private readonly bridge: Bridge) {
    applyStandaloneTheme(undefined);
    this.layout = buildLayout(root);
    this.banner = new Banner(this.layout.banner);
    this.palette = readPalette();
    this.toolbar = new Toolbar(this.layout.toolbar, {
      search: (s) => { this.ui.search = s; this.structureChanged(); },
      filter: (f) => { Object.assign(this.ui.filters, f); this.structureChanged(); },
      zoom: (f) => { if (f === 'fit') this.setWindow(undefined, true); else this.timeline.zoomBy(f); },
      follow: (on) => {
        this.ui.follow = on;
        // Pausing freezes what is on screen; resuming jumps back to the live edge with the same zoom.
        if (!on && !this.ui.window) this.ui.window = this.span();
        if (on) this.ui.window = atLiveEdge(this.ui.window, this.span()[1]);
        this.changed();
      },
    });
    this.tree = new TreeView(this.layout.treeHost, {
      task: (id) => this.store.task(id),
      tally: (id) => this.store.tally(id),
      foldedCount: (r) => r.tally ? this.rowBuilder.foldedTallyCount(this.store, r.id) : this.rowBuilder.foldedCount(this.store, r.id),
      select: (r) => { if (r.tally) this.selectTally(r.id); else this.selectTask(r.id, 'tree'); },
      // Rows are rebuilt at once: the next key press (→ after → unfolds) must see the unfolded rows.
      toggle: (r, ex) => { (r.tally ? this.ui.tallyFolds : this.ui.folds).set(r.id, ex); this.structureChanged(); this.renderRows(); },
      open: (r) => { const site = r.tally ? this.store.tally(r.id)?.site : this.store.task(r.id)?.site; if (site) this.openLocation(site); },
      selected: () => this.ui.selectedTally !== undefined ? { id: this.ui.selectedTally, tally: true } : this.ui.selectedTask !== undefined ? { id: this.ui.selectedTask } : undefined,
      cwd: () => this.store.process?.cwd,
    });
    this.tree.list.onScroll = () => { this.timelineUrgent = true; this.sched.request('timeline'); };
    this.timeline = new TimelineView(this.layout.timelineHost, {
      rows: () => this.tree.rows,
      rowOf: (id) => this.tree.indexOf(id),
      rowHeight: ROW_HEIGHT,
      scrollTop: () => this.tree.list.scrollTop,
      setScrollTop: (v) => { this.tree.list.scrollTop = v; },
      task: (id) => this.store.task(id),
      tally: (id) => this.store.tally(id),
      runs: () => this.store.runs,
      blocks: () => this.store.blocks(),
      span: () => this.span(),
      liveEnd: () => this.span()[1],
      selectedTask: () => this.ui.selectedTask,
      selectedBlock: () => this.ui.selectedBlock,
      selectedTally: () => this.ui.selectedTally,
      palette: () => this.palette,
      window: () => this.ui.window,
      setWindow: (w) => this.setWindow(w, true),
      selectTask: (id) => this.selectTask(id, 'timeline'),
      selectTally: (id) => this.selectTally(id),
      selectBlock: (id) => this.selectBlock(id),
    });
    this.blocks = new BlocksView(this.layout.bottom, {
      select: (id) => this.selectBlock(id),
      open: (id) => { const b = this.block(id); if (b?.location) this.openLocation(b.location); },
      selectedId: () => this.ui.selectedBlock,
      taskName: (b) => b.tallyId !== undefined ? describeBlockTask(b, this.store.model, undefined, false) : taskLabel(this.store.model.blockTask(b)),
      cwd: () => this.store.process?.cwd,
    });
    this.details = new DetailsView(this.layout.bottom, {
      selectTask: (id) => this.selectTask(id, 'details'),
      selectTally: (id) => this.selectTally(id),
      open: (loc) => this.openLocation(loc),
      cwd: () => this.store.process?.cwd,
      origin: () => this.span()[0],
    });
    this.sched.beforeFrame = () => {
      if (this.store.queued === 0) return false;
      const t0 = performance.now();
      const rejectedBefore = this.store.rejected;
      // A finished run loads in big slices (it is not going anywhere); a live one leaves room to draw every frame.
      const more = this.store.drain(this.isLive() ? LIVE_BUDGET_MS : LOAD_BUDGET_MS);
      if (this.store.rejected !== rejectedBefore) {
        const n = this.store.rejected;
        this.banner.show(`Skipped ${n} malformed event${n > 1 ? 's' : ''} (first: ${clip(this.store.firstRejection ?? '', 300)}).`, 'rejected');
      }
      this.dataChanged();
      this.applyMs = performance.now() - t0;
      return more;
    };
    this.sched.register('rows', () => this.renderRows());
    this.sched.register('tree', () => this.renderTree());
    this.sched.register('timeline', () => this.renderTimeline());
    this.sched.register('blocks', () => this.renderBlocks());
    this.sched.register('details', () => this.renderDetails());
    this.sched.register('chrome', () => this.renderChrome());
    new ResizeObserver(() => { this.layoutVersion++; this.timeline.resize(); this.sched.request(); }).observe(this.layout.timelineHost);
    watchTheme(() => { this.palette = readPalette(); this.timelineUrgent = true; this.sched.request('timeline'); });
    const saved = loadUiState(bridge.getState());
    if (saved) { this.ui = saved.state; this.savedRunId = saved.runId; }
    bridge.onMessage((d) => this.onMessage(d));
    this.sched.request();
  }

  private savedRunId: string | undefined;

  /** Entry for every host message (and standalone data). */
  onMessage(data: unknown): void {
    const c = checkHostMessage(data);
    if (!c.ok) { this.banner.show(`Loopscope ignored ${c.error}`); return; }
    this.handle(c.value);
  }

  private handle(m: CheckedHostMessage): void {
    switch (m.type) {
      case 'hello':
        // (No 'ready' in reply: the host answers 'ready' with hello + snapshot, so replying would loop.)
        if (m.theme) { document.body.dataset.themeFixed = '1'; applyStandaloneTheme(m.theme); }
        break;
      case 'snapshot': {
        const keepUi = this.savedRunId === m.runId || this.store.runId === m.runId;
        this.store.reset(m.runId, m.title, m.live);
        if (!keepUi) { const filters = this.ui.filters; this.ui = initialUiState(); this.ui.filters = filters; }
        this.savedRunId = m.runId;
        this.banner.clear();
        document.title = m.title ? `Loopscope: ${clip(m.title, 100)}` : 'Loopscope';
        this.addEvents(m.raw);
        break;
      }
      case 'events':
        if (m.runId !== this.store.runId) return; // a batch from a run this view is no longer showing
        this.addEvents(m.raw);
        break;
      case 'ended':
        if (m.runId === this.store.runId) { this.store.ended = true; this.changed(); }
        break;
      case 'error':
        this.banner.show(m.message);
        break;
    }
  }

  private addEvents(raw: readonly unknown[] | string): void {
    this.store.enqueue(raw);
    this.sched.wake();
  }

  /** Starts a standalone report: batches of events, or of JSON text parsed one per frame; more may follow. */
  loadStandalone(title: string, batches: readonly (readonly unknown[] | string)[]): void {
    this.handle({ type: 'snapshot', runId: 'report', title, live: false, events: [], raw: [] });
    for (const b of batches) this.addEvents(b);
  }

  /** More of the standalone report's events (a chunk the page has finished parsing). */
  appendStandalone(batch: readonly unknown[] | string): void { this.addEvents(batch); }

  /** Shows a problem with the input in the banner (as text). */
  showError(message: string): void { this.banner.show(message); }

  // ---- selection -----------------------------------------------------------------------------------------

  selectTask(id: number, from: string): void {
    if (!this.store.task(id)) return;
    this.ui.selectedTask = id;
    this.ui.selectedTally = undefined;
    if (from !== 'block') this.ui.selectedBlock = undefined;
    // Unfold the way to the task so the tree can show it.
    let opened = false;
    for (const a of this.store.model.ancestors(id).slice(1)) if (this.ui.folds.get(a.id) !== true) { this.ui.folds.set(a.id, true); opened = true; }
    if (opened || this.tree.indexOf(id) === undefined) this.structureChanged();
    this.renderRows();
    // A task a filter hides (a library callback) is still selected (details, timeline); the tree shows
    // the nearest ancestor it does list.
    const shown = this.tree.indexOf(id) !== undefined ? id : this.store.model.ancestors(id).find((a) => this.tree.indexOf(a.id) !== undefined)?.id;
    if (shown !== undefined) this.tree.reveal({ id: shown });
    this.bridge.post({ type: 'select-task', taskId: id });
    this.changed();
  }

  /** Selects a tally (tasks of a hot call site, counted): the tree unfolds the way to it. */
  selectTally(id: number, from?: string): void {
    const y = this.store.tally(id);
    if (!y) return;
    this.ui.selectedTally = id;
    this.ui.selectedTask = undefined;
    if (from !== 'block') this.ui.selectedBlock = undefined;
    let opened = false;
    const unfold = (m: Map<number, boolean>, key: number) => { if (m.get(key) !== true) { m.set(key, true); opened = true; } };
    const parents = tallyParents(this.store.model.tallies, y);
    for (const p of parents) unfold(this.ui.tallyFolds, p.id);
    const task = this.store.task(y.parentId);
    if (task) for (const a of [task, ...this.store.model.ancestors(task.id).slice(1)]) unfold(this.ui.folds, a.id);
    if (opened || this.tree.indexOfTally(id) === undefined) this.structureChanged();
    this.renderRows();
    // A tally a filter hides is still selected (details); the tree shows the nearest row it does list.
    if (this.tree.indexOfTally(id) !== undefined) this.tree.reveal({ id, tally: true });
    else {
      const p = parents.find((x) => this.tree.indexOfTally(x.id) !== undefined);
      if (p) this.tree.reveal({ id: p.id, tally: true });
      else if (task) { const a = this.store.model.ancestors(task.id).find((x) => this.tree.indexOf(x.id) !== undefined); if (a) this.tree.reveal({ id: a.id }); }
    }
    this.changed();
  }

  selectBlock(id: number): void {
    const b = this.block(id);
    if (!b) return;
    this.ui.selectedBlock = id;
    this.blocks.reveal(id);
    // A block in a counted task belongs to its tally's row (once the tally's counts came).
    const tally = this.store.model.blockTally(b);
    if (tally) this.selectTally(tally.id, 'block');
    else this.selectTask(this.store.model.blockTask(b).id, 'block');
    this.ui.follow = false;
    this.timeline.reveal(b.ts, b.ts + b.durationMs);
  }

  private block(id: number): Block | undefined { return this.store.model.blocks.get(id); }

  openLocation(loc: SourceLocation): void {
    // Standalone there is no editor to open it in: show where it is.
    if (!this.bridge.inVsCode) this.layout.locationOut.textContent = `Location: ${clip(formatLocation(loc, this.store.process?.cwd), 400)}`;
    this.bridge.post({ type: 'open-location', location: loc });
  }

  // ---- time window ---------------------------------------------------------------------------------------

  private span(): [number, number] { return runSpan(this.store); }

  private setWindow(w: [number, number] | undefined, byUser: boolean): void {
    this.ui.window = w;
    if (byUser && this.isLive() && w) this.ui.follow = isAtLiveEdge(w, this.span()[1]);
    this.changed();
  }

  // ---- change propagation ---------------------------------------------------------------------------------

  /** Something the person did changed the picture: the timeline redraws in the next frame whatever the rate cap. */
  private changed(): void {
    this.timelineUrgent = true;
    this.scheduleSave();
    this.sched.request('tree'); this.sched.request('timeline'); this.sched.request('blocks'); this.sched.request('details'); this.sched.request('chrome');
  }

  private structureChanged(): void { this.rowBuilder.invalidate(); this.sched.request('rows'); this.changed(); }

  private dataChanged(): void {
    if (this.isLive() && this.ui.follow) this.ui.window = atLiveEdge(this.ui.window, this.span()[1]);
    this.rowBuilder.noteData(this.store);
    const urgent = this.timelineUrgent;
    this.sched.request('rows');
    this.changed();
    this.timelineUrgent = urgent; // new data alone is not urgent
  }

  private renderTimeline(): void {
    // A live flood redraws the canvas at most 30 times a second (painting it is most of a frame's cost
    // without a GPU); zooming, panning, scrolling and selecting redraw at once.
    const now = performance.now();
    if (!this.timelineUrgent && this.isLive() && now - this.timelineAt < 30) { this.sched.request('timeline'); return; }
    this.timelineUrgent = false;
    this.timelineAt = now;
    this.timeline.render();
  }

  private isLive(): boolean { return this.store.live && !this.store.ended; }

  private renderRows(): void {
    const r = this.rowBuilder.build(this.store, this.ui, { flooding: this.store.queued > 0, liveFrameSpent: this.isLive() && this.applyMs > 4 });
    if (r.deferred) this.sched.request('rows');
    if (!r.rows) return;
    this.tree.version++;
    this.tree.setRows(r.rows);
  }

  private renderBlocks(): void {
    const key = `${this.store.blocksVersion}|${this.ui.selectedBlock}|${this.layoutVersion}`;
    if (key === this.blocksKey) return; // nothing it shows changed (its own scrolling redraws itself)
    this.blocksKey = key;
    if (this.blocksVersion !== this.store.blocksVersion) {
      this.blocks.setBlocks(this.store.blocks(), this.store.thresholdMs);
      this.blocksVersion = this.store.blocksVersion;
    }
    this.blocks.render();
  }

  private renderTree(): void {
    // Rows, selection or size changed: draw now. Only task states/run times changed (a live run): a few times a second.
    const key = `${this.tree.version}|${this.ui.selectedTask}|${this.ui.selectedTally}|${this.layoutVersion}`;
    const now = performance.now();
    if (key === this.treeKey && (now - this.treeAt < 200 || (this.isLive() && this.applyMs > 4 && now - this.treeAt < 1000))) { this.sched.request('tree'); return; }
    this.treeKey = key; this.treeAt = now;
    this.tree.render();
  }

  private renderDetails(): void {
    // Rebuilding the details DOM on every live frame is wasted work: redo it when the selection changes,
    // and for new data at most four times a second.
    const key = `${this.store.runId}|${this.ui.selectedTask}|${this.ui.selectedBlock}|${this.ui.selectedTally}`;
    if (key === this.detailsKey) {
      if (this.store.dataVersion === this.detailsData) return;
      if (performance.now() - this.detailsAt < 250) { this.sched.request('details'); return; }
    }
    this.detailsKey = key; this.detailsData = this.store.dataVersion; this.detailsAt = performance.now();
    const t = this.ui.selectedTask === undefined ? undefined : this.store.task(this.ui.selectedTask);
    const b = this.ui.selectedBlock === undefined ? undefined : this.block(this.ui.selectedBlock);
    const y = this.ui.selectedTally === undefined ? undefined : this.store.tally(this.ui.selectedTally);
    if (y) this.details.renderTally(this.store.model, y, b, (id) => this.block(id));
    else this.details.render(this.store.model, t, b, (id) => this.block(id));
  }

  private renderChrome(): void {
    this.layout.status.textContent = statusText(this.store, this.ui.follow, this.span());
    this.toolbar.sync(this.ui.filters, this.ui.search, this.isLive(), this.ui.follow);
  }

  private scheduleSave(): void {
    if (!this.bridge.inVsCode) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.bridge.setState(saveUiState(this.ui, this.store.runId)), 300);
  }
}

/** The tallies above `y` (its parent tally, that one's, …), nearest first. */
function tallyParents(tallies: ReadonlyMap<number, TallyNode>, y: TallyNode): TallyNode[] {
  const out: TallyNode[] = [];
  let p = y.parentTally === undefined ? undefined : tallies.get(y.parentTally);
  while (p && out.length <= tallies.size) { out.push(p); p = p.parentTally === undefined ? undefined : tallies.get(p.parentTally); }
  return out;
}
