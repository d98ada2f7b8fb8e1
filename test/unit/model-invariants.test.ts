// Random event streams (seeded, so a failure replays): whatever order spawns, groups, settles, cancels and
// blocks arrive in, the model stays a tree that every view can walk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceModel, buildSummary, renderTaskTree, toChromeTrace, type TaskNode } from '../../src/model/index.ts';
import type { TaskKind, TraceEvent } from '../../src/protocol/index.ts';
import { assertValidChromeTrace } from './model-builder.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const KINDS: TaskKind[] = ['async-function', 'timeout', 'interval', 'then', 'io', 'promise-all', 'promise-race'];

function randomEvents(seed: number, n: number): TraceEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const ids: number[] = [0];
  const ev: TraceEvent[] = [];
  let ts = 0;
  for (let i = 0; i < n; i++) {
    ts += r() * 3;
    const x = r();
    const any = () => (r() < 0.05 ? 10_000 + Math.floor(r() * 100) : pick(ids)); // sometimes an id never spawned
    if (x < 0.35 || ids.length < 3) {
      const id = ids.length;
      ids.push(id);
      const kind = pick(KINDS);
      ev.push({ type: 'spawn', ts, id, parentId: any(), kind, name: r() < 0.3 ? kind : pick(['a', 'b', 'c']), site: { file: '/p/x.js', line: 1 + Math.floor(r() * 5), column: 1 } });
    } else if (x < 0.45) {
      ev.push({ type: 'group', ts, id: any(), members: Array.from({ length: 1 + Math.floor(r() * 4) }, any) });
    } else if (x < 0.6) {
      ev.push({ type: 'run', ts, id: any(), dur: r() * 5 });
    } else if (x < 0.7) {
      ev.push({ type: 'await', ts, id: any(), on: any() });
    } else if (x < 0.82) {
      ev.push({ type: 'settle', ts, id: any(), state: r() < 0.8 ? 'resolved' : 'rejected' });
    } else if (x < 0.9) {
      ev.push({ type: 'cancel', ts, id: any(), reason: 'clearTimeout' });
    } else if (x < 0.97) {
      const id = 1 + Math.floor(r() * 5);
      ev.push({ type: 'block', ts, id, final: r() < 0.5, durationMs: 50 + r() * 200, cause: 'callback', taskId: any(), stack: [{ file: '/p/x.js', line: 3, column: 1, function: 'f' }] });
    } else {
      ev.push({ type: 'drop', ts, count: Math.floor(r() * 100), reason: pick(['cap', 'queue']) });
    }
  }
  ev.push({ type: 'exit', ts: ts + 1, code: 0, signal: null, reason: 'exit' });
  return ev;
}

function assertTree(m: TraceModel): void {
  // Every task is reached from the root exactly once, and its parentId names the node that lists it.
  const seen = new Set<number>();
  const stack: TaskNode[] = [m.root];
  while (stack.length) {
    const t = stack.pop()!;
    assert.ok(!seen.has(t.id), `task ${t.id} reached twice`);
    seen.add(t.id);
    for (const c of t.children) {
      const child = m.tasks.get(c);
      assert.ok(child, `child ${c} of ${t.id} exists`);
      assert.equal(child.parentId, t.id, `parentId of ${c}`);
      stack.push(child);
    }
  }
  assert.equal(seen.size, m.tasks.size, 'every task is in the tree');
  const counts = { pending: 0, resolved: 0, rejected: 0, cancelled: 0 };
  for (const t of m.tasks.values()) counts[t.state]++;
  assert.deepEqual(m.info.counts, counts);
  for (const [id, b] of m.blocks) assert.ok(m.blockTask(b).blocks.includes(id), `block ${id} listed on its task`);
}

test('random event streams keep the model a tree with consistent counts, in any batching', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const events = randomEvents(seed, 600);
    const whole = new TraceModel(events);
    assertTree(whole);
    const live = new TraceModel();
    const r = rng(seed * 7);
    for (let i = 0; i < events.length;) { const n = 1 + Math.floor(r() * 50); live.apply(events.slice(i, i + n)); i += n; }
    assert.deepEqual([...live.tasks.entries()], [...whole.tasks.entries()], `seed ${seed}`);
    // Every view of it works.
    const s = buildSummary(whole);
    const ids = new Set(s.tasks.map((t) => t.id));
    for (const t of s.tasks) if (t.parentId !== null) assert.ok(ids.has(t.parentId), `seed ${seed}: parent ${t.parentId} listed`);
    for (const b of s.blocks) if (b.taskId !== null) assert.ok(ids.has(b.taskId), `seed ${seed}: block task ${b.taskId} listed`);
    assert.ok(renderTaskTree(whole).startsWith('main module'));
    assertValidChromeTrace(toChromeTrace(events).traceEvents);
  }
});
