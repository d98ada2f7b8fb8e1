// The run the view shows: the shared TraceModel (what the events mean) plus the indexes only a renderer
// needs (every run in time order). Events are queued and applied in slices of a frame budget so a flood
// of live events never freezes the page.
import type { TraceEvent, ProcessEvent, ExitEvent } from '../src/protocol/index.ts';
import type { TaskNode, TallyNode, Block } from '../src/model/types.ts';
import { TraceModel } from '../src/model/trace-model.ts';
import { RunIndex } from './timeline/run-index.ts';
import { checkEvents } from './ingest.ts';

export class RunStore {
  model = new TraceModel();
  readonly runs = new RunIndex();
  runId = '';
  title = '';
  live = false;
  ended = false;
  /** Events the view refused (failed validation), and what was wrong with the first one. */
  rejected = 0;
  firstRejection: string | undefined;
  /** Time span seen so far (ms since the process's time origin). */
  startTs = Infinity;
  endTs = -Infinity;
  eventCount = 0;
  /** Bumped when tasks are added or move (tree rows must be rebuilt). */
  structureVersion = 0;
  /** Bumped on any applied event (redraw). */
  dataVersion = 0;
  /** Bumped when a block arrives or changes. */
  blocksVersion = 0;
  /** Batches as they came (unvalidated; JSON text is parsed when its turn comes), and how far into the first one we are. */
  private queue: (readonly unknown[] | string)[] = [];
  /** Event number of the next queued event within the run, for messages about malformed events. */
  private seen = 0;
  private queueHead = 0;
  private blockCache: Block[] | undefined;

  reset(runId: string, title: string, live: boolean): void {
    this.model = new TraceModel();
    this.runs.clear();
    Object.assign(this, { runId, title, live, ended: false, rejected: 0, firstRejection: undefined,
      startTs: Infinity, endTs: -Infinity, eventCount: 0 });
    this.queue = []; this.queueHead = 0; this.seen = 0; this.blockCache = undefined;
    this.structureVersion++; this.dataVersion++; this.blocksVersion++;
  }

  /** Queues a batch: events, or a JSON array of events as text (parsed in a later frame, so a message handler never stalls). */
  enqueue(raw: readonly unknown[] | string): void { if (raw.length) this.queue.push(raw); }

  /** Events waiting to be applied (a batch still in JSON text counts as one). */
  get queued(): number {
    let n = -this.queueHead; // queueHead: how much of the first batch is already applied
    for (const b of this.queue) n += typeof b === 'string' ? 1 : b.length;
    return n;
  }

  /** Applies queued events until `budgetMs` is spent; returns true when some remain. */
  drain(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    const CHUNK = 20000;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (typeof head === 'string') {
        const parsed = parseBatch(head);
        if (Array.isArray(parsed)) this.queue[0] = parsed;
        else { this.queue.shift(); this.reject(1, 'a batch of events that is not a valid JSON array'); }
        if (performance.now() >= until) break;
        continue;
      }
      const end = Math.min(head.length, this.queueHead + CHUNK);
      const checked = checkEvents(this.queueHead === 0 && end === head.length ? head : head.slice(this.queueHead, end), this.seen);
      this.seen += end - this.queueHead;
      if (checked.rejected) this.reject(checked.rejected, checked.firstError);
      this.applyNow(checked.events);
      if (end === head.length) { this.queue.shift(); this.queueHead = 0; } else this.queueHead = end;
      if (performance.now() >= until) break;
    }
    return this.queue.length > 0;
  }

  private reject(n: number, why: string | undefined): void {
    this.rejected += n;
    this.firstRejection ??= why;
  }

  private applyNow(events: TraceEvent[]): void {
    let structural = false;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.ts < this.startTs) this.startTs = e.ts;
      const end = e.type === 'run' ? e.ts + e.dur : e.ts;
      if (end > this.endTs) this.endTs = end;
      switch (e.type) {
        case 'run': this.runs.push(e.ts, e.dur, e.id); break;
        case 'spawn': case 'group': structural = true; break;
        case 'settle': case 'cancel': structural = true; break; // state filters (hide settled) change rows
        case 'tally': {
          // A new tally is a new row; one whose last pending task settled (or a first pending one) changes what
          // "hide settled" shows. Otherwise only its counts change: rows redraw them in place.
          const y = this.model.tallies.get(e.id);
          if (!y || (y.pending > 0) !== (e.count - e.resolved - e.rejected - e.cancelled > 0)) structural = true;
          if (e.firstTs < this.startTs) this.startTs = e.firstTs;
          break;
        }
        case 'block': this.blockCache = undefined; this.blocksVersion++; if (e.ts + e.durationMs > this.endTs) this.endTs = e.ts + e.durationMs; break;
      }
    }
    this.model.apply(events);
    this.eventCount += events.length;
    if (structural) this.structureVersion++;
    this.dataVersion++;
  }

  task(id: number): TaskNode | undefined { return this.model.tasks.get(id); }
  tally(id: number): TallyNode | undefined { return this.model.tallies.get(id); }

  get root(): TaskNode { return this.model.root; }
  get process(): ProcessEvent | undefined { return this.model.info.process; }
  get exit(): ExitEvent | undefined { return this.model.info.exit; }
  /** Events the agent dropped to stay within its memory caps. */
  get dropped(): number { return this.model.info.dropped; }

  blocks(): Block[] {
    if (!this.blockCache) this.blockCache = this.model.blockList();
    return this.blockCache;
  }

  /** Threshold the agent used, for the legend. */
  get thresholdMs(): number | undefined { return this.process?.thresholdMs; }
}

function parseBatch(text: string): unknown {
  try { return JSON.parse(text); } catch { return undefined; }
}
