/* eslint-disable @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// A promise-returning API's task settles with its promise. We must not attach a handler to the
// promise the user gets (that would hide an unhandled rejection), so the user gets a fresh promise
// that follows the original: it rejects with the same error, unhandled if the user leaves it so.
import type { TaskCore } from './core.ts';
import type { Task } from './task.ts';

const CANCEL_ABORT = 3;

export function followPromise(core: TaskCore, origThen: Function, t: Task, p: unknown, isAbort: (err: unknown) => boolean): unknown {
  if (!(p instanceof Promise)) return p;
  const out = new Promise((resolve, reject) => {
    origThen.call(p, (v: unknown) => {
      core.settle(t, false);
      resolve(v);
    }, (err: unknown) => {
      if (isAbort(err)) core.cancel(t, CANCEL_ABORT); else core.settle(t, true);
      reject(err);
    });
  });
  core.tag(out, t);
  return out;
}
