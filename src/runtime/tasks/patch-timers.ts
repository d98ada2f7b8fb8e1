/* eslint-disable prefer-rest-params, @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// setTimeout / setInterval / setImmediate (+ clear*) and timers/promises as tasks. The originals are
// captured before patching so the agent's own timers (originals.ts) are never recorded.
import type { TaskKind } from '../../protocol/index.ts';
import { builtin } from './builtin.ts';
import type { TaskCore } from './core.ts';
import { disguise, isAbortError, replaceMethod } from './disguise.ts';
import { followPromise } from './follow.ts';
import { spawnKind } from './sites.ts';
import type { Task } from './task.ts';

const CANCEL_CLEAR_TIMEOUT = 0;
const CANCEL_CLEAR_INTERVAL = 1;
const CANCEL_CLEAR_IMMEDIATE = 2;

/**
 * The task of a Timeout/Immediate handle, kept on the handle itself: a WeakMap of every timer costs
 * the garbage collector far more (ephemerons) at hundreds of thousands of timers.
 */
const TASK = Symbol('loopscope.task');
/** The user's callback, on the handle, for the shared runner. */
const CALLBACK = Symbol('loopscope.callback');

/**
 * Whether `original` is Node's own timer API: it returns a fresh, extensible Timeout/Immediate object and
 * calls the callback with that object as `this` (lib/internal/timers.js). Probed once with a timer
 * cleared at once; anything else (a fake-timer library patched in before us) gets a closure per timer.
 */
function handlesCarry(original: Function, kind: TaskKind): boolean {
  try {
    const timers = builtin('timers');
    const h = original(() => {}, 1e6);
    if (kind === 'immediate') timers.clearImmediate(h); else timers.clearTimeout(h);
    const name = h?.constructor?.name;
    const carry = typeof h === 'object' && h !== null && Object.isExtensible(h)
      && (kind === 'immediate' ? name === 'Immediate' && original === timers.setImmediate : name === 'Timeout'
        && (original === timers.setTimeout || original === timers.setInterval));
    if (carry) makeRoom(original, kind === 'immediate' ? timers.clearImmediate : timers.clearTimeout);
    return carry;
  } catch {
    return false;
  }
}

/**
 * V8 sizes a class's objects by what its first few instances held (slack tracking): handles made and given
 * our two fields now, before the program makes its own, get room for them inside the object, so carrying
 * the task later allocates nothing (else each timer grows a separate property array).
 */
function makeRoom(original: Function, clear: Function): void {
  for (let i = 0; i < 12; i++) {
    const h = original(() => {}, 1e6);
    h[TASK] = undefined;
    h[CALLBACK] = undefined;
    clear(h);
  }
}

