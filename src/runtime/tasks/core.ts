/* eslint-disable @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// The task runtime the transformed code calls (globalThis.__loopscope.s/w/r/e/x/k/fa) and the patched
// APIs use. Everything on the hot path (one async call = s + e, one await = w + r) is a few field
// stores, no Map lookups, no stack capture, a coarse clock read.
import { OP_AWAIT, OP_CANCEL, OP_MEMBER, OP_RUN, OP_SETTLE, OP_SPAWN } from '../../protocol/index.ts';
import { SHARED_CURRENT_TASK, type RecordSink } from '../contracts.ts';
import { TICKS_PER_MS } from './clock.ts';
import { Recorder } from './recorder.ts';
import { Sites, spawnKind, type SiteTable, type SpawnKind } from './sites.ts';
import { TallyBook, type Tally } from './tally.ts';
import { Task } from './task.ts';

export interface CoreOptions {
  sink: RecordSink;
  shared: Float64Array;
  taskCap: number;
  runMinMs: number;
  /** The clock, in integer ticks (TICKS_PER_MS per ms): task objects then hold small integers. */
  ticks: () => number;
  /** Exact tasks per call site before its tasks are counted in tallies (0: every task exact), and its refill per second. */
  exactPerSite: number;
  exactPerSecond: number;
}

/** Most just-returned children remembered per slice: beyond it the list restarts (pairing is best effort). */
const JUST_RETURNED_CAP = 256;

/** Unawaited children remembered per task (pairing later awaits with them is best effort). */
const KIDS_CAP = 32;

export const GROUP_ALL = 1;
export const GROUP_ALL_SETTLED = 2;
export const GROUP_RACE = 3;
export const GROUP_ANY = 4;

export type TaskCore = ReturnType<typeof createTaskCore>;

