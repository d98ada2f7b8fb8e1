/* eslint-disable prefer-rest-params, @typescript-eslint/no-unsafe-function-type -- callbacks pass through untouched (arity, this) */
// `.then` / `.catch` / `.finally` calls in the user's code, seen through the rewrite (transform.ts,
// instrumentThen) instead of by patching Promise.prototype.then. A patched `then` invalidates V8's
// promise-then protector for the whole process: Promise.all & co. then call `then` generically and
// allocate a derived promise per member (measured on the HTTP workload: about 0.09x of its throughput).
//
// The rewrite calls tp(receiver) first, then one wrapper per argument; the wrappers only touch the
// arguments when the receiver is a native promise with the original `then`, so anything else (a
// library's thenable, a query builder) gets exactly its own arguments back.
//   p.then(a, b) → tq(tp(p).then(tf(a), tr(b)));  p.then(a) → tq(tp(p).then(tf(a), ...t0()))
//   p.catch(b) → tp(p).catch(tc(b));  p.finally(f) → tp(p).finally(tc(f))
// A then call's callbacks run as a 'then' task (its site is the call); catch and finally callbacks run as
// the task that registered them, as before.
import type { TaskCore } from './core.ts';
import { spawnKind, type SiteTable } from './sites.ts';
import type { Task } from './task.ts';

const THEN = spawnKind('then', 'then callback');
const NONE: unknown[] = [];

export interface ThenCalls {
  tp(p: unknown, tbl: SiteTable, n: number): unknown;
  tq(result: unknown): unknown;
  tf(onFulfilled: unknown): unknown;
  tr(onRejected: unknown): unknown;
  t0(): unknown[];
  tc(fn: unknown): unknown;
}

export function thenCalls(core: TaskCore, origThen: Function): ThenCalls {
  /** The call being made: its receiver is a native promise (tp), and its then task once tf made it. */
  let native = false;
  let tbl: SiteTable | null = null;
  let site = 0;
  let task: Task | null = null;
  /** The then task whose promise tq() names next. */
  let named: Task | null = null;

  const onFulfilled = (t: Task, fn: unknown) => function (this: unknown, v: unknown): unknown {
    if (typeof fn !== 'function') { core.settle(t, false); return v; }
    // core.run marks t.err when the callback throws; the task settles either way (no catch-and-rethrow).
    try { return core.run(t, fn, this, [v]); } finally { core.settle(t, t.err); }
  };
  const onRejected = (t: Task, fn: unknown) => function (this: unknown, err: unknown): unknown {
    if (typeof fn !== 'function') { core.settle(t, true); throw err; }
    try { return core.run(t, fn, this, [err]); } finally { core.settle(t, t.err); }
  };

  return {
    tp(p, table, n) {
      task = null;
      named = null;
      native = p instanceof Promise && (p as { then: unknown }).then === origThen && core.enabled;
      tbl = table;
      site = n;
      return p;
    },
    tf(fn) {
      if (!native || tbl === null) return fn;
      native = false;
      try {
        task = named = core.spawnAt(THEN, tbl, site);
        return onFulfilled(task, fn);
      } catch { return fn; }
    },
    tq(result) {
      // Named, so an await of it or a combinator given it knows it is this task, not some other child.
      const t = named;
      named = null;
      if (t !== null && result !== null && typeof result === 'object') core.tag(result, t);
      return result;
    },
    tr(fn) {
      const t = task;
      task = null;
      return t === null ? fn : onRejected(t, fn);
    },
    t0() {
      // The missing rejection handler of a native then: the pass-through it would use, which also settles
      // the task. Anything else gets no second argument (spread of an empty array).
      const t = task;
      task = null;
      return t === null ? NONE : [onRejected(t, undefined)];
    },
    tc(fn) {
      if (!native || typeof fn !== 'function') return fn;
      native = false;
      const t = core.current();
      if (t === core.R) return fn;
      return function (this: unknown) { return core.runAs(t, fn, this, arguments); };
    },
  };
}