export function patchTimers(core: TaskCore, origThen: Function): void {
  const g = globalThis as any;
  const timersMod = builtin('timers');

  const makeSchedule = (original: Function, kind: TaskKind, name: string, repeat: boolean): Function => {
    const k = spawnKind(kind, name);
    // One function runs every timer of this API: Node calls it with the handle as `this`, and the task and
    // the callback ride on the handle (a closure per timer was a third of the patch's cost at 200k timers).
    const runTimer = function (this: any) {
      const t: Task = this[TASK];
      const callback: Function = this[CALLBACK];
      const prev = core.enter(t);
      let ok = false;
      try {
        // Node calls a timer's callback with no arguments unless extra ones were given: no arguments object then.
        const out = arguments.length === 0 ? callback.call(this) : Reflect.apply(callback, this, arguments);
        ok = true;
        return out;
      } finally {
        // No catch-and-rethrow: an uncaught error must still point at the user's throw, not at us.
        if (repeat) {
          if (!ok) t.err = true;
          core.leave(t, prev);
        } else if (t.reused) {
          // A reused (counted) task has no flags of its own: the handle forgets it, so a late clear counts nothing.
          this[TASK] = undefined;
          core.leaveSettle(t, prev, !ok);
        } else {
          if (!ok) t.err = true;
          core.leave(t, prev);
          core.settle(t, t.err);
        }
      }
    };
    const shared = handlesCarry(original, kind);
    return function (this: unknown, callback: unknown, a1?: unknown, a2?: unknown) {
      if (typeof callback !== 'function' || !core.enabled) return Reflect.apply(original, this, arguments);
      const t: Task = shared ? core.spawnCallback(k, core.takeSite()) : core.spawn(k, core.takeSite());
      const wrapped = shared ? runTimer : closureFor(t, callback, repeat);
      const n = arguments.length;
      // The common arities without building an array; the callback gets exactly the arguments it would.
      const handle = n === 1 ? original(wrapped) : n === 2 ? original(wrapped, a1) : n === 3 ? original(wrapped, a1, a2)
        : Reflect.apply(original, this, [wrapped, ...Array.prototype.slice.call(arguments, 1)]);
      if (shared) { handle[TASK] = t; handle[CALLBACK] = callback; }
      else if (handle !== null && typeof handle === 'object' && t.tracked) {
        try { handle[TASK] = t; } catch { /* a frozen handle: it cannot be cancelled as a task */ }
      }
      return handle;
    };
  };

  /**
   * The per-timer wrapper, for a timer API whose handles cannot carry the task (not Node's own).
   * Its body repeats runTimer's and core.run()'s on purpose: calling core.run() (or any shared helper) from
   * either adds a frame between Node's timer and the user's callback, which changes the crash banner and
   * stacks users see (tests: stacks.js, crash).
   */
  const closureFor = (t: Task, callback: Function, repeat: boolean): Function => function (this: unknown) {
    const prev = core.enter(t);
    let ok = false;
    try {
      const out = Reflect.apply(callback, this, arguments);
      ok = true;
      return out;
    } finally {
      if (!ok) t.err = true;
      core.leave(t, prev);
      if (!repeat) core.settle(t, t.err);
    }
  };

  const makeClear = (original: Function, code: number): Function =>
    function (this: unknown, handle: unknown) {
      if (handle !== null && typeof handle === 'object') {
        const t = (handle as any)[TASK] as Task | undefined;
        if (t !== undefined && !t.settled) {
          try {
            core.cancel(t, code);
            if (t.reused) (handle as any)[TASK] = undefined; // counted once, even if cleared twice
          } catch { /* never into the user */ }
        }
      }
      return Reflect.apply(original, this, arguments);
    };

  const pairs: [string, (o: Function) => Function][] = [
    ['setTimeout', (o) => makeSchedule(o, 'timeout', 'setTimeout callback', false)],
    ['setInterval', (o) => makeSchedule(o, 'interval', 'setInterval callback', true)],
    ['setImmediate', (o) => makeSchedule(o, 'immediate', 'setImmediate callback', false)],
    ['clearTimeout', (o) => makeClear(o, CANCEL_CLEAR_TIMEOUT)],
    ['clearInterval', (o) => makeClear(o, CANCEL_CLEAR_INTERVAL)],
    ['clearImmediate', (o) => makeClear(o, CANCEL_CLEAR_IMMEDIATE)],
  ];
  for (const [key, make] of pairs) {
    const original = g[key];
    if (typeof original !== 'function') continue;
    const patched = disguise(make(original), original);
    g[key] = patched;
    // node:timers exports the same functions as the globals.
    if (timersMod[key] === original) { try { timersMod[key] = patched; } catch { /* read-only in some builds */ } }
  }

  // timers/promises: the promise is the task; aborted through its signal = cancelled 'abort'.
  const tp = builtin('timers/promises');
  const promiseTimer = (key: string, kind: TaskKind, name: string): void => {
    const k = spawnKind(kind, name);
    replaceMethod(tp, key, (original) => function (this: unknown) {
      if (!core.enabled) return Reflect.apply(original, this, arguments);
      const t = core.spawn(k, core.takeSite());
      const p = Reflect.apply(original, this, arguments);
      return followPromise(core, origThen, t, p, isAbortError);
    });
  };
  promiseTimer('setTimeout', 'timeout', 'timers/promises.setTimeout');
  promiseTimer('setImmediate', 'immediate', 'timers/promises.setImmediate');
}
