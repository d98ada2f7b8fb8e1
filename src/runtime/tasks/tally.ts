// Tallies: the tasks of a hot call site, counted instead of recorded one by one. Each call site records
// its first tasks exactly (a budget per site, refilled a little each second, so a long-running program keeps
// fresh exact samples); beyond it, its tasks and everything they spawn are counted, one Tally per (spawner, site).
// A count costs a few field stores where a record costs a record's bytes all the way to the trace: on a
// promise-heavy program that is most of the agent's cost (see bench/README.md).
import { OP_TALLY, OP_TALLY_STATE } from '../../protocol/index.ts';
import type { Task } from './task.ts';

type Push = (op: number, a: number, b: number, c: number, d: number, e: number, ts: number, f: number) => void;

export class Tally {
  declare readonly id: number;
  /** The nearest exact task the counted tasks descend from (its id is what a counted task reports as current). */
  declare readonly parentId: number;
  declare readonly parentTally: Tally | null;
  /** The exact spawner (null under a parent tally): once it settled, nothing more can be counted here. */
  declare readonly spawner: Task | null;
  declare readonly site: number;
  declare count: number;
  declare resolved: number;
  declare rejected: number;
  declare cancelled: number;
  declare runs: number;
  /** Run time of the timed runs (a sample of them, see core.ts), and how many those were. */
  declare runTicks: number;
  declare timedRuns: number;
  declare readonly firstTs: number;
  /** Tallies of what these tasks spawn (few: one per call site inside them). */
  declare kids: Tally[] | null;
  declare dirty: boolean;
  /** The reused task object its counted tasks run as (see Task.reused), made on first use. */
  declare runner: Task | null;
  /** Its tasks were seen as combinator members: each gets a task object of its own from now on. */
  declare grouped: boolean;
  /** For a tally of combinator groups followed by their result (core.ts, followResult): its reactions, made once. */
  declare onOk: (() => void) | null;
  declare onFail: (() => void) | null;
  /**
   * The async function site its tasks called last, and the tally that counts those calls: core.ts's s()
   * finds a counted call's tally here, with no search (most counted code calls the same function again).
   */
  declare callSite: number;
  declare callTally: Tally | null;
  declare callSite2: number;
  declare callTally2: Tally | null;

  constructor(id: number, parentId: number, parentTally: Tally | null, spawner: Task | null, site: number, ts: number) {
    this.id = id;
    this.parentId = parentId;
    this.parentTally = parentTally;
    this.spawner = spawner;
    this.site = site;
    this.count = 0;
    this.resolved = 0;
    this.rejected = 0;
    this.cancelled = 0;
    this.runs = 0;
    this.runTicks = 0;
    this.timedRuns = 0;
    this.firstTs = ts;
    this.kids = null;
    this.dirty = false;
    this.runner = null;
    this.grouped = false;
    this.onOk = null;
    this.onFail = null;
    this.callSite = 0;
    this.callTally = null;
    this.callSite2 = 0;
    this.callTally2 = null;
  }
}

/** Site ids fit in 22 bits for the (spawner, site) key; beyond that, sites share tallies (never seen). */
const SITE_SPACE = 4194304;

export interface TallyOptions {
  /** Exact tasks per site before counting (0: never count). */
  perSite: number;
  /** Exact tasks a site earns back per second, up to perSite. */
  perSecond: number;
  /** The task clock (ticks) and its ticks per ms. */
  ticks: () => number;
  ticksPerMs: number;
}

export class TallyBook {
  private nextId = 1;
  /** Tallies under exact spawners, by spawner id * SITE_SPACE + site. */
  private readonly byKey = new Map<number, Tally>();
  /** Per site id: the tally underTask() last gave out for it. */
  private readonly lastBySite: (Tally | undefined)[] = [];
  private readonly dirtyList: Tally[] = [];
  /** Per site id: exact tasks left in its budget (undefined: untouched, a full budget). */
  private readonly left: number[] = [];
  private readonly ticksPerSecond: number;
  /** The clock's second at the last emit(): budgets refill there, so counting reads no clock. */
  private second = 0;
  private flushes = 0;

  constructor(private readonly o: TallyOptions) {
    this.ticksPerSecond = o.ticksPerMs * 1000;
  }

