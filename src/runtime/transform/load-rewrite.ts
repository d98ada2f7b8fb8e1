// What a module loader hook does with a loaded module: the user's files (filter.ts) come back
// transformed. Shared by the off-thread ESM hooks (esm-hooks.ts, Node 20+) and the in-thread hooks
// (module.registerHooks, Node ≥22.15), so both decide alike. Anything unexpected: undefined (keep).
import type { ColumnMap } from './column-map.ts';
import { shouldTransform, type FilterOptions } from './filter.ts';
import { transformSource } from './transform.ts';

export interface LoadResult { format?: string | null; source?: string | ArrayBuffer | ArrayBufferView | null; shortCircuit?: boolean }
export type StripTypes = (source: string) => string | undefined;

/** `onMap`: told the column map of each file transformed (for mapPosition in this thread). */
export function rewriteLoaded(url: string, result: LoadResult, filter: FilterOptions, strip: StripTypes | undefined,
  toPath: (url: string) => string, onMap?: (file: string, map: ColumnMap) => void): LoadResult | undefined {
  if (!url.startsWith('file:') || result.source === null || result.source === undefined) return undefined;
  const format = result.format ?? '';
  const file = toPath(url);
  if (!shouldTransform(file, filter)) return undefined;
  let source = typeof result.source === 'string' ? result.source : new TextDecoder().decode(result.source as ArrayBuffer);
  let fmt: string;
  switch (format) {
    case 'module': case 'commonjs': fmt = format; break;
    case 'module-typescript': case 'commonjs-typescript': case 'typescript': {
      // Node ≥22.6 hands TypeScript here; strip mode blanks the types out, so positions stay exact.
      const stripped = strip?.(source);
      if (stripped === undefined) return undefined;
      source = stripped;
      // 'typescript': module kind not yet detected: CommonJS when it parses as a script (Node's rule).
      fmt = format === 'typescript' ? 'commonjs' : format.slice(0, -'-typescript'.length);
      break;
    }
    default: return undefined;
  }
  const out = transformSource(source, { file, format: fmt === 'module' ? 'module' : 'commonjs' });
  if (!out) return format === 'typescript' || fmt === format ? undefined : { ...result, format: fmt, source };
  onMap?.(file, out.columnMap);
  return { ...result, format: fmt, source: out.code };
}
