import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceModel, MAX_SLICES, MAX_AWAITED } from '../../src/model/index.ts';
import { APP, TraceBuilder, at, shopTrace } from './model-builder.ts';

test('spawns nest under their parent; an unknown parent puts the task under the root', () => {
  const m = new TraceModel(new TraceBuilder()
    .spawn(1, 0, 'async-function', 'outer', at(1))
    .spawn(2, 1, 'async-function', 'inner', at(2))
    .spawn(3, 99, 'timeout', 'setTimeout', at(3)).events);
  assert.deepEqual(m.root.children, [1, 3]);
  assert.deepEqual(m.tasks.get(1)!.children, [2]);
  assert.equal(m.tasks.get(3)!.parentId, 0);
  assert.deepEqual(m.ancestors(2).map((t) => t.id), [2, 1, 0]);
  assert.deepEqual(m.ancestors(12345), []);
});

test('the root is named after the script from argv', () => {
  const m = new TraceModel(new TraceBuilder().events);
  assert.equal(m.root.name, 'app.js');
  assert.equal(m.root.kind, 'main');
  assert.equal(m.root.site?.file, APP);
});

test('a combinator moves its members under it and lists them', () => {
  const m = new TraceModel(shopTrace().events);
  const dash = m.tasks.get(1)!;
  assert.deepEqual(dash.children, [4, 5], 'fetchOrders and fetchUser left loadDashboard');
  assert.deepEqual(m.tasks.get(4)!.children, [2, 3]);
  assert.deepEqual(m.tasks.get(4)!.members, [2, 3]);
  assert.equal(m.tasks.get(2)!.parentId, 4);
  assert.deepEqual(m.ancestors(3).map((t) => t.name), ['fetchUser', 'Promise.all', 'loadDashboard', 'app.js']);
});

test('a promise raced twice stays in its first group; a move that would make a cycle is refused', () => {
  const m = new TraceModel(new TraceBuilder()
    .spawn(1, 0, 'async-function', 'job', at(1))
    .spawn(2, 0, 'promise-race', 'Promise.race', at(2))
    .spawn(3, 0, 'promise-race', 'Promise.race', at(3))
    .group(2, [1])
    .group(3, [1])
    .spawn(4, 1, 'promise-all', 'Promise.all', at(4))
    .group(4, [2]) // 2 is an ancestor of 4 (2 → 1 → 4): moving it would loop
    .events);
  assert.equal(m.tasks.get(1)!.parentId, 2);
  assert.deepEqual(m.tasks.get(3)!.members, [1]);
  assert.deepEqual(m.tasks.get(3)!.children, []);
  assert.equal(m.tasks.get(2)!.parentId, 0);
  assert.deepEqual(m.ancestors(4).map((t) => t.id), [4, 1, 2, 0]);
});

test('cancel, reject, and pending at exit', () => {
  const m = new TraceModel(shopTrace().spawn(9, 0, 'interval', 'setInterval', at(50)).exit(1, 'exit').events);
  assert.equal(m.tasks.get(7)!.state, 'cancelled');
  assert.equal(m.tasks.get(7)!.cancelReason, 'clearTimeout');
  assert.ok(m.tasks.get(7)!.endTs! > m.tasks.get(7)!.spawnTs);
  assert.equal(m.tasks.get(3)!.state, 'rejected');
  assert.equal(m.tasks.get(9)!.state, 'pending');
  assert.equal(m.tasks.get(9)!.endTs, undefined);
  assert.equal(m.root.state, 'rejected', 'exit code 1 rejects the main module');
  assert.equal(m.info.exit?.code, 1);
  const states = [...m.tasks.values()].map((t) => t.state);
  for (const s of ['pending', 'resolved', 'rejected', 'cancelled'] as const) {
    assert.equal(m.info.counts[s], states.filter((x) => x === s).length, `counts.${s}`);
  }
});

test('an aborted task that rejects after its cancel stays cancelled, but takes the aggregates', () => {
  const m = new TraceModel(new TraceBuilder()
    .spawn(1, 0, 'async-function', 'download', at(1))
    .cancel(1, 'abort')
    .settle(1, 'rejected', { runs: 3, runMs: 4.5, awaits: 2 }).events);
  const t = m.tasks.get(1)!;
  assert.equal(t.state, 'cancelled');
  assert.equal(t.cancelReason, 'abort');
  assert.equal(t.runs, 3);
  assert.equal(t.runMs, 4.5);
  assert.equal(t.awaits, 2);
});

