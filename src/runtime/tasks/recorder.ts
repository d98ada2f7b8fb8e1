// Records go into fixed-size Float64Array chunks (RECORD_SLOTS float64s each) that are handed to the
// sink when full or on flush(): no per-event allocation, no text, bounded memory (the sink owns a chunk
// once handed over and drops/counts when its consumer is gone).
import { RECORD_SLOTS } from '../../protocol/index.ts';
import type { RecordSink } from '../contracts.ts';

export const CHUNK_RECORDS = 2048;

export class Recorder {
  private readonly buf = new Float64Array(CHUNK_RECORDS * RECORD_SLOTS);
  private at = 0;

  constructor(private readonly sink: RecordSink) {}

  push(op: number, a: number, b: number, c: number, d: number, e: number, ts: number): void {
    let at = this.at;
    if (at === this.buf.length) { this.handOver(); at = 0; }
    const buf = this.buf;
    buf[at] = op; buf[at + 1] = a; buf[at + 2] = b; buf[at + 3] = c;
    buf[at + 4] = d; buf[at + 5] = e; buf[at + 6] = ts;
    this.at = at + RECORD_SLOTS;
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
    try { this.sink.records(out, count); } catch { /* the sink never throws; if it does, the records are lost, not the program */ }
  }
}
