/* eslint-disable @typescript-eslint/no-unsafe-function-type -- patched APIs pass their arguments through untouched (arity, this) */
// A patched API must look like the original to user code: same name, length, own properties (such as
// util.promisify.custom on setTimeout) and prototype.
export function disguise<F extends Function>(patched: F, original: Function): F {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'arguments' || key === 'caller') continue;
    const desc = Object.getOwnPropertyDescriptor(original, key);
    if (!desc) continue;
    try {
      if (key === 'prototype') {
        if (Object.getOwnPropertyDescriptor(patched, 'prototype')?.writable) (patched as any).prototype = desc.value;
        continue;
      }
      Object.defineProperty(patched, key, desc);
    } catch { /* a property we cannot copy stays as it is */ }
  }
  return patched;
}

/** Replaces obj[key] with make(original) when it is a function; returns the original (or undefined). */
export function replaceMethod(obj: any, key: string, make: (original: Function) => Function): Function | undefined {
  const original = obj?.[key];
  if (typeof original !== 'function') return undefined;
  const desc = Object.getOwnPropertyDescriptor(obj, key);
  const patched = disguise(make(original), original);
  if (desc && !desc.writable && !desc.set && desc.configurable) Object.defineProperty(obj, key, { ...desc, value: patched });
  else obj[key] = patched;
  return original;
}

/** AbortError (AbortSignal aborted, or a timer/I/O call given an aborted signal). */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && ((err as any).name === 'AbortError' || (err as any).code === 'ABORT_ERR');
}
