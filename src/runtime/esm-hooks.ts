// ESM load hook (module.register): runs on the loader thread on Node 20/22, so it is self-contained
// (bundled to dist/runtime/esm-hooks.mjs with the transform). It transforms the user's ES modules;
// CommonJS files whose source the loader does not read pass through to require's _compile hook.
// Anything unexpected: the module loads exactly as it would without us.
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { shouldTransform, type FilterOptions } from './transform/filter.ts';
import { transformSource } from './transform/transform.ts';

let filter: FilterOptions = { includeNodeModules: false, ownDir: '' };

export function initialize(data: Partial<FilterOptions> | undefined): void {
  if (data && typeof data.ownDir === 'string') filter = { includeNodeModules: data.includeNodeModules === true, ownDir: data.ownDir };
}

interface LoadResult { format?: string | null; source?: string | ArrayBuffer | ArrayBufferView | null; shortCircuit?: boolean }
type NextLoad = (url: string, context: unknown) => Promise<LoadResult>;

export async function load(url: string, context: unknown, nextLoad: NextLoad): Promise<LoadResult> {
  const result = await nextLoad(url, context);
  try {
    return rewrite(url, result) ?? result;
  } catch {
    return result;
  }
}

function rewrite(url: string, result: LoadResult): LoadResult | undefined {
  if (!url.startsWith('file:') || result.source === null || result.source === undefined) return undefined;
  const format = result.format ?? '';
  if (format !== 'module' && format !== 'commonjs' && format !== 'module-typescript' && format !== 'commonjs-typescript') return undefined;
  const file = fileURLToPath(url);
  if (!shouldTransform(file, filter)) return undefined;
  let source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source as ArrayBuffer);
  let fmt = format;
  if (format.endsWith('-typescript')) {
    // Node ≥22.6 hands TypeScript here; strip mode blanks the types out, so positions stay exact.
    const strip = (nodeModule as any).stripTypeScriptTypes as ((s: string, o: object) => string) | undefined;
    if (typeof strip !== 'function') return undefined;
    // Muted: its one-time "experimental" warning must not reach the user's stderr because of us.
    const p = process as any;
    const emit = p.emitWarning;
    p.emitWarning = () => {};
    try { source = strip(source, { mode: 'strip' }); } finally { p.emitWarning = emit; }
    fmt = format.slice(0, -'-typescript'.length);
  }
  const out = transformSource(source, { file, format: fmt === 'module' ? 'module' : 'commonjs' });
  if (!out) return fmt === format ? undefined : { ...result, format: fmt, source };
  return { ...result, format: fmt, source: out.code };
}