  /**
   * Whether site `site` may record one more task exactly now (takes it from the budget). Budgets refill in
   * emit(), not here: V8 inlines this into the hot spawn paths, and a refill branch first taken a second
   * into a busy run deoptimized all of them (group, newTask, followResult…) for a quarter of a second.
   */
  exact(site: number): boolean {
    const perSite = this.o.perSite;
    if (perSite <= 0) return true;
    const left = this.left[site];
    if (left === undefined) { this.left[site] = perSite - 1; return true; }
    if (left > 0) { this.left[site] = left - 1; return true; }
    return false;
  }

  /** Each second, every site earns perSecond more exact tasks, up to perSite (a token bucket). */
  private refill(seconds: number): void {
    const { perSite, perSecond } = this.o;
    if (perSite <= 0 || perSecond <= 0) return;
    const earned = seconds * perSecond;
    const left = this.left;
    for (let site = 0; site < left.length; site++) {
      const n = left[site];
      if (n !== undefined && n < perSite) left[site] = Math.min(perSite, n + earned);
    }
  }

  /** The tally for tasks of `site` spawned by exact task `spawner`; counts one more. */
  underTask(spawner: Task, site: number): Tally {
    // The site's last tally is most often the one (one spawner calling the site over and over): no Map lookup.
    let t = this.lastBySite[site];
    if (t === undefined || t.spawner !== spawner) {
      const key = spawner.id * SITE_SPACE + (site % SITE_SPACE);
      t = this.byKey.get(key);
      if (t === undefined) {
        t = new Tally(this.nextId++, spawner.id, null, spawner, site, this.o.ticks());
        this.byKey.set(key, t);
      }
      this.lastBySite[site] = t;
    }
    this.spawned(t);
    return t;
  }

  /**
   * The tally for tasks of `site` spawned by counted tasks of `parent`; counts one more. A site already
   * counted on the way up (recursion, a chain of timers that re-arm each other) counts there: a chain of a
   * million hops stays a handful of tallies, not a million nested ones.
   */
  underTally(parent: Tally, site: number): Tally {
    let kids = parent.kids;
    let t: Tally | undefined;
    if (kids === null) kids = parent.kids = [];
    else for (let i = 0; i < kids.length; i++) if (kids[i]!.site === site) { t = kids[i]; break; }
    if (t === undefined) {
      for (let up: Tally | null = parent; up !== null; up = up.parentTally) {
        if (up.site === site) { this.spawned(up); return up; }
      }
      t = new Tally(this.nextId++, parent.parentId, parent, null, site, this.o.ticks());
      kids.push(t);
    }
    this.spawned(t);
    return t;
  }

  private spawned(t: Tally): void {
    t.count++;
    this.touch(t);
  }

  touch(t: Tally): void {
    if (!t.dirty) { t.dirty = true; this.dirtyList.push(t); }
  }

  /**
   * Writes every tally that changed since the last call (cumulative counts: two records each). A parent
   * tally became dirty before its kids, so it is always announced first. ms(): ticks → ms.
   */
  emit(push: Push, ms: (ticks: number) => number, nowTicks: number): void {
    const second = Math.floor(nowTicks / this.ticksPerSecond);
    if (second > this.second) this.refill(second - this.second);
    this.second = second;
    const list = this.dirtyList;
    if (list.length === 0) return;
    const now = ms(nowTicks);
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      t.dirty = false;
      push(OP_TALLY, t.id, t.parentId, t.site, t.parentTally === null ? 0 : t.parentTally.id, t.count, now, ms(t.firstTs));
      // Run time scaled up from the timed runs to all of them.
      const runTicks = t.timedRuns > 0 ? (t.runTicks * t.runs) / t.timedRuns : 0;
      push(OP_TALLY_STATE, t.id, t.resolved, t.rejected, t.cancelled, ms(runTicks), now, t.runs);
    }
    list.length = 0;
    // Now and then, forget the lookup entries of spawners that settled: they spawn nothing more.
    if (++this.flushes % 20 === 0) {
      for (const [key, t] of this.byKey) if (t.spawner !== null && t.spawner.settled) this.byKey.delete(key);
      this.lastBySite.length = 0;
    }
  }
}
