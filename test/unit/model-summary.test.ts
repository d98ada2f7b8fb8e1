import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceModel, buildSummary } from '../../src/model/index.ts';
import type { Summary, TallyEvent } from '../../src/protocol/index.ts';
import { APP, TraceBuilder, at, shopTrace } from './model-builder.ts';

function ancestorsIn(s: Summary, id: string): string[] {
  const byId = new Map(s.tasks.map((t) => [t.id, t]));
  const names: string[] = [];
  let cur = byId.get(id)?.parentId ?? null;
  while (cur !== null) { const t = byId.get(cur)!; names.push(t.name); cur = t.parentId; }
  return names;
}

test('each listed task has its nearest listed ancestor as parent; unlisted continuations are left out', () => {
  const s = buildSummary(new TraceModel(shopTrace().exit().events));
  const names = s.tasks.map((t) => t.name);
  assert.ok(!s.tasks.some((t) => t.id === '5'), 'the anonymous library continuation is not listed');
  assert.deepEqual(ancestorsIn(s, '6'), ['loadDashboard', 'app.js'], 'fetchPrices is found under loadDashboard');
  assert.deepEqual(ancestorsIn(s, '2'), ['Promise.all', 'loadDashboard', 'app.js']);
  assert.ok(names.includes('setTimeout'));
  for (const t of s.tasks) {
    if (t.parentId !== null) assert.ok(s.tasks.some((p) => p.id === t.parentId), `parent of ${t.id} is listed`);
  }
  // Parents come before their children.
  const index = new Map(s.tasks.map((t, i) => [t.id, i]));
  for (const t of s.tasks) if (t.parentId !== null) assert.ok(index.get(t.parentId)! < index.get(t.id)!);
});

test('states, kinds, spawn-site locations and ids as strings', () => {
  const s = buildSummary(new TraceModel(shopTrace().spawn(9, 1, 'interval', 'setInterval', at(60, 5)).exit(0).events));
  const byId = new Map(s.tasks.map((t) => [t.id, t]));
  assert.equal(s.schema, 'loopscope.summary/1');
  assert.equal(byId.get('0')!.state, 'resolved');
  assert.equal(byId.get('0')!.kind, 'main');
  assert.equal(byId.get('3')!.state, 'rejected');
  assert.equal(byId.get('7')!.state, 'cancelled');
  assert.equal(byId.get('9')!.state, 'pending');
  assert.deepEqual(byId.get('9')!.location, { file: APP, line: 60, column: 5 });
  assert.equal(byId.get('4')!.kind, 'promise-all');
});

test('blocks: duration, task, innermost user frame (absolute), stack; header fields', () => {
  const b = shopTrace();
  b.block({ id: 2, durationMs: 70, cause: 'stall', taskId: 5, stack: [at(3, 1, 'x', '/home/dev/shop/node_modules/lib/i.js'), at(44, 2, 'tick')] });
  b.drop(7).exit(0);
  const s = buildSummary(new TraceModel(b.events));
  assert.equal(s.blocks.length, 2);
  assert.deepEqual(s.blocks[0], {
    durationMs: 215, taskId: '8', cause: 'callback',
    location: { file: APP, line: 7, column: 3, function: 'crunch' },
    stack: [{ file: APP, line: 7, column: 3, function: 'crunch' }, { file: APP, line: 12, column: 14 }],
  });
  assert.equal(s.blocks[1].taskId, '1', 'a block in an unlisted task is credited to its nearest listed ancestor');
  assert.equal(s.blocks[1].cause, 'stall');
  assert.equal(s.exitCode, 0);
  assert.equal(s.signal, null);
  assert.equal(s.thresholdMs, 50);
  assert.equal(s.dropped, 7);
  assert.equal(s.durationMs, b.ts, 'process start → exit');
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
});

test('a run that has not exited yet: no exit code, duration so far', () => {
  const s = buildSummary(new TraceModel(new TraceBuilder().spawn(1, 0, 'timeout', 'setTimeout', at(1)).run(1, 30).events));
  assert.equal(s.exitCode, null);
  assert.ok(s.durationMs >= 30);
  assert.equal(s.tasks.find((t) => t.id === '0')!.state, 'pending');
});

/** A tally event as the agent sends it (cumulative counts; a later one with the same id replaces). */
function tally(b: TraceBuilder, ev: Partial<TallyEvent> & Pick<TallyEvent, 'id' | 'parentId' | 'name' | 'count'>): TraceBuilder {
  b.events.push({ type: 'tally', ts: ++b.ts, kind: 'async-function', resolved: ev.count, rejected: 0, cancelled: 0, runs: ev.count, runMs: 1, firstTs: b.ts, ...ev });
  return b;
}

test('tallies: always present, [] when nothing was counted', () => {
  const s = buildSummary(new TraceModel(shopTrace().exit().events));
  assert.deepEqual(s.tallies, []);
});

test('tallies: counts with pending, the latest cumulative event, parentId the nearest listed task, parentTally, location', () => {
  const b = shopTrace();
  tally(b, { id: 1, parentId: 1, name: 'leaf', site: at(12, 3), count: 500, resolved: 400 });
  // Spawned by the anonymous library continuation 5 (not listed): credited to loadDashboard (1), like its tasks.
  tally(b, { id: 2, parentId: 5, name: 'fetchPrice', site: at(14), count: 20, resolved: 10, rejected: 5, cancelled: 2 });
  // What the counted leaf tasks spawned: counted too, under tally 1.
  tally(b, { id: 3, parentId: 1, parentTally: 1, kind: 'timeout', name: 'setTimeout', site: at(13), count: 9000, resolved: 9000 });
  tally(b, { id: 1, parentId: 1, name: 'leaf', site: at(12, 3), count: 98_000, resolved: 97_990 });
  tally(b, { id: 4, parentId: 0, name: 'tick', count: 3, resolved: 3 }); // no site; spawned by the main module
  b.exit(0);
  const s = buildSummary(new TraceModel(b.events));
  assert.deepEqual(s.tallies, [
    { id: '1', parentId: '1', name: 'leaf', kind: 'async-function', count: 98_000, resolved: 97_990, rejected: 0, cancelled: 0, pending: 10,
      location: { file: APP, line: 12, column: 3 } },
    { id: '2', parentId: '1', name: 'fetchPrice', kind: 'async-function', count: 20, resolved: 10, rejected: 5, cancelled: 2, pending: 3,
      location: { file: APP, line: 14, column: 1 } },
    { id: '3', parentId: '1', parentTally: '1', name: 'setTimeout', kind: 'timeout', count: 9000, resolved: 9000, rejected: 0, cancelled: 0, pending: 0,
      location: { file: APP, line: 13, column: 1 } },
    { id: '4', parentId: '0', name: 'tick', kind: 'async-function', count: 3, resolved: 3, rejected: 0, cancelled: 0, pending: 0 },
  ]);
  for (const t of s.tallies!) {
    assert.ok(s.tasks.some((x) => x.id === t.parentId), `parentId of tally ${t.id} is a listed task`);
    if (t.parentTally) assert.ok(s.tallies!.findIndex((x) => x.id === t.parentTally) < s.tallies!.indexOf(t), 'parent tally first');
  }
  assert.ok(!s.tasks.some((t) => t.name === 'leaf'), 'counted tasks are not listed as tasks');
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'plain JSON');
});
