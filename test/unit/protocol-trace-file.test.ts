// The trace file: a reader keeps everything valid, names the line and field of what is not, and refuses
// files that are not Loopscope traces at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace, serializeTraceLine, traceHeader, TraceFormatError, TRACE_SCHEMA } from '../../src/protocol/index.ts';

const header = serializeTraceLine(traceHeader('test'));
const spawn = serializeTraceLine({ type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'timeout', name: 'setTimeout callback' });
const settle = serializeTraceLine({ type: 'settle', ts: 2, id: 1, state: 'resolved' });

test('trace file: header and events round-trip', () => {
  const t = parseTrace(header + spawn + settle);
  assert.equal(t.header.schema, TRACE_SCHEMA);
  assert.deepEqual(t.events.map((e) => e.type), ['spawn', 'settle']);
  assert.equal(t.truncated, false);
  assert.deepEqual(t.errors, []);
});

test('trace file: a last line cut off by a dying writer is noted, everything before it kept', () => {
  const t = parseTrace(header + spawn + settle.slice(0, 20));
  assert.equal(t.truncated, true);
  assert.deepEqual(t.events.map((e) => e.type), ['spawn']);
});

test('trace file: invalid lines are skipped with their line number and field', () => {
  const badField = JSON.stringify({ type: 'spawn', ts: 1, id: 'x', parentId: 0, kind: 'timeout', name: 'n' }) + '\n';
  const missing = JSON.stringify({ type: 'settle', ts: 2, id: 1 }) + '\n';
  const t = parseTrace(header + badField + 'not json\n' + missing + settle);
  assert.equal(t.events.length, 1);
  assert.match(t.errors[0]!, /^line 2 \(spawn\): field "id"/);
  assert.match(t.errors[1]!, /^line 3: not valid JSON/);
  assert.match(t.errors[2]!, /^line 4 \(settle\): field "state" is missing/);
});

test('trace file: not a trace, or another schema version, is refused with what was expected', () => {
  assert.throws(() => parseTrace(''), TraceFormatError);
  assert.throws(() => parseTrace('hello\n'), /line 1: not JSON/);
  assert.throws(() => parseTrace(spawn), /line 1: expected the header/);
  assert.throws(() => parseTrace(JSON.stringify({ type: 'header', schema: 'loopscope.trace/9' }) + '\n'), /field "schema".*reads loopscope\.trace\/1/);
});

test('trace file: a block\'s wait for a CPU is an optional number, checked like any field', () => {
  const block = { type: 'block', ts: 3, id: 1, final: true, durationMs: 120, cause: 'callback', queuedMs: 40.5, stack: [] };
  const t = parseTrace(header + JSON.stringify(block) + '\n' + JSON.stringify({ ...block, id: 2, queuedMs: '40' }) + '\n');
  assert.deepEqual(t.events, [block]);
  assert.match(t.errors[0]!, /^line 3 \(block\): field "queuedMs"/);
});

test('trace file: a block in a counted task carries its tally id, checked like any field', () => {
  const block = { type: 'block', ts: 3, id: 1, final: true, durationMs: 120, cause: 'callback', taskId: 1, tallyId: 2, stack: [] };
  const t = parseTrace(header + JSON.stringify(block) + '\n' + JSON.stringify({ ...block, id: 2, tallyId: 'x' }) + '\n');
  assert.deepEqual(t.events, [block]);
  assert.match(t.errors[0]!, /^line 3 \(block\): field "tallyId"/);
});
