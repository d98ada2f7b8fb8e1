/* eslint-disable @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// The task runtime the transformed code calls (globalThis.__loopscope.s/w/r/e/x/k/fa) and the patched
// APIs use. Everything on the hot path (one async call = s + e, one await = w + r) is a few field
// stores, no Map lookups, no stack capture; a counted task reads no clock unless its slice is sampled.
import { OP_AWAIT, OP_CANCEL, OP_MEMBER, OP_RUN, OP_SETTLE, OP_SPAWN } from '../../protocol/index.ts';
import { SHARED_BUILTIN_BEAT, SHARED_BUILTIN_SITE, SHARED_CURRENT_TALLY, SHARED_CURRENT_TASK, SHARED_HEARTBEAT, SHARED_TURNS, type RecordSink } from '../contracts.ts';
import { TICKS_PER_MS } from './clock.ts';
import { Recorder } from './recorder.ts';
import { Sites, SiteSet, spawnKind, type SiteTable, type SpawnKind } from './sites.ts';
import { TallyBook, type Tally } from './tally.ts';
import { Task } from './task.ts';

export interface CoreOptions {
  sink: RecordSink;
  shared: Float64Array;
  taskCap: number;
  runMinMs: number;
  /** The clock, in integer ticks (TICKS_PER_MS per ms): task objects then hold small integers. Read rarely (clock.ts). */
  ticks: () => number;
  /** Exact tasks per call site before its tasks are counted in tallies (0: every task exact), and its refill per second. */
  exactPerSite: number;
  exactPerSecond: number;
}

/** Most just-returned children remembered per slice: beyond it the list restarts (pairing is best effort). */
const JUST_RETURNED_CAP = 256;

/** Unawaited children remembered per task (pairing later awaits with them is best effort). */
const KIDS_CAP = 32;

/** Open slices beyond this are a broken nesting (a slice begun and never ended): the stack starts over. */
const MAX_DEPTH = 100_000;