test('runs add slices and counts; settle aggregates win over what was sent', () => {
  const b = new TraceBuilder().spawn(1, 0, 'async-function', 'work', at(1)).run(1, 2).run(1, 3).await(1, 0).await(1, 0);
  const m = new TraceModel(b.events);
  const t = m.tasks.get(1)!;
  assert.equal(t.runs, 2);
  assert.equal(t.runMs, 5);
  assert.equal(t.slices.length, 2);
  assert.equal(t.awaits, 2);
  assert.deepEqual(t.awaited, [0], 'no repeats');
  m.apply(new TraceBuilder().settle(1, 'resolved', { runs: 40, runMs: 7, awaits: 39 }).events.slice(1));
  assert.equal(t.runs, 40);
  assert.equal(t.awaits, 39);
  assert.equal(t.slices.length, 2);
});

test('slices and awaited lists are bounded per task; runs stay exact', () => {
  const b = new TraceBuilder().spawn(1, 0, 'interval', 'setInterval', at(1));
  for (let i = 0; i < MAX_SLICES + 500; i++) b.run(1, 0.5);
  for (let i = 0; i < MAX_AWAITED + 500; i++) b.await(1, 10_000 + (i % (MAX_AWAITED + 200)));
  const m = new TraceModel(b.events);
  const t = m.tasks.get(1)!;
  assert.equal(t.slices.length, MAX_SLICES);
  assert.equal(t.slicesOmitted, 500);
  assert.equal(t.runs, MAX_SLICES + 500);
  assert.equal(t.runMs, (MAX_SLICES + 500) * 0.5);
  assert.equal(t.awaited.length, MAX_AWAITED);
  assert.equal(new Set(t.awaited).size, MAX_AWAITED);
});

test('a block is merged from its live and final reports under one id and attached to its task', () => {
  const m = new TraceModel();
  const events = shopTrace().events;
  const liveAt = events.findIndex((e) => e.type === 'block');
  m.apply(events.slice(0, liveAt + 1));
  assert.equal(m.blocks.get(1)!.final, false);
  assert.equal(m.blocks.get(1)!.durationMs, 120);
  m.apply(events.slice(liveAt + 1));
  assert.equal(m.blocks.size, 1);
  assert.equal(m.blocks.get(1)!.final, true);
  assert.equal(m.blocks.get(1)!.durationMs, 215);
  assert.deepEqual(m.tasks.get(8)!.blocks, [1]);
  // A late live report never undoes the final one.
  m.apply([{ type: 'block', ts: 1, id: 1, final: false, durationMs: 150, cause: 'callback', taskId: 8, stack: [] }]);
  assert.equal(m.blocks.get(1)!.durationMs, 215);
});

test('a block whose final report names another task moves to it; one without a known task goes to the root', () => {
  const m = new TraceModel(new TraceBuilder()
    .spawn(1, 0, 'timeout', 'setTimeout', at(1))
    .block({ id: 5, final: false, durationMs: 80 })
    .block({ id: 5, final: true, durationMs: 90, taskId: 1 })
    .block({ id: 6, final: true, durationMs: 60, taskId: 777 }).events);
  assert.deepEqual(m.root.blocks, [6]);
  assert.deepEqual(m.tasks.get(1)!.blocks, [5]);
  assert.equal(m.blockTask(m.blocks.get(6)!), m.root);
});

test('blocks sort by duration and by time', () => {
  const m = new TraceModel(new TraceBuilder()
    .block({ id: 1, durationMs: 60 })
    .block({ id: 2, durationMs: 300 })
    .block({ id: 3, durationMs: 120 }).events);
  assert.deepEqual(m.blocksByDuration().map((b) => b.id), [2, 3, 1]);
  assert.deepEqual(m.blockList().map((b) => b.id), [1, 2, 3]);
});

test('drop counts are cumulative per reason and summed across reasons', () => {
  const m = new TraceModel(new TraceBuilder().drop(10, 'task cap').drop(25, 'task cap').drop(3, 'queue full').drop(20, 'task cap').events);
  assert.equal(m.info.dropped, 28);
  assert.deepEqual(m.info.dropsByReason, { 'task cap': 25, 'queue full': 3 });
});

