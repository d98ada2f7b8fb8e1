/* eslint-disable prefer-rest-params -- patched APIs pass their arguments through untouched (arity, this) */
// CommonJS: every user module passes through Module.prototype._compile(content, filename[, format]);
// the transform runs there. Node ≥22.6 may hand TypeScript ('commonjs-typescript'): types are
// stripped first (positions kept) when module.stripTypeScriptTypes exists, else the file is left alone.
import { builtin } from './builtin.ts';
import type { TransformHost } from './transform-host.ts';

export function installCjsHook(host: TransformHost): () => void {
  const Module = builtin('module');
  const proto = Module.prototype;
  const original = proto._compile;
  if (typeof original !== 'function') return () => {};
  const patched = function (this: unknown, content: unknown, filename: unknown, format?: unknown) {
    let code = content;
    let fmt = format;
    try {
      if (typeof content === 'string' && typeof filename === 'string') {
        const out = host.transform(content, filename, typeof format === 'string' ? format : 'commonjs');
        if (out) { code = out.code; if (format !== undefined) fmt = out.format; }
      }
    } catch { code = content; fmt = format; }
    const args = Array.prototype.slice.call(arguments);
    args[0] = code;
    if (arguments.length > 2) args[2] = fmt;
    return Reflect.apply(original, this, args);
  };
  Object.defineProperty(patched, 'name', { value: original.name });
  Object.defineProperty(patched, 'length', { value: original.length });
  proto._compile = patched;
  return () => { if (proto._compile === patched) proto._compile = original; };
}
