// Decides, per loaded file, whether and how to transform it, and remembers the column maps so
// __loopscope.mapPosition can answer. Shared by the CJS hook (this thread) and, as the same logic in
// esm-hooks.ts, the ESM loader.
import type { ColumnMap } from '../transform/column-map.ts';
import type { FilterOptions } from '../transform/filter.ts';
import { rewriteLoaded } from '../transform/load-rewrite.ts';
import { PositionMapper } from '../transform/position-mapper.ts';
import { builtin } from './builtin.ts';

export interface TransformHost {
  /** The new source and format, or undefined to keep the file as it is. */
  transform(source: string, file: string, format: string): { code: string; format: string } | undefined;
  mapper: PositionMapper;
}

/** module.stripTypeScriptTypes (Node ≥22.13 / 23.2): replaces types by blanks, so positions stay. */
export function typeStripper(): ((source: string, file: string) => string | undefined) | undefined {
  const strip = builtin('module').stripTypeScriptTypes as ((s: string, o?: object) => string) | undefined;
  if (typeof strip !== 'function') return undefined;
  return (source) => quietly(() => { try { return strip(source, { mode: 'strip' }); } catch { return undefined; } });
}

/**
 * Runs fn with process warnings muted: stripTypeScriptTypes announces itself as experimental once,
 * and that line must not appear in the user's stderr because of us.
 */
export function quietly<T>(fn: () => T): T {
  const p = process as any;
  const emit = p.emitWarning;
  p.emitWarning = () => {};
  try { return fn(); } finally { p.emitWarning = emit; }
}

export function createTransformHost(filter: FilterOptions): TransformHost {
  const fs = builtin('fs');
  const url = builtin('url');
  const strip = typeStripper();
  const mapper = new PositionMapper({
    ...filter,
    readFile: (f) => { try { return fs.readFileSync(f, 'utf8') as string; } catch { return undefined; } },
    stripTypes: strip,
  });
  const remember = (file: string, map: ColumnMap): void => mapper.remember(file, map);
  return {
    mapper,
    transform(source, file, format) {
      // The same rule as the module loader hooks (load-rewrite.ts), for what require() compiles.
      const out = rewriteLoaded(url.pathToFileURL(file).href, { format, source }, filter, strip && ((s) => strip(s, file)),
        (u) => url.fileURLToPath(u) as string, remember);
      return out && typeof out.source === 'string' && typeof out.format === 'string' ? { code: out.source, format: out.format } : undefined;
    },
  };
}
