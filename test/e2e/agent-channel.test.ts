// The watchdog worker's socket writer against a real Unix socket: a reader that stops reading (a full
// pipe) must cost bounded memory, lose only records (counted and reported as drops), never control
// messages, and a flush must always come back, even when nobody is listening.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RECORD_SLOTS, OP_RUN, WireDecoder, type DropEvent, type TraceEvent } from '../../src/protocol/index.ts';
import { SocketWriter } from '../../src/runtime/watchdog/socket-writer.ts';

function runRecords(count: number, firstId: number): ArrayBuffer {
  const a = new Float64Array(count * RECORD_SLOTS);
  for (let i = 0; i < count; i++) { a[i * RECORD_SLOTS] = OP_RUN; a[i * RECORD_SLOTS + 1] = firstId + i; a[i * RECORD_SLOTS + 2] = 1; }
  return a.buffer;
}

test('channel: a reader that stops reading: records beyond the cap are dropped and counted, control frames all arrive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls-chan-'));
  const path = join(dir, 's.sock');
  const events: TraceEvent[] = [];
  let server!: net.Server;
  let sock!: net.Socket;
  const connected = new Promise<void>((res) => {
    server = net.createServer((s) => {
      sock = s;
      s.pause(); // a full pipe: the kernel buffers fill, then writes stop completing
      const dec = new WireDecoder();
      s.on('data', (c) => events.push(...dec.push(c)));
      res();
    });
  });
  await new Promise<void>((res) => server.listen(path, res));
  const cap = 1024 * 1024;
  const w = new SocketWriter(() => 0, cap);
  w.connect(path);
  await connected;
  w.control({ type: 'event', event: { type: 'block', ts: 1, id: 1, final: false, durationMs: 60, cause: 'callback', stack: [] } });
  const perChunk = 1000; // 64 kB per chunk
  const chunks = 200; // 12.8 MB in all: far beyond the cap plus what the kernel holds
  for (let i = 0; i < chunks; i++) w.records(runRecords(perChunk, i * perChunk), perChunk);
  w.control({ type: 'event', event: { type: 'block', ts: 2, id: 1, final: true, durationMs: 90, cause: 'callback', stack: [] } });
  const dropped = w.drops.get('channel buffer full: the reader could not keep up') ?? 0;
  assert.ok(dropped > 0, 'some records were dropped');
  assert.ok(dropped < chunks * perChunk, 'not everything was dropped');

  // The reader comes back: everything that was kept arrives, then the drop report.
  sock.resume();
  await new Promise<void>((res) => w.flush(res));
  await new Promise((r) => setTimeout(r, 100));
  const runs = events.filter((e) => e.type === 'run').length;
  const blocks = events.filter((e) => e.type === 'block');
  const drop = events.find((e): e is DropEvent => e.type === 'drop');
  assert.equal(blocks.length, 2, 'both control messages arrived');
  assert.equal(runs + dropped, chunks * perChunk, 'every record either arrived or was counted as dropped');
  assert.equal(drop?.count, dropped);
  sock.destroy();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('channel: with no one listening, a flush still comes back and nothing piles up', async () => {
  const w = new SocketWriter(() => 0);
  w.connect(join(tmpdir(), 'ls-no-such-dir', 'gone.sock'));
  await new Promise<void>((res) => w.flush(res));
  w.records(runRecords(10, 0), 10);
  await new Promise<void>((res) => w.flush(res));
});
