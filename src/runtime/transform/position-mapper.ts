// Maps a position in transformed code (a stack frame, a paused frame) back to the user's column.
// Line numbers never change. The map of a file transformed in this thread is remembered; for a file
// transformed elsewhere (the ESM loader thread), the transform is pure and deterministic, so the same
// map is rebuilt from the file on disk.
import { mapColumn, type ColumnMap } from './column-map.ts';
import { shouldTransform, type FilterOptions } from './filter.ts';
import { transformSource } from './transform.ts';

export interface PositionMapperOptions extends FilterOptions {
  readFile: (file: string) => string | undefined;
  /** Strips TypeScript types (module.stripTypeScriptTypes) when the file is TypeScript; undefined when it cannot. */
  stripTypes?: (source: string, file: string) => string | undefined;
}

const MAX_CACHED_FILES = 2000;

export class PositionMapper {
  private readonly maps = new Map<string, ColumnMap | null>();

  constructor(private readonly o: PositionMapperOptions) {}

  /** Remembers the map of a file this thread transformed. */
  remember(file: string, map: ColumnMap): void {
    if (this.maps.size >= MAX_CACHED_FILES) this.maps.clear();
    this.maps.set(file, map);
  }

  /** The original 1-based column of a 1-based (line, column) in the transformed `file`. */
  mapColumn(file: string, line: number, column: number): number {
    const map = this.mapOf(this.toPath(file));
    return map ? mapColumn(map, line, column) : column;
  }

  private toPath(file: string): string {
    if (!file.startsWith('file://')) return file;
    try { return decodeURIComponent(new URL(file).pathname).replace(/^\/([A-Za-z]:)/, '$1'); } catch { return file; }
  }

  private mapOf(file: string): ColumnMap | null {
    const known = this.maps.get(file);
    if (known !== undefined) return known;
    let map: ColumnMap | null = null;
    if (shouldTransform(file, this.o)) {
      let source = this.o.readFile(file);
      if (source !== undefined && /\.(?:ts|mts|cts)$/i.test(file)) source = this.o.stripTypes?.(source, file);
      if (source !== undefined) {
        // Same result whichever way it parses, except top-level await, which only a module allows.
        const res = transformSource(source, { file, format: 'module' }) ?? transformSource(source, { file, format: 'commonjs' });
        map = res ? res.columnMap : null;
      }
    }
    if (this.maps.size >= MAX_CACHED_FILES) this.maps.clear();
    this.maps.set(file, map);
    return map;
  }
}
