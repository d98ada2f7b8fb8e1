import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { TraceWriter } from '../../src/launcher/trace-writer.ts';
import { parseTrace, type TraceEvent } from '../../src/protocol/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-writer-'));
const spawn: TraceEvent = { type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'timeout', name: 'setTimeout' };
const exit: TraceEvent = { type: 'exit', ts: 2, code: 0, signal: null, reason: 'exit' };

test('header, then each batch on disk as soon as it is appended (readable while the run goes on)', () => {
  const file = path.join(dir, 'a.ndjson');
  const w = new TraceWriter(file, 'loopscope test');
  assert.deepEqual(parseTrace(readFileSync(file, 'utf8')).header, { type: 'header', schema: 'loopscope.trace/1', createdBy: 'loopscope test' });
  w.append([spawn]);
  assert.deepEqual(parseTrace(readFileSync(file, 'utf8')).events, [spawn], 'no buffering: a crash now keeps it');
  w.append([]);
  w.append([exit]);
  w.close();
  const t = parseTrace(readFileSync(file, 'utf8'));
  assert.deepEqual(t.events, [spawn, exit]);
  assert.equal(t.truncated, false);
  w.append([spawn]); // after close: ignored, no throw
  assert.equal(parseTrace(readFileSync(file, 'utf8')).events.length, 2);
});

test('a full disk: the error is kept, writing stops, nothing throws into the run', { skip: !existsSync('/dev/full') }, () => {
  const w = new TraceWriter('/dev/full', 'x');
  assert.match(String(w.error?.message), /ENOSPC/);
  w.append([spawn]);
  w.close();
});

test('a file that cannot be created throws at once (before the program starts)', () => {
  assert.throws(() => new TraceWriter(path.join(dir, 'no', 'such', 'dir', 't.ndjson'), 'x'), /ENOENT/);
});
