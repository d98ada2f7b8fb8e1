// Call sites: the transform appends to each file a hoisted table function `$__lsSites()` returning
// [file, line, column, name, enclosingFunction, …]. The runtime gives each file's sites a contiguous
// range of global ids on first use (cached on the table function itself: no Map lookup on the hot path)
// and sends one `site` control message per id, before any record names it.
import type { SiteMessage, SourceLocation, TaskKind } from '../../protocol/index.ts';
import { SITE_FIELDS } from '../transform/transform.ts';

export type SiteTable = (() => unknown[]) & { $lsBase?: number };

/** What a patched API spawns: made once per API, so the hot path compares identities, not strings. */
export interface SpawnKind { kind: TaskKind; name: string | undefined; key: string }
export function spawnKind(kind: TaskKind, name: string | undefined): SpawnKind {
  return { kind, name, key: kind + '\0' + (name ?? '') };
}

export class Sites {
  private next = 1;
  /** Per global id: the file's table and the index in it. */
  private readonly owner: (unknown[] | undefined)[] = [];
  private readonly ownerIndex: number[] = [];
  /** The kind it was announced with (undefined: not yet). */
  private readonly sent: (SpawnKind | undefined)[] = [];
  private readonly byName = new Map<string, number>();

  constructor(private readonly send: (msg: SiteMessage) => void) {}

  /** First id of a file's table. */
  base(tbl: SiteTable): number {
    const b = tbl.$lsBase;
    if (b !== undefined) return b;
    const rows = tbl();
    const count = Math.floor((rows.length - 1) / SITE_FIELDS);
    const base = this.next;
    this.next += count;
    for (let i = 0; i < count; i++) { this.owner[base + i] = rows; this.ownerIndex[base + i] = i; }
    tbl.$lsBase = base;
    return base;
  }

  /** The id to put in a spawn record for a task of kind `k` spawned at global site `id` (0: unknown site). */
  use(id: number, k: SpawnKind): number {
    if (id > 0) {
      const sent = this.sent[id];
      if (sent === k) return id;
      if (sent === undefined) { this.sent[id] = k; this.emit(id, id, k.kind, k.name); return id; }
      if (sent.key === k.key) return id;
      // The same call site spawned another kind of task (a polymorphic `x.readFile(…)`): a site of its own.
      const alias = `${id}\0${k.key}`;
      let other = this.byName.get(alias);
      if (other === undefined) { other = this.next++; this.byName.set(alias, other); this.emit(other, id, k.kind, k.name); }
      return other;
    }
    // No site: spawned from code we did not transform (node_modules, builtins).
    let anon = this.byName.get(k.key);
    if (anon === undefined) {
      anon = this.next++;
      this.byName.set(k.key, anon);
      try { this.send({ type: 'site', site: anon, kind: k.kind, name: k.name ?? k.kind }); } catch { /* never throws into the user */ }
    }
    return anon;
  }

  /** Where global site `id` is in the user's source (undefined: not a site of a transformed file). */
  location(id: number): SourceLocation | undefined {
    const rows = this.owner[id];
    const i = this.ownerIndex[id];
    if (!rows || i === undefined) return undefined;
    const at = 1 + i * SITE_FIELDS;
    const loc: SourceLocation = { file: String(rows[0]), line: Number(rows[at]), column: Number(rows[at + 1]) };
    const fn = rows[at + 3];
    if (typeof fn === 'string' && fn !== '') loc.function = fn;
    return loc;
  }

  /** The name the transform gave the site (its callee, or the async function's name). */
  private siteName(id: number): string {
    return String(this.owner[id]![1 + this.ownerIndex[id]! * SITE_FIELDS + 2]);
  }

  private emit(id: number, from: number, kind: TaskKind, name: string | undefined): void {
    const loc = this.location(from);
    if (!loc) return;
    const msg: SiteMessage = { type: 'site', site: id, kind, name: name ?? this.siteName(from), ...loc };
    try { this.send(msg); } catch { /* never throws into the user */ }
  }
}

/** A set of global site ids, as bits in pages of 4096: a hot-path test is two array reads, no Map. */
export class SiteSet {
  private readonly pages: Uint8Array[] = [];

  has(id: number): boolean {
    const page = this.pages[id >> 12];
    return page !== undefined && page[id & 4095] === 1;
  }

  add(id: number): void {
    let page = this.pages[id >> 12];
    if (page === undefined) { page = new Uint8Array(4096); this.pages[id >> 12] = page; }
    page[id & 4095] = 1;
  }
}