test('events for tasks never spawned are counted and skipped, not thrown', () => {
  const m = new TraceModel(new TraceBuilder().run(50, 1).settle(51, 'resolved').cancel(52, 'abort').await(53, 1).group(54, [1]).events);
  assert.equal(m.tasks.size, 1);
  assert.equal(m.info.orphanEvents, 5);
});

test('applying in live batches gives the same model as applying at once; version bumps per apply', () => {
  const events = shopTrace().exit().events;
  const whole = new TraceModel(events);
  const live = new TraceModel();
  let v = live.version;
  for (let i = 0; i < events.length; i += 3) {
    live.apply(events.slice(i, i + 3));
    assert.equal(live.version, ++v);
  }
  assert.deepEqual([...live.tasks.entries()], [...whole.tasks.entries()]);
  assert.deepEqual([...live.blocks.entries()], [...whole.blocks.entries()]);
  assert.deepEqual(live.info, whole.info);
});

test('endTs covers the end of the last run and block', () => {
  const m = new TraceModel(new TraceBuilder().spawn(1, 0, 'timeout', 'setTimeout', at(1)).run(1, 500).events);
  assert.ok(m.info.endTs >= 500, String(m.info.endTs));
});

test('a final report that only saw the caller keeps the deeper line the live report caught', () => {
  // Recorded on this machine: the live pause landed inside crunch(); the final one after it returned, in tick().
  const crunch = at(12, 3, 'crunch');
  const tick = at(36, 32, 'tick');
  const m = new TraceModel(new TraceBuilder()
    .block({ id: 1, final: false, durationMs: 112, location: crunch, stack: [crunch, tick] })
    .block({ id: 1, final: true, durationMs: 122, location: at(36, 3, 'tick'), stack: [at(36, 27, 'tick')] })
    // A block that moved on to other code keeps the final report's line.
    .block({ id: 2, final: false, durationMs: 60, location: crunch, stack: [crunch, tick] })
    .block({ id: 2, final: true, durationMs: 90, location: at(50, 1, 'render'), stack: [at(50, 1, 'render')] }).events);
  assert.deepEqual(m.blocks.get(1)!.location, crunch);
  assert.equal(m.blocks.get(1)!.durationMs, 122);
  assert.equal(m.blocks.get(1)!.final, true);
  assert.equal(m.blocks.get(2)!.location!.function, 'render');
});

test('a stall keeps the final report\'s place (the loop that keeps it going), not the short step a live report caught', () => {
  const tick = at(3, 36, 'tick');
  const loop = at(7, 35, 'stall');
  const m = new TraceModel(new TraceBuilder()
    .block({ id: 1, final: false, durationMs: 60, cause: 'callback', location: tick, stack: [tick, loop] })
    .block({ id: 1, final: true, durationMs: 300, cause: 'stall', location: loop, stack: [tick, loop] }).events);
  assert.deepEqual(m.blocks.get(1)!.location, loop);
  assert.equal(m.blocks.get(1)!.cause, 'stall');
});

test('a malformed event from an unvalidated source is counted and skipped; the rest still applies', () => {
  const m = new TraceModel();
  m.apply([
    { type: 'group', ts: 1, id: 0, members: null } as never,
    { type: 'spawn', ts: 2, id: 1, parentId: 0, kind: 'timeout', name: 'setTimeout' },
  ]);
  assert.equal(m.info.invalidEvents, 1);
  assert.equal(m.tasks.size, 2);
});

test('members spawned long before their combinator (other siblings in between) still move, order kept', () => {
  const b = new TraceBuilder();
  for (let i = 1; i <= 100; i++) b.spawn(i, 0, 'async-function', 'fetchItem', at(5));
  for (let i = 101; i <= 400; i++) b.spawn(i, 0, 'async-function', 'other', at(6));
  b.spawn(500, 0, 'promise-all', 'Promise.all', at(7)).group(500, Array.from({ length: 100 }, (_, i) => i + 1).concat([399, 400]));
  const m = new TraceModel(b.events);
  assert.deepEqual(m.tasks.get(500)!.children, [...Array.from({ length: 100 }, (_, i) => i + 1), 399, 400]);
  assert.equal(m.root.children.length, 300 - 2 + 1);
  assert.equal(m.root.children[0], 101);
  assert.ok(!m.root.children.includes(50) && !m.root.children.includes(400));
  for (const id of m.tasks.get(500)!.children) assert.equal(m.tasks.get(id)!.parentId, 500);
});
