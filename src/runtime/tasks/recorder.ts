// Records go into fixed-size Float64Array chunks (RECORD_SLOTS float64s each) that are handed to the
// sink when full or on flush(): no per-event allocation, no text, bounded memory (the sink owns a chunk
// once handed over and drops/counts when its consumer is gone).
import { OP_SPAWN, OP_SPAWN_SETTLE, OP_SPAWN_SETTLE_PARENT, RECORD_SLOTS } from '../../protocol/index.ts';
import type { RecordSink } from '../contracts.ts';

/**
 * 512 KB: a hand-over (copy + postMessage) costs tens of µs whatever its size, so fewer, larger ones pay
 * (2048 → 8192: promise-heavy main-thread CPU 2.13x → 1.91x); the agent flushes every 50 ms anyway.
 */
export const CHUNK_RECORDS = 8192;

export class Recorder {
  private readonly buf = new Float64Array(CHUNK_RECORDS * RECORD_SLOTS);
  private at = 0;
  /** Where the last record pushed since the last hand-over starts (-1: none). */
  private last = -1;

  constructor(private readonly sink: RecordSink) {}

  push(op: number, a: number, b: number, c: number, d: number, e: number, ts: number): void {
    let at = this.at;
    if (at === this.buf.length) { this.handOver(); at = 0; }
    const buf = this.buf;
    buf[at] = op; buf[at + 1] = a; buf[at + 2] = b; buf[at + 3] = c;
    buf[at + 4] = d; buf[at + 5] = e; buf[at + 6] = ts;
    this.last = at;
    this.at = at + RECORD_SLOTS;
  }

  /** A record that uses all RECORD_SLOTS slots (the last one, `f`, after ts). */
  push8(op: number, a: number, b: number, c: number, d: number, e: number, ts: number, f: number): void {
    this.push(op, a, b, c, d, e, ts);
    this.buf[this.last + 7] = f;
  }

  /**
   * When the last record still buffered is task `id`'s spawn (or its child's), turns it into a spawn+settle
   * record (one record instead of two; nothing came between them, so the decoded events are the same). False otherwise.
   */
  settleSpawn(id: number, state: number, runMs: number, ts: number): boolean {
    const at = this.last;
    const buf = this.buf;
    if (at < 0 || buf[at] !== OP_SPAWN) return false;
    // Its own spawn, or the spawn of a child it just made (then the child's spawn decodes first, as it was pushed).
    if (buf[at + 1] === id) buf[at] = OP_SPAWN_SETTLE;
    else if (buf[at + 2] === id) buf[at] = OP_SPAWN_SETTLE_PARENT;
    else return false;
    buf[at + 4] = state; buf[at + 5] = runMs; buf[at + 7] = ts;
    this.last = -1; // the record is complete: nothing more merges into it
    return true;
  }

  /** Hands what is buffered to the sink (call before a control message that must come after these records). */
  flush(): void {
    if (this.at > 0) this.handOver();
  }

  // The working buffer stays (warm in cache, never re-zeroed); the sink gets an exact-size copy it may
  // transfer away. A fresh chunk per hand-over measured costlier: zeroing, and for big chunks an mmap
  // plus page faults each time.
  private handOver(): void {
    const count = this.at / RECORD_SLOTS;
    const out = this.buf.slice(0, this.at);
    this.at = 0;
    this.last = -1;
    try { this.sink.records(out, count); } catch { /* the sink never throws; if it does, the records are lost, not the program */ }
  }
}
