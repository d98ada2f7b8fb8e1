/* eslint-disable prefer-rest-params, @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// Promise combinators become group tasks (their members: OP_MEMBER). Promise.prototype.then is not
// patched (that would turn off V8's fast paths for every combinator and thenable): the user's .then,
// .catch and .finally calls are seen through the rewrite instead (then-calls.ts).
import type { TaskKind } from '../../protocol/index.ts';
import { GROUP_ALL, GROUP_ALL_SETTLED, GROUP_ANY, GROUP_RACE, type TaskCore } from './core.ts';
import { replaceMethod } from './disguise.ts';
import { spawnKind } from './sites.ts';

/** Returns Promise.prototype.then as it was found (for the runtime's own reactions). */
export function patchPromise(core: TaskCore): Function {
  const origThen = Promise.prototype.then as Function;
  const combinator = (key: string, kind: TaskKind, mode: number): void => {
    const k = spawnKind(kind, `Promise.${key}`);
    replaceMethod(Promise, key, (original) => function (this: unknown, iterable: unknown) {
      if (this !== Promise || !core.enabled || !Array.isArray(iterable)) return Reflect.apply(original, this, arguments);
      const site = core.takeSite();
      // A combinator takes one argument (extra ones are ignored by it too): no arguments object on the hot path.
      const p: unknown = original.call(this, iterable);
      try {
        const g = core.group(k, site, mode, iterable, origThen, p);
        if (g.tracked && p !== null && typeof p === 'object') core.tag(p, g);
      } catch { core.disable(); }
      return p;
    });
  };
  combinator('all', 'promise-all', GROUP_ALL);
  combinator('allSettled', 'promise-allSettled', GROUP_ALL_SETTLED);
  combinator('race', 'promise-race', GROUP_RACE);
  combinator('any', 'promise-any', GROUP_ANY);

  return origThen;
}
