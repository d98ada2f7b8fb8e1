// The agent → launcher wire: what the agent writes is what the launcher reads, in any chunking, and a
// damaged or foreign stream is refused with a message instead of misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeControlFrame, recordsFrameHeader, RECORD_SLOTS, WireDecoder, WireError, WIRE_VERSION,
  OP_SPAWN, OP_SETTLE, OP_MEMBER, OP_CANCEL, OP_SPAWN_SETTLE, OP_TALLY, OP_TALLY_STATE, type ProcessEvent, type TraceEvent,
} from '../../src/protocol/index.ts';

const proc: ProcessEvent = {
  type: 'process', ts: 0, pid: 42, argv: ['node', '/app/main.js'], cwd: '/app', nodeVersion: 'v20.20.2',
  platform: 'linux', mode: 'tree', thresholdMs: 50, timeOrigin: 1_700_000_000_000,
};

function recordsFrame(records: number[][]): Uint8Array {
  const body = new Float64Array(records.length * RECORD_SLOTS);
  records.forEach((r, i) => body.set(r, i * RECORD_SLOTS));
  const head = recordsFrameHeader(records.length);
  const out = new Uint8Array(head.length + body.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(body.buffer), head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

const stream = concat([
  encodeControlFrame({ type: 'hello', wire: WIRE_VERSION, process: proc, mode: 'tree' }),
  encodeControlFrame({ type: 'site', site: 1, kind: 'async-function', name: 'fetchOrders', file: '/app/main.js', line: 12, column: 3 }),
  encodeControlFrame({ type: 'site', site: 2, kind: 'promise-all', name: 'Promise.all' }),
  recordsFrame([
    [OP_SPAWN, 1, 0, 1, 0, 0, 1.5, 0],
    [OP_SPAWN, 2, 0, 2, 0, 0, 1.6, 0],
    [OP_MEMBER, 2, 1, 0, 0, 0, 1.6, 0],
    [OP_SETTLE, 1, 2, 3, 0.25, 2, 9.5, 0],
    [OP_SPAWN_SETTLE, 3, 1, 1, 1, 0.1, 2.0, 2.5],
    [OP_CANCEL, 2, 0, 0, 0, 0, 10, 0],
  ]),
  encodeControlFrame({ type: 'event', event: { type: 'exit', ts: 11, code: 0, signal: null, reason: 'exit' } }),
]);

const expected: TraceEvent[] = [
  proc,
  { type: 'spawn', ts: 1.5, id: 1, parentId: 0, kind: 'async-function', name: 'fetchOrders', site: { file: '/app/main.js', line: 12, column: 3 } },
  { type: 'spawn', ts: 1.6, id: 2, parentId: 0, kind: 'promise-all', name: 'Promise.all' },
  { type: 'group', ts: 1.6, id: 2, members: [1] },
  { type: 'settle', ts: 9.5, id: 1, state: 'rejected', runs: 3, runMs: 0.25, awaits: 2 },
  { type: 'spawn', ts: 2.0, id: 3, parentId: 1, kind: 'async-function', name: 'fetchOrders', site: { file: '/app/main.js', line: 12, column: 3 } },
  { type: 'settle', ts: 2.5, id: 3, state: 'resolved', runs: 1, runMs: 0.1, awaits: 0 },
  { type: 'cancel', ts: 10, id: 2, reason: 'clearTimeout' },
  { type: 'exit', ts: 11, code: 0, signal: null, reason: 'exit' },
];

test('wire: a stream decodes to the events the agent meant, sites resolved into spawns', () => {
  const d = new WireDecoder();
  assert.deepEqual(d.push(stream), expected);
  assert.equal(d.pendingBytes, 0);
  assert.deepEqual(d.process, proc);
});

test('wire: any chunking of the byte stream gives the same events (frames split across reads)', () => {
  for (const size of [1, 3, 7, 64, 1000]) {
    const d = new WireDecoder();
    const got: TraceEvent[] = [];
    for (let at = 0; at < stream.length; at += size) got.push(...d.push(stream.subarray(at, at + size)));
    assert.deepEqual(got, expected, `chunks of ${size} bytes`);
    assert.equal(d.pendingBytes, 0);
  }
});

test('wire: a stream cut mid-frame keeps every whole frame and says how much is pending', () => {
  const d = new WireDecoder();
  const got = d.push(stream.subarray(0, stream.length - 10));
  assert.deepEqual(got, expected.slice(0, -1));
  assert.ok(d.pendingBytes > 0);
});

test('wire: a corrupt frame length and an unknown frame kind are refused, not misread', () => {
  const bad = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1]);
  assert.throws(() => new WireDecoder().push(bad), WireError);
  const unknownKind = encodeControlFrame({ type: 'site', site: 1, kind: 'io', name: 'x' });
  unknownKind[4] = 9;
  assert.throws(() => new WireDecoder().push(unknownKind), /unknown frame kind 9/);
});

test('wire: an agent from another build (other wire version) is refused with what to do', () => {
  const foreign = encodeControlFrame({ type: 'hello', wire: WIRE_VERSION + 1, process: proc, mode: 'tree' });
  assert.throws(() => new WireDecoder().push(foreign), /wire version .* same build/);
});

test('wire: a tally and its state decode to one tally event, even with the two records in separate frames', () => {
  const head = concat([
    encodeControlFrame({ type: 'hello', wire: WIRE_VERSION, process: proc, mode: 'tree' }),
    encodeControlFrame({ type: 'site', site: 1, kind: 'async-function', name: 'leaf', file: '/app/main.js', line: 7, column: 1 }),
    encodeControlFrame({ type: 'site', site: 2, kind: 'timeout', name: 'setTimeout callback' }),
  ]);
  const tally = [OP_TALLY, 1, 0, 1, 0, 4950, 20, 5];
  const state = [OP_TALLY_STATE, 1, 4900, 40, 0, 12.5, 20, 9900];
  const child = [[OP_TALLY, 2, 0, 2, 1, 3, 21, 6], [OP_TALLY_STATE, 2, 1, 0, 2, 0, 21, 1]];
  const want: TraceEvent[] = [
    proc,
    { type: 'tally', ts: 20, id: 1, parentId: 0, kind: 'async-function', name: 'leaf', site: { file: '/app/main.js', line: 7, column: 1 },
      count: 4950, resolved: 4900, rejected: 40, cancelled: 0, runs: 9900, runMs: 12.5, firstTs: 5 },
    { type: 'tally', ts: 21, id: 2, parentId: 0, parentTally: 1, kind: 'timeout', name: 'setTimeout callback',
      count: 3, resolved: 1, rejected: 0, cancelled: 2, runs: 1, runMs: 0, firstTs: 6 },
  ];
  const split = concat([head, recordsFrame([tally]), recordsFrame([state, ...child])]);
  assert.deepEqual(new WireDecoder().push(split), want);
  const together = concat([head, recordsFrame([tally, state, ...child])]);
  assert.deepEqual(new WireDecoder().push(together), want);
  // A state record without its tally is a corrupt stream, not a guess.
  assert.throws(() => new WireDecoder().push(concat([head, recordsFrame([state])])), WireError);
});
