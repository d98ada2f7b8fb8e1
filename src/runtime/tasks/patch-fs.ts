/* eslint-disable prefer-rest-params, @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// The fs callback API and fs.promises: each request is an 'io' task named like the call (fs.readFile),
// spawned by the current task, settled when its callback runs / its promise settles.
import { builtin } from './builtin.ts';
import type { TaskCore } from './core.ts';
import { isAbortError, replaceMethod } from './disguise.ts';
import { followPromise } from './follow.ts';
import { spawnKind } from './sites.ts';
import type { Task } from './task.ts';

export const FS_METHODS = [
  'readFile', 'writeFile', 'appendFile', 'stat', 'lstat', 'readdir', 'open', 'close', 'access', 'mkdir', 'rmdir', 'rm',
  'unlink', 'rename', 'copyFile', 'readlink', 'realpath', 'mkdtemp', 'truncate', 'chmod',
] as const;

const CANCEL_ABORT = 3;

export function patchFs(core: TaskCore, origThen: Function): void {
  const fs = builtin('fs');
  for (const key of FS_METHODS) {
    const k = spawnKind('io', `fs.${key}`);
    replaceMethod(fs, key, (original) => function (this: unknown) {
      const last = arguments.length - 1;
      const cb = arguments[last];
      if (typeof cb !== 'function' || !core.enabled) return Reflect.apply(original, this, arguments);
      const t: Task = core.spawn(k, core.takeSite());
      const args = Array.prototype.slice.call(arguments);
      args[last] = function (this: unknown, err: unknown) {
        if (isAbortError(err)) core.cancel(t, CANCEL_ABORT);
        try {
          return core.run(t, cb, this, arguments);
        } finally {
          core.settle(t, err !== null && err !== undefined);
        }
      };
      // Inline, not a shared call-and-note helper: its frame would show in the stack of an invalid-argument
      // error that fs throws at the user (the same reason as core.run and patch-timers' runners).
      let ok = false;
      try {
        const out = Reflect.apply(original, this, args);
        ok = true;
        return out;
      } finally {
        if (!ok) core.settle(t, true); // invalid arguments: thrown synchronously, never called back
      }
    });
  }
  const fsp = fs.promises;
  if (fsp) {
    for (const key of FS_METHODS) {
      const k = spawnKind('io', `fs.promises.${key}`);
      replaceMethod(fsp, key, (original) => function (this: unknown) {
        if (!core.enabled) return Reflect.apply(original, this, arguments);
        const t = core.spawn(k, core.takeSite());
        const p = Reflect.apply(original, this, arguments);
        return followPromise(core, origThen, t, p, isAbortError);
      });
    }
  }
}
