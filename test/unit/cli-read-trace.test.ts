import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readTrace, TraceReadError } from '../../src/cli/read-trace.ts';
import { exitStatus } from '../../src/cli/exit-status.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-read-trace-'));
const header = '{"type":"header","schema":"loopscope.trace/1"}';
const proc = '{"type":"process","ts":0,"pid":1,"argv":["node","a.js"],"cwd":"/w","nodeVersion":"v20","platform":"linux","mode":"tree","thresholdMs":50,"timeOrigin":1}';
const spawn = '{"type":"spawn","ts":1,"id":1,"parentId":0,"kind":"timeout","name":"setTimeout"}';
const exit = '{"type":"exit","ts":9,"code":0,"signal":null,"reason":"exit"}';

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a whole trace: no problems', () => {
  const { trace, problems } = readTrace(file('ok.ndjson', [header, proc, spawn, exit].join('\n') + '\n'));
  assert.equal(trace.events.length, 3);
  assert.deepEqual(problems, []);
});

test('a trace cut mid-line: names the line, keeps every event before it, notes the missing exit', () => {
  const f = file('cut.ndjson', [header, proc, spawn, exit.slice(0, 20)].join('\n'));
  const { trace, problems } = readTrace(f);
  assert.deepEqual(trace.events.map((e) => e.type), ['process', 'spawn']);
  assert.equal(problems.length, 2);
  assert.equal(problems[0], `${f}: line 4 is cut off (the run ended before the trace was complete); using the 2 events before it`);
  assert.match(problems[1], /no exit event/);
});

test('an invalid line in the middle: named with its field, skipped, the rest kept', () => {
  const f = file('bad.ndjson', [header, proc, spawn.replace('"id":1', '"id":"one"'), exit].join('\n') + '\n');
  const { trace, problems } = readTrace(f);
  assert.deepEqual(trace.events.map((e) => e.type), ['process', 'exit']);
  assert.deepEqual(problems, [`${f}: line 3 (spawn): field "id": expected a whole number ≥ 0 (line skipped)`]);
});

test('not a trace, empty, or missing: TraceReadError with the reason', () => {
  assert.throws(() => readTrace(file('empty.ndjson', '')), (e: unknown) => e instanceof TraceReadError && /is not a Loopscope trace: line 1: the file is empty/.test(e.message));
  assert.throws(() => readTrace(file('other.json', '{"a":1}\n')), /is not a Loopscope trace: line 1: field "type"/);
  assert.throws(() => readTrace(path.join(dir, 'missing.ndjson')), /cannot find the trace .*missing\.ndjson/);
});

test('exit status: the code, or 128 + signal number like a shell', () => {
  assert.equal(exitStatus(0, null), 0);
  assert.equal(exitStatus(5, null), 5);
  assert.equal(exitStatus(null, 'SIGKILL'), 137);
  assert.equal(exitStatus(null, 'SIGINT'), 130);
  assert.equal(exitStatus(null, 'SIGTERM'), 143);
});
