// ESM load hook (module.register): runs on the loader thread on Node 20/22, so it is self-contained
// (bundled to dist/runtime/esm-hooks.mjs with the transform). It transforms the user's ES modules;
// CommonJS files whose source the loader does not read pass through to require's _compile hook.
// Anything unexpected: the module loads exactly as it would without us.
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FilterOptions } from './transform/filter.ts';
import { rewriteLoaded, type LoadResult } from './transform/load-rewrite.ts';

let filter: FilterOptions = { includeNodeModules: false, ownDir: '' };

export function initialize(data: Partial<FilterOptions> | undefined): void {
  if (data && typeof data.ownDir === 'string') filter = { includeNodeModules: data.includeNodeModules === true, ownDir: data.ownDir };
}

type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

/** module.stripTypeScriptTypes, its one-time "experimental" warning muted (it must not reach the user's stderr). */
function strip(source: string): string | undefined {
  const fn = (nodeModule as any).stripTypeScriptTypes as ((s: string, o: object) => string) | undefined;
  if (typeof fn !== 'function') return undefined;
  const p = process as any;
  const emit = p.emitWarning;
  p.emitWarning = () => {};
  try { return fn(source, { mode: 'strip' }); } catch { return undefined; } finally { p.emitWarning = emit; }
}

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  try {
    return rewriteLoaded(url, result, filter, strip, fileURLToPath) ?? result;
  } catch {
    return result;
  }
}