export function createTaskCore(o: CoreOptions) {
  const rec = new Recorder(o.sink);
  const sites = new Sites((msg) => o.sink.control(msg));
  const shared = o.shared;
  const cap = o.taskCap;
  const runMin = o.runMinMs * TICKS_PER_MS;
  const now = o.ticks;
  const precise = o.ticks;
  const ms = (ticks: number): number => ticks / TICKS_PER_MS;
  /** Global site ids already announced as async functions (fast path of s()). */
  const asyncSent: Uint8Array[] = [];
  const asyncSiteSent = (sid: number): boolean => {
    const page = asyncSent[sid >> 12];
    return page !== undefined && page[sid & 4095] === 1;
  };
  const markAsyncSent = (sid: number): void => {
    let page = asyncSent[sid >> 12];
    if (page === undefined) { page = new Uint8Array(4096); asyncSent[sid >> 12] = page; }
    page[sid & 4095] = 1;
  };

  const root = new Task(0, 0, true);
  root.first = false;
  root.prev = root;
  let cur: Task = root;
  let nextId = 1;
  let live = 0;
  let droppedTasks = 0;
  let enabled = true;
  const jr: Task[] = [];
  let jrLen = 0;
  /** Call-site slot: set by k() right before a tracked API call, read (and cleared) by the patched API. */
  let slotTable: SiteTable | null = null;
  let slotIndex = 0;
  /** Promises we can name: combinator results, wrapped API results, members paired with their task. */
  const tagged = new WeakMap<object, Task>();

  const setCurrent = (t: Task): void => { cur = t; shared[SHARED_CURRENT_TASK] = t.id; };
  const tallies = new TallyBook({ perSite: o.exactPerSite, perSecond: o.exactPerSecond, ticks: now, ticksPerMs: TICKS_PER_MS });

  /**
   * A counted task: transparent like an untracked one (its id is its nearest exact ancestor's), counted in
   * `tl`. With `reuse`, the tally's one reused task object (see spawnCallback).
   */
  const counted = (parent: Task, tl: Tally, reuse: boolean): Task => {
    if (reuse && tl.runner !== null) return tl.runner;
    const t = new Task(parent.id, parent.id, false);
    t.tally = tl;
    if (reuse) { t.reused = true; tl.runner = t; }
    return t;
  };

  /**
   * A task of (used) site `site` spawned by `parent`: counted when the parent is counted or the site is past
   * its budget, undefined when it is to be recorded exactly.
   */
  const countedChild = (parent: Task, site: number, ts: number, reuse: boolean): Task | undefined => {
    const ptl = parent.tally;
    if (ptl !== null) return counted(parent, tallies.underTally(ptl, site, ts), reuse);
    if (tallies.exact(site)) return undefined;
    return counted(parent, tallies.underTask(parent, site, ts), reuse);
  };

  /** The end of a counted task's slice or callback run. */
  const countRun = (tl: Tally, t: Task, ts: number): void => {
    tl.runs++;
    tl.runTicks += ts - t.start;
    tallies.touch(tl);
  };

  const ASYNC_FUNCTION = spawnKind('async-function', undefined);
  const newTask = (parent: Task, sid: number, k: SpawnKind, ts: number, reuse = false): Task => {
    if (!enabled) return new Task(parent.id, parent.id, false);
    const site = sites.use(sid, k);
    const c = countedChild(parent, site, ts, reuse);
    if (c !== undefined) return c;
    if (live >= cap) {
      droppedTasks++;
      return new Task(parent.id, parent.id, false);
    }
    const t = new Task(nextId++, parent.id, true);
    live++;
    rec.push(OP_SPAWN, t.id, parent.id, site, 0, 0, ms(ts));
    return t;
  };

  const pushJustReturned = (t: Task): void => {
    if (jrLen >= JUST_RETURNED_CAP) jrLen = 0;
    jr[jrLen++] = t;
  };

  /** Children of t that returned in the slice now ending and were not awaited in it: they may be awaited later. */
  const keepKids = (t: Task): void => {
    for (let i = t.mark; i < jrLen; i++) {
      const c = jr[i]!;
      if (c.parentId !== t.id) continue;
      const kids = (t.kids ??= []);
      if (kids.length < KIDS_CAP) kids.push(c);
    }
  };

  /** Ends `t`'s current slice at `ts`. */
  const endSlice = (t: Task, ts: number): void => {
    const d = ts - t.start;
    t.runs++;
    t.runMs += d;
    if (d >= runMin) rec.push(OP_RUN, t.id, ms(d), 0, 0, 0, ms(t.start));
  };

  const settle = (t: Task, rejected: boolean, ts: number): void => {
    if (t.settled) return;
    if (!t.reused) t.settled = true;
    if (t.tracked) {
      live--;
      const state = rejected ? 2 : 1;
      // Most tasks of a busy program settle in their first slice having recorded nothing: one record, not two.
      if (t.runs !== 1 || t.awaits !== 0 || !rec.settleSpawn(t.id, state, ms(t.runMs), ms(ts))) {
        rec.push(OP_SETTLE, t.id, state, t.runs, ms(t.runMs), t.awaits, ms(ts));
      }
    } else {
      const tl = t.tally;
      if (tl === null) return;
      if (rejected) tl.rejected++; else tl.resolved++;
      tallies.touch(tl);
    }
    const groups = t.groups;
    if (groups !== null) notifyGroups(groups, rejected, ts);
  };

  const cancel = (t: Task, code: number): void => {
    if (t.settled) return;
    if (!t.reused) {
      t.settled = true;
      t.err = true; // a combinator sees a cancelled member as rejected
    }
    if (t.tracked) {
      live--;
      rec.push(OP_CANCEL, t.id, code, 0, 0, 0, ms(precise()));
    } else {
      const tl = t.tally;
      if (tl === null) return;
      tl.cancelled++;
      tallies.touch(tl);
    }
    const groups = t.groups;
    if (groups !== null) notifyGroups(groups, true, precise());
  };

  const notifyGroups = (groups: Task | Task[], rejected: boolean, ts: number): void => {
    if (!Array.isArray(groups)) { memberSettled(groups, rejected, ts); return; }
    for (let i = 0; i < groups.length; i++) memberSettled(groups[i]!, rejected, ts);
  };

  /** A member of group `g` settled: the group settles as its combinator would. */
  const memberSettled = (g: Task, rejected: boolean, ts: number): void => {
    if (g.settled) return;
    g.pending--;
    switch (g.mode) {
      case GROUP_ALL: if (rejected) settle(g, true, ts); else if (g.pending <= 0) settle(g, false, ts); break;
      case GROUP_ALL_SETTLED: if (g.pending <= 0) settle(g, false, ts); break;
      case GROUP_RACE: settle(g, rejected, ts); break;
      case GROUP_ANY: if (!rejected) settle(g, false, ts); else if (g.pending <= 0) settle(g, true, ts); break;
    }
  };

  // ---- The calls the transformed code makes ----

  /** Async function entry: a new task, current from now until its first await. */
  const s = (tbl: SiteTable, n: number): Task => {
    const ts = now();
    const parent = cur;
    slotTable = null;
    let t: Task | undefined;
    if (!enabled) {
      t = new Task(parent.id, parent.id, false);
    } else {
      const b = tbl.$lsBase;
      const sid = (b === undefined ? sites.base(tbl) : b) + n;
      if (!asyncSiteSent(sid)) { sites.use(sid, ASYNC_FUNCTION); markAsyncSent(sid); }
      t = countedChild(parent, sid, ts, false);
      if (t !== undefined) {
        // counted
      } else if (live >= cap) {
        droppedTasks++;
        t = new Task(parent.id, parent.id, false);
      } else {
        t = new Task(nextId++, parent.id, true);
        live++;
        rec.push(OP_SPAWN, t.id, parent.id, sid, 0, 0, ms(ts));
      }
    }
    t.prev = parent;
    t.mark = jrLen;
    t.start = ts;
    setCurrent(t);
    return t;
  };

  /**
   * Before `await x`: the slice ends; returns x unchanged. `how` (from the transform): undefined when x is
   * a call's result (the child that just returned), 1 a variable (that child, or one kept from an earlier
   * slice), 0 anything else (only a promise we named).
   */
  const w = (t: Task, x: unknown, how?: number): unknown => {
    const ts = now();
    slotTable = null;
    if (t.tracked && enabled) {
      endSlice(t, ts);
      t.awaits++;
      let on: Task | undefined;
      if (typeof x === 'object' && x !== null) {
        // A promise we made or named (combinator, timer, I/O); else the child that just returned in this
        // slice is what `await child()` awaits.
        on = tagged.get(x);
        if (on === undefined && how !== 0 && x instanceof Promise) {
          if (jrLen > t.mark && jr[jrLen - 1]!.parentId === t.id) on = jr[--jrLen];
          else if (how === 1 && t.kids !== null && t.kids.length > 0) on = t.kids.shift();
        }
      }
      if (jrLen > t.mark) keepKids(t);
      // Awaiting a task that already settled (an async function that never awaited) is not a wait.
      if (on !== undefined && on.tracked && !on.settled) rec.push(OP_AWAIT, t.id, on.id, 0, 0, 0, ms(ts));
    } else if (t.tally !== null) {
      countRun(t.tally, t, ts);
    }
    jrLen = t.mark;
    if (t.first) { t.first = false; pushJustReturned(t); }
    const p = t.prev!;
    setCurrent(p);
    return x;
  };

  /** After `await` resumes: a new slice of t begins; returns the awaited value unchanged. */
  const r = (t: Task, v: unknown): unknown => {
    t.start = now();
    slotTable = null;
    t.prev = cur;
    t.mark = jrLen;
    setCurrent(t);
    return v;
  };

  /**
   * A catch or finally block of t runs: when an await threw to get there, r() never ran, so t is not
   * current yet (its slice starts now). Otherwise nothing to do.
   */
  const c = (t: Task): void => { if (cur !== t) r(t, undefined); };

  /** The async function's body threw (its promise rejects); maybe from an await, like c(). */
  const x = (t: Task): void => { if (cur !== t) r(t, undefined); t.err = true; };

  /** The async function's body finished (finally): last slice ends, the task settles. */
  const e = (t: Task): void => {
    const ts = now();
    slotTable = null;
    if (t.tracked && enabled) {
      endSlice(t, ts);
      settle(t, t.err, ts);
    } else if (t.tally !== null) {
      countRun(t.tally, t, ts);
      settle(t, t.err, ts);
    }
    jrLen = t.mark;
    if (t.first) { t.first = false; pushJustReturned(t); }
    setCurrent(t.prev!);
  };

  /** Sets the call-site slot; returns the last argument of the call unchanged. */
  const k = (v: unknown, tbl: SiteTable, n: number): unknown => {
    slotTable = tbl;
    slotIndex = n;
    return v;
  };

  /** for await: each next()/return() of the iterator ends a slice (the loop then awaits). */
  const fa = (t: Task, iterable: any): unknown => {
    try {
      if (iterable === null || iterable === undefined) return iterable;
      const asyncGet = iterable[Symbol.asyncIterator];
      const isAsync = asyncGet !== null && asyncGet !== undefined;
      const get = isAsync ? asyncGet : iterable[Symbol.iterator];
      if (typeof get !== 'function') return iterable;
      const wrapIterator = (): any => {
        const it = get.call(iterable);
        if (it === null || typeof it !== 'object') return it;
        const out: any = { next: (...a: unknown[]) => { w(t, undefined); return it.next(...a); } };
        if (typeof it.return === 'function') out.return = (...a: unknown[]) => { w(t, undefined); return it.return(...a); };
        if (typeof it.throw === 'function') out.throw = (...a: unknown[]) => it.throw(...a);
        return out;
      };
      return isAsync ? { [Symbol.asyncIterator]: wrapIterator } : { [Symbol.iterator]: wrapIterator };
    } catch {
      return iterable;
    }
  };

  // ---- What the patched APIs use ----

  /** The global site id set by k() for the call being made now (0 when none), and clears the slot. */
  const takeSite = (): number => {
    const tbl = slotTable;
    if (tbl === null) return 0;
    slotTable = null;
    const b = tbl.$lsBase;
    return (b === undefined ? sites.base(tbl) : b) + slotIndex;
  };

  /** A task spawned by an API call (timer, I/O, then, group) from the current task. */
  const spawn = (k: SpawnKind, sid: number): Task => newTask(cur, sid, k, precise());

  /**
   * Like spawn, for callbacks that never run inside one another (timers): a counted one comes back as its
   * tally's reused task object (Task.reused) instead of a new one per call. The caller must make sure a
   * reused task is settled or cancelled once per callback (not by its own flag, which it never sets).
   */
  const spawnCallback = (k: SpawnKind, sid: number): Task => newTask(cur, sid, k, precise(), true);

  /** A callback of task t starts running (one slice); returns the task to restore with leave(). */
  const enter = (t: Task): Task => {
    const prev = cur;
    t.mark = jrLen;
    slotTable = null;
    t.start = now();
    setCurrent(t);
    return prev;
  };

  /** The callback of t that enter() began has returned (or thrown). */
  const leave = (t: Task, prev: Task): void => {
    if (t.tracked && enabled) endSlice(t, now());
    else if (t.tally !== null) countRun(t.tally, t, now());
    jrLen = t.mark;
    setCurrent(prev);
  };

  /** Runs a callback as task t (one slice). */
  const run = (t: Task, fn: Function, self: unknown, args: ArrayLike<unknown>): unknown => {
    const prev = enter(t);
    let ok = false;
    try {
      const out = Reflect.apply(fn, self, args);
      ok = true;
      return out;
    } finally {
      // No catch-and-rethrow: an uncaught error must still point at the user's throw, not at us.
      if (!ok) t.err = true;
      leave(t, prev);
    }
  };

  /** Runs fn with `t` as the current task, recording nothing (propagation into untracked callbacks). */
  const runAs = (t: Task, fn: Function, self: unknown, args: ArrayLike<unknown>): unknown => {
    const prev = cur;
    setCurrent(t);
    try { return Reflect.apply(fn, self, args); } finally { setCurrent(prev); }
  };

  /** A combinator group over `members` (the array given to Promise.all & co.). */
  const group = (k: SpawnKind, sid: number, mode: number, members: unknown[], then: Function): Task => {
    const g = newTask(cur, sid, k, precise());
    // A counted group still follows its members, to count it settled when the combinator would.
    if (!g.tracked && g.tally === null) return g;
    g.mode = mode;
    const ts = precise();
    const n = members.length;
    // Children that just returned in this slice, oldest first, matched to untagged native promises in order.
    let firstJr = jrLen;
    let untagged = 0;
    for (let i = 0; i < n; i++) {
      const m = members[i];
      if (m instanceof Promise && !tagged.has(m)) untagged++;
    }
    while (firstJr > cur.mark && jrLen - firstJr < untagged && jr[firstJr - 1]!.parentId === cur.id) firstJr--;
    let pairAt = firstJr;
    const pairedUntil = jrLen;
    // Children called in this slice are the last untagged members (`Promise.all([p, f(), g()])`); earlier
    // ones pair with children kept from earlier slices.
    let fromKids = untagged - (pairedUntil - firstJr);
    let pending = 0;
    let resolvedNow = 0;
    let rejectedNow = 0;
    let firstNow = 0; // 1 resolved, 2 rejected: the first member (in order) already settled, for race
    for (let i = 0; i < n; i++) {
      const m = members[i];
      let mt: Task | undefined;
      let settledNow = 0; // 1 resolved, 2 rejected: known already
      if (m !== null && (typeof m === 'object' || typeof m === 'function')) {
        mt = tagged.get(m as object);
        if (mt === undefined && m instanceof Promise) {
          if (fromKids > 0) { fromKids--; if (cur.kids !== null && cur.kids.length > 0) mt = cur.kids.shift(); }
          else if (pairAt < pairedUntil) mt = jr[pairAt++]!;
        }
      }
      if (mt !== undefined && (mt.tracked || mt.tally !== null)) {
        if (g.tracked && mt.tracked) rec.push(OP_MEMBER, g.id, mt.id, 0, 0, 0, ms(ts));
        if (mt.settled) {
          settledNow = mt.err ? 2 : 1;
        } else {
          pending++;
          const had = mt.groups;
          mt.groups = had === null ? g : Array.isArray(had) ? [...had, g] : [had, g];
        }
      } else if (m instanceof Promise) {
        // A promise we cannot name: watch it directly (the combinator already marked it handled, so a
        // reaction of ours changes nothing the program can see).
        pending++;
        then.call(m, () => memberSettled(g, false, precise()), () => memberSettled(g, true, precise()));
      } else {
        settledNow = 1; // a plain value (or a thenable we do not follow): counts as resolved
      }
      if (settledNow !== 0) {
        if (settledNow === 2) rejectedNow++; else resolvedNow++;
        if (firstNow === 0) firstNow = settledNow;
      }
    }
    jrLen = firstJr;
    g.pending = pending;
    switch (mode) {
      case GROUP_ALL: if (rejectedNow > 0) settle(g, true, ts); else if (pending === 0) settle(g, false, ts); break;
      case GROUP_ALL_SETTLED: if (pending === 0) settle(g, false, ts); break;
      case GROUP_RACE: if (firstNow !== 0) settle(g, firstNow === 2, ts); break;
      case GROUP_ANY: if (resolvedNow > 0) settle(g, false, ts); else if (pending === 0) settle(g, true, ts); break;
    }
    return g;
  };

  const tag = (p: object, t: Task): void => { if (t.tracked) tagged.set(p, t); };
  const current = (): Task => cur;

  return {
    // transformed code
    s, w, r, c, x, e, k, fa,
    R: root,
    // patches
    takeSite, spawn, spawnCallback, enter, leave, run, runAs, group, settle, cancel, tag, current, precise,
    get enabled() { return enabled; },
    disable(): void { enabled = false; },
    flush(): void {
      tallies.emit((op, a, b, c, d, e, ts, f) => rec.push8(op, a, b, c, d, e, ts, f), ms, now());
      rec.flush();
      if (droppedTasks > 0) {
        const n = droppedTasks;
        droppedTasks = 0;
        try { o.sink.dropped(n, `task cap (${cap} live tasks) reached`); } catch { /* never throws */ }
      }
    },
    stats: () => ({ live, nextId }),
  };
}
