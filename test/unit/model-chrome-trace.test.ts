import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toChromeTrace } from '../../src/model/index.ts';
import { TraceBuilder, at, shopTrace, assertValidChromeTrace as assertValid } from './model-builder.ts';

test('a Chrome trace: metadata, runs as X in µs, one b/e span per task, the block by name', () => {
  const b = shopTrace().spawn(9, 0, 'interval', 'setInterval', at(50)).exit(0);
  const trace = toChromeTrace(b.events);
  assert.equal(trace.displayTimeUnit, 'ms');
  assertValid(trace.traceEvents);
  const ev = trace.traceEvents;
  assert.ok(ev.some((e) => e.ph === 'M' && e.name === 'process_name' && (e.args as { name: string }).name === 'node app.js'));
  assert.ok(ev.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid === 1));
  const run = ev.find((e) => e.ph === 'X' && e.cat === 'run')!;
  assert.equal(run.name, 'setTimeout callback');
  assert.equal(run.dur, 215_000, '215 ms in µs');
  const spawn8 = b.events.find((e) => e.type === 'spawn' && e.id === 8)!;
  const begin = ev.find((e) => e.ph === 'b' && e.id === '0x8')!;
  assert.equal(begin.ts, spawn8.ts * 1000);
  assert.equal((begin.args as { kind: string }).kind, 'timeout');
  const pending = ev.find((e) => e.ph === 'e' && e.id === '0x9')!;
  assert.equal((pending.args as { state: string }).state, 'pending', 'a task pending at exit still gets its end');
  const block = ev.find((e) => e.cat === 'block')!;
  assert.equal(block.name, 'Blocked 215 ms in crunch');
  assert.equal(block.dur, 215_000);
  assert.match(String((block.args as { location: string }).location), /app\.js:7:3$/);
  assert.equal(ev.filter((e) => e.ph === 'b').length, 10, 'root + 9 tasks');
  assert.equal(trace.metadata.pid, 4242);
  assert.deepEqual(JSON.parse(JSON.stringify(trace)), trace, 'plain JSON: no NaN, no undefined left behind');
});

test('runs that overlap (a slice reported late, nested runs) are clipped so they nest', () => {
  const b = new TraceBuilder().spawn(1, 0, 'timeout', 'setTimeout', at(1)).spawn(2, 1, 'async-function', 'f', at(2));
  b.events.push({ type: 'run', ts: 10, id: 1, dur: 10 }, { type: 'run', ts: 12, id: 2, dur: 3 }, { type: 'run', ts: 18, id: 2, dur: 5 });
  b.events.push({ type: 'run', ts: 30, id: 1, dur: Number.NaN } as never);
  const trace = toChromeTrace(b.events);
  assertValid(trace.traceEvents);
  const runs = trace.traceEvents.filter((e) => e.cat === 'run');
  assert.equal(runs.length, 4);
  assert.equal(runs[2].dur, 2000, 'clipped at the end of the enclosing run');
});

test('events for unknown tasks and settle without spawn do not produce dangling spans', () => {
  const b = new TraceBuilder().settle(5, 'resolved').run(6, 1).cancel(7, 'abort');
  assertValid(toChromeTrace(b.events).traceEvents);
});

test('tallies: no spans (no per-task times), one counter track per hot site summing its tallies over time', () => {
  const b = shopTrace();
  const tally = (id: number, parentId: number, count: number, line = 12) =>
    b.events.push({ type: 'tally', ts: ++b.ts, id, parentId, kind: 'async-function', name: 'leaf', site: at(line), count, resolved: count, rejected: 0, cancelled: 0, runs: count, runMs: 1, firstTs: 1 });
  tally(1, 1, 100);
  tally(2, 2, 50); // the same site under another spawner: the same track
  tally(1, 1, 300);
  tally(3, 1, 7, 99); // another site: a track of its own
  b.exit(0);
  const trace = toChromeTrace(b.events);
  assertValid(trace.traceEvents);
  const counters = trace.traceEvents.filter((e) => e.ph === 'C');
  assert.deepEqual(counters.map((e) => [e.name.replace(/ \S*app\.js/, ' app.js'), (e.args as { counted: number }).counted]), [
    ['counted: leaf app.js:12:1', 100], ['counted: leaf app.js:12:1', 150], ['counted: leaf app.js:12:1', 350], ['counted: leaf app.js:99:1', 7],
  ]);
  assert.ok(counters.every((e, i) => i === 0 || e.ts >= counters[i - 1].ts));
  assert.equal(trace.traceEvents.filter((e) => e.ph === 'b').length, 9, 'spans for the recorded tasks only');
  assert.equal(trace.metadata.counted, 357);
  assert.equal(trace.metadata.tallies, 3);
});
