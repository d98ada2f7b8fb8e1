// The --trace file: NDJSON written as events arrive. Each batch is written synchronously, so if
// anything dies mid-run the file holds every event up to that point (a valid prefix that `report` reads).
import { closeSync, openSync, writeSync } from 'node:fs';
import { serializeTraceLine, traceHeader, type TraceEvent } from '../protocol/index.ts';

export class TraceWriter {
  private fd: number | undefined;
  /** The first write error (disk full, …); writing stops there, the run goes on. */
  error: Error | undefined;

  /** Creates (truncates) the file and writes the header. Throws if the file cannot be created. */
  constructor(readonly path: string, createdBy: string) {
    this.fd = openSync(path, 'w');
    this.write(serializeTraceLine(traceHeader(createdBy)));
  }

  append(events: readonly TraceEvent[]): void {
    if (events.length === 0) return;
    let text = '';
    for (const e of events) text += serializeTraceLine(e);
    this.write(text);
  }

  close(): void {
    if (this.fd === undefined) return;
    try { closeSync(this.fd); } catch { /* already gone */ }
    this.fd = undefined;
  }

  private write(text: string): void {
    if (this.fd === undefined) return;
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      this.error = err as Error;
      this.close();
    }
  }
}
