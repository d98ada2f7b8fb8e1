// Call sites: the transform appends to each file a hoisted table function `$__lsSites()` returning
// [file, line, column, name, enclosingFunction, …]. The runtime gives each file's sites a contiguous
// range of global ids on first use (cached on the table function itself: no Map lookup on the hot path)
// and sends one `site` control message per id, before any record names it.
import type { SiteMessage, TaskKind } from '../../protocol/index.ts';
import { SITE_FIELDS } from '../transform/transform.ts';

export type SiteTable = (() => unknown[]) & { $lsBase?: number };

export class Sites {
  private next = 1;
  /** Per global id: the file's table and the index in it. */
  private readonly owner: (unknown[] | undefined)[] = [];
  private readonly ownerIndex: number[] = [];
  /** 0: not sent; else the kind/name it was sent with, as "kind\0name". */
  private readonly sent: (string | undefined)[] = [];
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

  /** The id to put in a spawn record for a task of `kind` named `name` spawned at global site `id` (0: unknown site). */
  use(id: number, kind: TaskKind, name: string | undefined): number {
    if (id > 0) {
      const key = kind + '\0' + (name ?? '');
      const sent = this.sent[id];
      if (sent === key) return id;
      if (sent === undefined) { this.sent[id] = key; this.emit(id, id, kind, name); return id; }
      // The same call site spawned another kind of task (a polymorphic `x.readFile(…)`): a site of its own.
      const alias = `${id}\0${key}`;
      let other = this.byName.get(alias);
      if (other === undefined) { other = this.next++; this.byName.set(alias, other); this.emit(other, id, kind, name); }
      return other;
    }
    // No site: spawned from code we did not transform (node_modules, builtins).
    const key = kind + '\0' + (name ?? '');
    let anon = this.byName.get(key);
    if (anon === undefined) {
      anon = this.next++;
      this.byName.set(key, anon);
      try { this.send({ type: 'site', site: anon, kind, name: name ?? kind }); } catch { /* never throws into the user */ }
    }
    return anon;
  }

  private emit(id: number, from: number, kind: TaskKind, name: string | undefined): void {
    const rows = this.owner[from];
    const i = this.ownerIndex[from];
    if (!rows || i === undefined) return;
    const at = 1 + i * SITE_FIELDS;
    const msg: SiteMessage = {
      type: 'site', site: id, kind, name: name ?? String(rows[at + 2]),
      file: String(rows[0]), line: Number(rows[at]), column: Number(rows[at + 1]),
    };
    const fn = rows[at + 3];
    if (typeof fn === 'string' && fn !== '') msg.function = fn;
    try { this.send(msg); } catch { /* never throws into the user */ }
  }
}
