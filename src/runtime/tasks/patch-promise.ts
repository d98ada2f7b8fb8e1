/* eslint-disable prefer-rest-params, @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// Promise combinators become group tasks (their members: OP_MEMBER), and explicit .then callbacks run
// as 'then' tasks (with a call site) or at least as their spawner (the current task propagates).
// Native `await` never calls .then, so the hot path of async code is untouched by this patch.
import type { TaskKind } from '../../protocol/index.ts';
import { GROUP_ALL, GROUP_ALL_SETTLED, GROUP_ANY, GROUP_RACE, type TaskCore } from './core.ts';
import { replaceMethod } from './disguise.ts';
import { spawnKind } from './sites.ts';
import type { Task } from './task.ts';

/** Returns the original Promise.prototype.then (for the runtime's own reactions). */
export function patchPromise(core: TaskCore): Function {
  const origThen = Promise.prototype.then as Function;
  // >0 while a combinator of ours runs the original: its internal .then calls are not the user's.
  let internal = 0;

  const combinator = (key: string, kind: TaskKind, mode: number): void => {
    const k = spawnKind(kind, `Promise.${key}`);
    replaceMethod(Promise, key, (original) => function (this: unknown, iterable: unknown) {
      if (this !== Promise || !core.enabled || !Array.isArray(iterable)) return Reflect.apply(original, this, arguments);
      const site = core.takeSite();
      let p: unknown;
      internal++;
      // A combinator takes one argument (extra ones are ignored by it too): no arguments object on the hot path.
      try { p = original.call(this, iterable); } finally { internal--; }
      try {
        const g = core.group(k, site, mode, iterable, origThen);
        if (g.tracked && p !== null && typeof p === 'object') core.tag(p, g);
      } catch { core.disable(); }
      return p;
    });
  };
  combinator('all', 'promise-all', GROUP_ALL);
  combinator('allSettled', 'promise-allSettled', GROUP_ALL_SETTLED);
  combinator('race', 'promise-race', GROUP_RACE);
  combinator('any', 'promise-any', GROUP_ANY);

  const propagate = (t: Task, fn: unknown): unknown => typeof fn !== 'function' ? fn
    : function (this: unknown) { return core.runAs(t, fn, this, arguments); };

  const THEN = spawnKind('then', 'then callback');
  replaceMethod(Promise.prototype, 'then', (original) => function (this: unknown, onFulfilled: unknown, onRejected: unknown) {
    // The combinators' own .then calls (one per member): straight through, without an arguments object.
    if (internal > 0) return original.call(this, onFulfilled, onRejected);
    if (!core.enabled) return Reflect.apply(original, this, arguments);
    const site = core.takeSite();
    const parent = core.current();
    if (site === 0) {
      if (parent.id === 0) return Reflect.apply(original, this, arguments);
      return Reflect.apply(original, this, [propagate(parent, onFulfilled), propagate(parent, onRejected)]);
    }
    const t = core.spawn(THEN, site);
    // Both paths settle the task; a missing handler is replaced by the equivalent pass-through.
    // core.run marks t.err when the callback throws; the task settles either way (no catch-and-rethrow).
    const f = function (this: unknown, v: unknown) {
      if (typeof onFulfilled !== 'function') { core.settle(t, false); return v; }
      try { return core.run(t, onFulfilled, this, [v]); } finally { core.settle(t, t.err); }
    };
    const r = function (this: unknown, err: unknown) {
      if (typeof onRejected !== 'function') { core.settle(t, true); throw err; }
      try { return core.run(t, onRejected, this, [err]); } finally { core.settle(t, t.err); }
    };
    const p = Reflect.apply(original, this, [f, r]);
    // Named, so a combinator given `x.then(…)` (or an await of it) knows it is this task, not some other child.
    if (t.tracked && p !== null && typeof p === 'object') core.tag(p, t);
    return p;
  });
  return origThen;
}
