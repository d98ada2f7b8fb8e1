// Decides, per loaded file, whether and how to transform it, and remembers the column maps so
// __loopscope.mapPosition can answer. Shared by the CJS hook (this thread) and, as the same logic in
// esm-hooks.ts, the ESM loader.
import { shouldTransform, type FilterOptions } from '../transform/filter.ts';
import { PositionMapper } from '../transform/position-mapper.ts';
import { transformSource } from '../transform/transform.ts';
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
  const strip = typeStripper();
  const mapper = new PositionMapper({
    ...filter,
    readFile: (f) => { try { return fs.readFileSync(f, 'utf8') as string; } catch { return undefined; } },
    stripTypes: strip,
  });
  return {
    mapper,
    transform(source, file, format) {
      if (!shouldTransform(file, filter)) return undefined;
      let src = source;
      let fmt = format;
      if (format === 'typescript') {
        // Node ≥23 hands TypeScript whose module kind it has yet to detect: it is CommonJS when it parses
        // as a script (Node's own rule); otherwise it is left to Node.
        const stripped = strip?.(source, file);
        if (stripped === undefined) return undefined;
        const out = transformSource(stripped, { file, format: 'commonjs' });
        if (!out) return undefined;
        mapper.remember(file, out.columnMap);
        return { code: out.code, format: 'commonjs' };
      }
      if (format.endsWith('-typescript')) {
        const stripped = strip?.(source, file);
        if (stripped === undefined) return undefined;
        src = stripped;
        fmt = format.slice(0, -'-typescript'.length);
      }
      if (fmt !== 'commonjs' && fmt !== 'module') return undefined;
      const out = transformSource(src, { file, format: fmt });
      if (!out) return fmt === format ? undefined : { code: src, format: fmt };
      mapper.remember(file, out.columnMap);
      return { code: out.code, format: fmt };
    },
  };
}