/**
 * Counted tasks' slices are timed one in 64, at random gaps (a fixed stride could always pick the same slice
 * of a request): their tally's run time is scaled up from those. A clock read costs ~0.3 µs here (perf on the
 * HTTP bench: one in 16 was 0.5% of its main thread); a tally counts hundreds of slices a second.
 */

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
  const clock = o.ticks;
  const ms = (ticks: number): number => ticks / TICKS_PER_MS;
  /** Global site ids already announced as async functions (fast path of s()). */
  const asyncSent = new SiteSet();
  /** Marked builtin call sites whose location the watchdog was given (m()). */
  const builtinSent = new SiteSet();

  const root = new Task(0, 0, true);
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
  /** The call whose site takeSite() read last is a combinator whose result the code around it awaits or returns (transform.ts). */
  let siteHandled = false;
  /** Promises we can name: combinator results, wrapped API results, members paired with their task. */
  const tagged = new WeakMap<object, Task>();

  const setCurrent = (t: Task): void => { cur = t; shared[SHARED_CURRENT_TASK] = t.id; shared[SHARED_CURRENT_TALLY] = t.tallyId; };

  // ---- The slice stack ----
  // A slice begins when a task's code starts running (s: its call, r: a resume after an await, enter: a
  // callback) and ends when it stops (w: an await, e: its return, leave). Slices nest exactly as the JS
  // stack does, so what a slice must restore when it ends (the task that was current, the just-returned
  // list's length) and its start time live here, one entry per open slice, not on the task: a counted
  // async call can then run as its tally's one shared task object (a task object per call was a quarter
  // of the promise-heavy workload's time, in the garbage collector).
  const stTask: Task[] = [];
  const stPrev: Task[] = [];
  /** jrLen when the slice began * 2, + 1 when it is the task's first slice (it returns to its caller at the end). */
  const stMark: number[] = [];
  const stStart: number[] = [];
  let depth = 0;

  const begin = (t: Task, first: number, ts: number): void => {
    let d = depth;
    if (d >= MAX_DEPTH) d = 0;
    depth = d + 1;
    stTask[d] = t;
    stPrev[d] = cur;
    stMark[d] = jrLen * 2 + first;
    stStart[d] = ts;
    setCurrent(t);
  };

  /**
   * The stack index of t's open slice: the top one, unless a slice above it was never ended (defensive: a
   * few entries down are searched, and those above are dropped when it ends). -1: t has no open slice.
   */
  const openSlice = (t: Task): number => {
    const top = depth - 1;
    if (top >= 0 && stTask[top] === t) return top;
    for (let d = top - 1; d >= 0 && d >= top - 8; d--) if (stTask[d] === t) return d;
    return -1;
  };

  /** Ends the slice at stack index d (from openSlice, ≥ 0): the task that was current before it runs again. */
  const pop = (t: Task, d: number): void => {
    jrLen = stMark[d]! >> 1;
    if ((stMark[d]! & 1) !== 0) pushJustReturned(t);
    depth = d;
    setCurrent(stPrev[d]!);
  };

  /** The just-returned list's length when the current task's slice began (0 when it has none open: root). */
  const curMark = (): number => (depth > 0 && stTask[depth - 1] === cur ? stMark[depth - 1]! >> 1 : 0);
  const tallies = new TallyBook({ perSite: o.exactPerSite, perSecond: o.exactPerSecond, ticks: clock, ticksPerMs: TICKS_PER_MS });
  let seed = 1;
  /** Counted slices until the next timed one: a random gap, 64 on average (1 + 0..126). */
  let untilTimed = 1;
  /** The clock, and the next gap drawn: a timed counted slice's start. */
  const timedStart = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    untilTimed = 1 + ((seed >>> 16) % 127);
    return clock();
  };
  /** A counted slice's start: the time when it is one of the timed ones, else -1. */
  const sampleStart = (): number => (--untilTimed === 0 ? timedStart() : -1);
  /** When a slice of t begins now: exact tasks are always timed. */
  const startOf = (t: Task): number => (t.tracked ? clock() : sampleStart());

  /**
   * A counted task: transparent like an untracked one (its id is its nearest exact ancestor's), counted in
   * `tl`. With `reuse`, the tally's one reused task object (Task.reused), unless the tally's tasks are
   * combinator members: a member needs an object of its own to tell its group when it settles (following
   * its promise instead costs a reaction per member, more than the object).
   */
  const counted = (parent: Task, tl: Tally, reuse: boolean): Task => {
    if (reuse && !tl.grouped) {
      if (tl.runner !== null) return tl.runner;
      const t = new Task(parent.id, parent.id, false);
      t.tally = tl;
      t.tallyId = tl.id;
      t.reused = true;
      tl.runner = t;
      return t;
    }
    const t = new Task(parent.id, parent.id, false);
    t.tally = tl;
    t.tallyId = tl.id;
    return t;
  };

  /**
   * A task of (used) site `site` spawned by `parent`: counted when the parent is counted or the site is past
   * its budget, undefined when it is to be recorded exactly.
   */
  const countedChild = (parent: Task, site: number, reuse: boolean): Task | undefined => {
    const ptl = parent.tally;
    if (ptl !== null) return counted(parent, tallies.underTally(ptl, site), reuse);
    if (tallies.exact(site)) return undefined;
    return counted(parent, tallies.underTask(parent, site), reuse);
  };

  /** The end of a counted task's slice or callback run that began at `start` (-1: not timed). */
  const countRun = (tl: Tally, start: number): void => {
    tl.runs++;
    if (start >= 0) {
      tl.runTicks += clock() - start;
      tl.timedRuns++;
    }
    tallies.touch(tl);
  };

  const ASYNC_FUNCTION = spawnKind('async-function', undefined);
  const newTask = (parent: Task, sid: number, k: SpawnKind, reuse = false): Task => {
    if (!enabled) return new Task(parent.id, parent.id, false);
    const site = sites.use(sid, k);
    const c = countedChild(parent, site, reuse);
    if (c !== undefined) return c;
    if (live >= cap) {
      droppedTasks++;
      return new Task(parent.id, parent.id, false);
    }
    const t = new Task(nextId++, parent.id, true);
    live++;
    rec.push(OP_SPAWN, t.id, parent.id, site, 0, 0, ms(clock()));
    return t;
  };

  const pushJustReturned = (t: Task): void => {
    if (jrLen >= JUST_RETURNED_CAP) jrLen = 0;
    jr[jrLen++] = t;
  };

  /** Children of t that returned in the slice now ending (since `mark`) and were not awaited in it: they may be awaited later. */
  const keepKids = (t: Task, mark: number): void => {
    for (let i = mark; i < jrLen; i++) {
      const c = jr[i]!;
      if (c.parentId !== t.id) continue;
      const kids = (t.kids ??= []);
      if (kids.length < KIDS_CAP) kids.push(c);
    }
  };

  /** Ends `t`'s current slice, begun at `start`, at `ts`. */
  const endSlice = (t: Task, start: number, ts: number): void => {
    const d = ts - start;
    t.runs++;
    t.runMs += d;
    if (d >= runMin) rec.push(OP_RUN, t.id, ms(d), 0, 0, 0, ms(start));
  };

  /** t settled (at `ts`; -1: now, read only if it is needed). */
  const settle = (t: Task, rejected: boolean, ts = -1): void => {
    if (t.settled) return;
    if (!t.reused) t.settled = true;
    if (t.tracked) {
      live--;
      const state = rejected ? 2 : 1;
      const at = ms(ts >= 0 ? ts : clock());
      // Most tasks of a busy program settle in their first slice having recorded nothing: one record, not two.
      if (t.runs !== 1 || t.awaits !== 0 || !rec.settleSpawn(t.id, state, ms(t.runMs), at)) {
        rec.push(OP_SETTLE, t.id, state, t.runs, ms(t.runMs), t.awaits, at);
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
      rec.push(OP_CANCEL, t.id, code, 0, 0, 0, ms(clock()));
    } else {
      const tl = t.tally;
      if (tl === null) return;
      tl.cancelled++;
      tallies.touch(tl);
    }
    const groups = t.groups;
    if (groups !== null) notifyGroups(groups, true, -1);
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

  // s, w and e have a fast path for a counted call (its tally's reused task object, see counted()), the
  // most common case in a busy program, small enough that V8 inlines it into the user's function together
  // with the user's own callees; everything else is in sSlow/wSlow/eSlow, which V8 does not inline where
  // they are rarely taken. Each fast path does exactly what the slow one would for that case.

  /** countRun() and pop() for a counted slice at the top of the stack, written out (see above). */
  const endCounted = (t: Task, tl: Tally, top: number): void => {
    tl.runs++;
    const start = stStart[top]!;
    if (start >= 0) {
      tl.runTicks += clock() - start;
      tl.timedRuns++;
    }
    if (!tl.dirty) tallies.touch(tl);
    const m = stMark[top]!;
    let j = m >> 1;
    if ((m & 1) !== 0) {
      if (j >= JUST_RETURNED_CAP) j = 0;
      jr[j++] = t;
    }
    jrLen = j;
    depth = top;
    const p = stPrev[top]!;
    cur = p;
    shared[SHARED_CURRENT_TASK] = p.id;
    shared[SHARED_CURRENT_TALLY] = p.tallyId;
  };

  /** Async function entry: a new task, current from now until its first await. */
  const s = (tbl: SiteTable, n: number): Task => {
    slotTable = null;
    const ptl = cur.tally;
    if (ptl !== null && enabled) {
      // Called from counted code: counted too, in the tally this parent tally used for the site last time.
      const b = tbl.$lsBase;
      const sid = b === undefined ? -1 : b + n;
      const tl = ptl.callSite === sid ? ptl.callTally : ptl.callSite2 === sid ? ptl.callTally2 : null;
      const t = tl !== null && !tl.grouped ? tl.runner : null;
      const d = depth;
      if (t !== null && d < MAX_DEPTH) {
        tl!.count++;
        if (!tl!.dirty) tallies.touch(tl!);
        // begin(), written out: V8 would count it against the inlining budget of the user's function anyway.
        depth = d + 1;
        stTask[d] = t;
        stPrev[d] = cur;
        stMark[d] = jrLen * 2 + 1;
        stStart[d] = --untilTimed === 0 ? timedStart() : -1;
        cur = t;
        shared[SHARED_CURRENT_TASK] = t.id;
        shared[SHARED_CURRENT_TALLY] = t.tallyId;
        return t;
      }
    }
    return sSlow(tbl, n);
  };

  const sSlow = (tbl: SiteTable, n: number): Task => {
    const parent = cur;
    let t: Task | undefined;
    if (!enabled) {
      t = new Task(parent.id, parent.id, false);
    } else {
      const b = tbl.$lsBase;
      const sid = (b === undefined ? sites.base(tbl) : b) + n;
      if (!asyncSent.has(sid)) { sites.use(sid, ASYNC_FUNCTION); asyncSent.add(sid); }
      // A counted call runs as its tally's shared task object: nothing is allocated per call.
      t = countedChild(parent, sid, true);
      if (t !== undefined) {
        const ptl = parent.tally;
        if (ptl !== null && t.reused) {
          // s()'s fast path next time (two sites: a function often calls two others in turn).
          ptl.callSite2 = ptl.callSite;
          ptl.callTally2 = ptl.callTally;
          ptl.callSite = sid;
          ptl.callTally = t.tally;
        }
      } else if (live >= cap) {
        droppedTasks++;
        t = new Task(parent.id, parent.id, false);
      } else {
        const ts = clock();
        t = new Task(nextId++, parent.id, true);
        live++;
        rec.push(OP_SPAWN, t.id, parent.id, sid, 0, 0, ms(ts));
        begin(t, 1, ts);
        return t;
      }
    }
    begin(t, 1, sampleStart());
    return t;
  };

  /**
   * Before `await x`: the slice ends; returns x unchanged. `how` (from the transform): undefined when x is
   * a call's result (the child that just returned), 1 a variable (that child, or one kept from an earlier
   * slice), 0 anything else (only a promise we named).
   */
  const w = (t: Task, x: unknown, how?: number): unknown => {
    slotTable = null;
    const top = depth - 1;
    if (t.reused && top >= 0 && stTask[top] === t) {
      endCounted(t, t.tally!, top);
      return x;
    }
    return wSlow(t, x, how);
  };

  const wSlow = (t: Task, x: unknown, how?: number): unknown => {
    const d = openSlice(t);
    // No open slice: only root's first one (the main module's evaluation, from time 0) or a broken nesting.
    const mark = d >= 0 ? stMark[d]! >> 1 : t === root ? 0 : jrLen;
    if (t.tracked && enabled) {
      const ts = clock();
      endSlice(t, d >= 0 ? stStart[d]! : t === root ? 0 : ts, ts);
      t.awaits++;
      let on: Task | undefined;
      if (typeof x === 'object' && x !== null) {
        // A promise we made or named (combinator, timer, I/O); else the child that just returned in this
        // slice is what `await child()` awaits.
        on = tagged.get(x);
        if (on === undefined && how !== 0 && x instanceof Promise) {
          if (jrLen > mark && jr[jrLen - 1]!.parentId === t.id) on = jr[--jrLen];
          else if (how === 1 && t.kids !== null && t.kids.length > 0) on = t.kids.shift();
        }
      }
      if (jrLen > mark) keepKids(t, mark);
      // Awaiting a task that already settled (an async function that never awaited) is not a wait.
      if (on !== undefined && on.tracked && !on.settled) rec.push(OP_AWAIT, t.id, on.id, 0, 0, 0, ms(ts));
    } else if (t.tally !== null) {
      countRun(t.tally, d >= 0 ? stStart[d]! : -1);
    }
    if (d >= 0) pop(t, d);
    else jrLen = mark;
    return x;
  };

  /** After `await` resumes: a new slice of t begins; returns the awaited value unchanged. */
  const r = (t: Task, v: unknown): unknown => {
    slotTable = null;
    // Already current: its slice is open (a for-await loop left without return(), a catch after c()).
    // Root is current between its top-level awaits too, and gets a slice of its own for each.
    if (cur !== t || t === root) {
      const d = depth;
      if (t.reused && d < MAX_DEPTH) {
        // begin() for a counted slice, written out (see s()).
        depth = d + 1;
        stTask[d] = t;
        stPrev[d] = cur;
        stMark[d] = jrLen * 2;
        stStart[d] = --untilTimed === 0 ? timedStart() : -1;
        cur = t;
        shared[SHARED_CURRENT_TASK] = t.id;
        shared[SHARED_CURRENT_TALLY] = t.tallyId;
      } else {
        begin(t, 0, startOf(t));
      }
      // One more turn: the watchdog tells a stall (many short turns) from one long callback by this count.
      shared[SHARED_TURNS]++;
    }
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
    slotTable = null;
    const top = depth - 1;
    if (t.reused && top >= 0 && stTask[top] === t) {
      // A reused task is never settled itself nor a group member (see Task.reused): settle() would only count.
      const tl = t.tally!;
      if (t.err) { tl.rejected++; t.err = false; } else tl.resolved++;
      endCounted(t, tl, top);
      return;
    }
    eSlow(t);
  };

  const eSlow = (t: Task): void => {
    const d = openSlice(t);
    if (t.tracked && enabled) {
      const ts = clock();
      if (d >= 0) endSlice(t, stStart[d]!, ts);
      settle(t, t.err, ts);
    } else if (t.tally !== null) {
      countRun(t.tally, d >= 0 ? stStart[d]! : -1);
      settle(t, t.err);
      if (t.reused) t.err = false; // the shared object's flag was this call's
    }
    if (d >= 0) pop(t, d);
  };

  /** Sets the call-site slot; returns the last argument of the call unchanged. */
  const k = (v: unknown, tbl: SiteTable, n: number): unknown => {
    slotTable = tbl;
    slotIndex = n;
    return v;
  };

  /**
   * A JSON.parse/stringify call at site n of tbl begins (its arguments have run): marks it for the watchdog
   * with the heartbeat count, so a mark left by a call that threw is not taken for a later one (transform.ts,
   * markBuiltinCall). Returns the call's last argument unchanged.
   */
  const m = (v: unknown, tbl: SiteTable, n: number): unknown => {
    const b = tbl.$lsBase;
    const sid = (b === undefined ? sites.base(tbl) : b) + n;
    if (!builtinSent.has(sid)) announceBuiltin(sid);
    shared[SHARED_BUILTIN_SITE] = sid;
    shared[SHARED_BUILTIN_BEAT] = shared[SHARED_HEARTBEAT]!;
    return v;
  };

  /** The marked call returned: clears the mark; returns its result unchanged. */
  const u = (v: unknown): unknown => {
    shared[SHARED_BUILTIN_SITE] = 0;
    return v;
  };

  const announceBuiltin = (sid: number): void => {
    builtinSent.add(sid);
    const loc = sites.location(sid);
    if (loc) try { o.sink.builtinSite?.(sid, loc); } catch { /* never throws */ }
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
    siteHandled = false;
    if (tbl === null) return 0;
    slotTable = null;
    const b = tbl.$lsBase;
    let n = slotIndex;
    if (n < 0) { siteHandled = true; n = -n - 1; }
    return (b === undefined ? sites.base(tbl) : b) + n;
  };

  /** A task spawned by an API call (timer, I/O, then, group) from the current task. */
  const spawn = (k: SpawnKind, sid: number): Task => newTask(cur, sid, k);

  /** A task spawned from the current task at site `n` of table `tbl` (a call the rewrite hands over, see then-calls.ts). */
  const spawnAt = (k: SpawnKind, tbl: SiteTable, n: number): Task => {
    const b = tbl.$lsBase;
    return newTask(cur, (b === undefined ? sites.base(tbl) : b) + n, k);
  };

  /**
   * Like spawn, for callbacks that never run inside one another (timers): a counted one comes back as its
   * tally's reused task object (Task.reused) instead of a new one per call. The caller must make sure a
   * reused task is settled or cancelled once per callback (not by its own flag, which it never sets).
   */
  const spawnCallback = (k: SpawnKind, sid: number): Task => newTask(cur, sid, k, true);

  /** A callback of task t starts running (one slice); returns the task to restore with leave(). */
  const enter = (t: Task): Task => {
    const prev = cur;
    slotTable = null;
    begin(t, 0, startOf(t));
    return prev;
  };

  /** The callback of t that enter() began has returned (or thrown). */
  const leave = (t: Task, prev: Task): void => {
    const d = openSlice(t);
    if (d < 0) { setCurrent(prev); return; }
    if (t.tracked && enabled) endSlice(t, stStart[d]!, clock());
    else if (t.tally !== null) countRun(t.tally, stStart[d]!);
    pop(t, d);
  };

  /**
   * leave() then settle() for a one-shot callback (timer, immediate) of a reused task, in one step: the
   * hot path of a counted timer. `rejected`: the callback threw.
   */
  const leaveSettle = (t: Task, prev: Task, rejected: boolean): void => {
    const tl = t.tally;
    const d = openSlice(t);
    if (tl === null || !t.reused || d < 0) {
      leave(t, prev);
      settle(t, rejected);
      return;
    }
    countRun(tl, stStart[d]!);
    if (rejected) tl.rejected++; else tl.resolved++;
    pop(t, d);
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

  const namedScratch: (Task | undefined)[] = [];
  let namedBusy = false;

  /** A combinator group over `members` (the array given to Promise.all & co.), whose promise is `result`. */
  const group = (k: SpawnKind, sid: number, mode: number, members: unknown[], then: Function, result: unknown): Task => {
    const handled = siteHandled && result instanceof Promise;
    siteHandled = false;
    // A counted group followed by its result needs no object of its own: it runs as its tally's reused one.
    const g = newTask(cur, sid, k, handled);
    if (!g.tracked && g.tally === null) return g;
    if (handled && !g.tracked) {
      followResult(g.tally!, result, then);
      return g;
    }
    followMembers(g, mode, members, then);
    return g;
  };

  /**
   * A recorded group, or a counted one kept in a variable: follows its members, to settle it when the
   * combinator would. Apart from group() so that its code, rare where groups are counted, is not inlined
   * into the hot path: the members' arrays of a new kind (a literal, a map() result) made V8 deoptimize all
   * of group() at the first exact group after a refill, and every Promise.all then ran unoptimized until
   * V8 optimized it again (HTTP bench, 300k requests: 2.75 s to 3.0 s).
   */
  const followMembers = (g: Task, mode: number, members: unknown[], then: Function): void => {
    // A counted group still follows its members, to count it settled when the combinator would.
    g.mode = mode;
    const ts = g.tracked ? clock() : -1;
    const n = members.length;
    // Children that just returned in this slice, oldest first, matched to untagged native promises in order.
    let firstJr = jrLen;
    let untagged = 0;
    // One WeakMap lookup per member: what each names is kept for the pass below (a fresh array if a
    // member's then, run below, made a group of its own meanwhile).
    const named = namedBusy ? [] : namedScratch;
    namedBusy = true;
    for (let i = 0; i < n; i++) {
      const m = members[i];
      const mt = m !== null && (typeof m === 'object' || typeof m === 'function') ? tagged.get(m as object) : undefined;
      named[i] = mt;
      if (mt === undefined && m instanceof Promise) untagged++;
    }
    const mark = curMark();
    while (firstJr > mark && jrLen - firstJr < untagged && jr[firstJr - 1]!.parentId === cur.id) firstJr--;
    let pairAt = firstJr;
    const pairedUntil = jrLen;
    // Children called in this slice are the last untagged members (`Promise.all([p, f(), g()])`); earlier
    // ones pair with children kept from earlier slices.
    let fromKids = untagged - (pairedUntil - firstJr);
    let pending = 0;
    let resolvedNow = 0;
    let rejectedNow = 0;
    let firstNow = 0; // 1 resolved, 2 rejected: the first member (in order) already settled, for race
    let onOk: (() => void) | undefined;
    let onFail: (() => void) | undefined;
    for (let i = 0; i < n; i++) {
      const m = members[i];
      let mt: Task | undefined;
      let settledNow = 0; // 1 resolved, 2 rejected: known already
      if (m !== null && (typeof m === 'object' || typeof m === 'function')) {
        mt = named[i];
        named[i] = undefined; // the scratch array holds no task past this call
        if (mt === undefined && m instanceof Promise) {
          if (fromKids > 0) { fromKids--; if (cur.kids !== null && cur.kids.length > 0) mt = cur.kids.shift(); }
          else if (pairAt < pairedUntil) mt = jr[pairAt++]!;
        }
      }
      // A counted async call's shared task object stands for many calls: its own promise is followed instead,
      // and the tally's next calls get objects of their own (see counted()).
      if (mt !== undefined && mt.reused) {
        if (mt.tally !== null) mt.tally.grouped = true;
        mt = undefined;
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
        onOk ??= () => memberSettled(g, false, -1);
        onFail ??= () => memberSettled(g, true, -1);
        then.call(m, onOk, onFail);
      } else {
        settledNow = 1; // a plain value (or a thenable we do not follow): counts as resolved
      }
      if (settledNow !== 0) {
        if (settledNow === 2) rejectedNow++; else resolvedNow++;
        if (firstNow === 0) firstNow = settledNow;
      }
    }
    if (named === namedScratch) namedBusy = false;
    jrLen = firstJr;
    g.pending = pending;
    switch (mode) {
      case GROUP_ALL: if (rejectedNow > 0) settle(g, true, ts); else if (pending === 0) settle(g, false, ts); break;
      case GROUP_ALL_SETTLED: if (pending === 0) settle(g, false, ts); break;
      case GROUP_RACE: if (firstNow !== 0) settle(g, firstNow === 2, ts); break;
      case GROUP_ANY: if (resolvedNow > 0) settle(g, false, ts); else if (pending === 0) settle(g, true, ts); break;
    }
  };

  /**
   * A counted group whose result the user's code awaits or returns: that result settles exactly when the
   * group does, and a reaction of ours on it changes nothing the program can see (it is handled anyway).
   * One reaction, the tally's own pair made once, where following the members cost a task object per
   * member and a reaction per member we could not name (HTTP bench: group() 2.7k → 1.0k instructions a request).
   */
  const followResult = (tl: Tally, result: Promise<unknown>, then: Function): void => {
    let ok = tl.onOk;
    let fail = tl.onFail;
    if (ok === null || fail === null) {
      ok = tl.onOk = () => { tl.resolved++; tallies.touch(tl); };
      fail = tl.onFail = () => { tl.rejected++; tallies.touch(tl); };
    }
    then.call(result, ok, fail);
  };

  const tag = (p: object, t: Task): void => { if (t.tracked) tagged.set(p, t); };
  const current = (): Task => cur;

  // No getters here: V8 makes an object literal with an accessor a dictionary, and then every `core.x` the
  // patched APIs read on their hot path is a generic lookup (measured: a tenth of the timers bench's
  // main-thread time). `enabled` is a plain field that disable() keeps in step with the closures' copy.
  const api = {
    // transformed code
    s, w, r, c, x, e, k, m, u, fa,
    R: root,
    // patches
    takeSite, spawn, spawnAt, spawnCallback, enter, leave, leaveSettle, run, runAs, group, settle, cancel, tag, current,
    enabled: true,
    disable(): void { enabled = false; api.enabled = false; },
    /** Called between turns of the loop (the JS stack is empty): no slice can be open now, whatever was left. */
    flush(): void {
      depth = 0;
      jrLen = 0;
      if (cur !== root) setCurrent(root);
      tallies.emit((op, a, b, c, d, e, ts, f) => rec.push8(op, a, b, c, d, e, ts, f), ms, clock());
      rec.flush();
      if (droppedTasks > 0) {
        const n = droppedTasks;
        droppedTasks = 0;
        try { o.sink.dropped(n, `task cap (${cap} live tasks) reached`); } catch { /* never throws */ }
      }
    },
    stats: () => ({ live, nextId }),
  };
  return api;
}
