import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceModel, buildSummary, renderTaskTree, toChromeTrace } from '../../src/model/index.ts';
import type { TraceEvent } from '../../src/protocol/index.ts';
import { APP } from './model-builder.ts';

/**
 * 100k tasks / ~1M events shaped like a busy server: 1000 requests, each an async handler fanning out
 * to 98 fetches through Promise.all, then awaiting them, with run slices and settles.
 */
function bigTrace(): TraceEvent[] {
  const ev: TraceEvent[] = [];
  let ts = 0;
  let id = 1;
  for (let r = 0; r < 1000; r++) {
    const handler = id++;
    ev.push({ type: 'spawn', ts: ts++, id: handler, parentId: 0, kind: 'async-function', name: 'handleRequest', site: { file: APP, line: 10, column: 1 } });
    const members: number[] = [];
    for (let i = 0; i < 98; i++) {
      const t = id++;
      members.push(t);
      ev.push({ type: 'spawn', ts: ts++, id: t, parentId: handler, kind: 'async-function', name: 'fetchItem', site: { file: APP, line: 20, column: 1 } });
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.01 });
      ev.push({ type: 'await', ts: ts++, id: t, on: handler + 1 }); // two distinct awaited ids per fetch
      ev.push({ type: 'await', ts: ts++, id: t, on: handler });
    }
    const all = id++;
    ev.push({ type: 'spawn', ts: ts++, id: all, parentId: handler, kind: 'promise-all', name: 'Promise.all', site: { file: APP, line: 12, column: 9 } });
    ev.push({ type: 'group', ts: ts++, id: all, members });
    ev.push({ type: 'await', ts: ts++, id: handler, on: all });
    for (const t of members) {
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.02 });
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.02 });
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.02 });
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.02 });
      ev.push({ type: 'run', ts: ts++, id: t, dur: 0.02 });
      ev.push({ type: 'settle', ts: ts++, id: t, state: 'resolved', runs: 3, runMs: 0.05, awaits: 1 });
    }
    ev.push({ type: 'settle', ts: ts++, id: all, state: 'resolved' });
    ev.push({ type: 'settle', ts: ts++, id: handler, state: 'resolved' });
  }
  ev.push({ type: 'exit', ts: ts++, code: 0, signal: null, reason: 'exit' });
  return ev;
}

test('a 100k-task, 1M-event trace applies in live batches (time printed, not asserted)', () => {
  const events = bigTrace();
  const heapBefore = process.memoryUsage().heapUsed;
  const m = new TraceModel();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += 5000) m.apply(events.slice(i, i + 5000));
  const applyMs = performance.now() - t0;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
  assert.equal(m.tasks.size, 100_001);
  assert.equal(m.info.counts.resolved, 100_001);
  assert.equal(m.tasks.get(1)!.children.length, 1, 'the 98 fetches moved under Promise.all');

  const t1 = performance.now();
  const summary = buildSummary(m);
  const summaryMs = performance.now() - t1;
  const t2 = performance.now();
  const tree = renderTaskTree(m);
  const treeMs = performance.now() - t2;
  const t3 = performance.now();
  const chrome = toChromeTrace(events);
  const chromeMs = performance.now() - t3;
  assert.equal(summary.tasks.length, 100_001);
  assert.match(tree, /handleRequest ×1000 {2}\(1000 resolved\)/);
  assert.match(tree, /fetchItem ×98000 {2}\(98000 resolved\)/);
  assert.ok(chrome.traceEvents.length > 500_000);
  console.log(`model scale: ${events.length} events, ${m.tasks.size} tasks: apply ${applyMs.toFixed(0)} ms `
    + `(${(events.length / applyMs / 1000).toFixed(2)} M events/s), heap +${heapMb.toFixed(0)} MB; `
    + `summary ${summaryMs.toFixed(0)} ms, text tree ${treeMs.toFixed(0)} ms, chrome trace ${chromeMs.toFixed(0)} ms`);
});

test('a flat parent with 150k children and a 20k-deep await chain render without overflowing the stack', () => {
  const ev: TraceEvent[] = [];
  let ts = 0;
  for (let i = 1; i <= 150_000; i++) ev.push({ type: 'spawn', ts: ts++, id: i, parentId: 0, kind: 'timeout', name: 'setTimeout', site: { file: APP, line: 1 + (i % 20), column: 1 } });
  let parent = 0;
  for (let d = 0; d < 20_000; d++) { const id = 200_000 + d; ev.push({ type: 'spawn', ts: ts++, id, parentId: parent, kind: 'async-function', name: 'recurse', site: { file: APP, line: 50, column: 1 } }); parent = id; }
  const t0 = performance.now();
  const m = new TraceModel(ev);
  const tree = renderTaskTree(m, { maxChildren: 30 });
  const summary = buildSummary(m);
  console.log(`flat 150k + deep 20k: model, tree and summary in ${(performance.now() - t0).toFixed(0)} ms`);
  assert.match(tree, /setTimeout callback ×7500 {2}\(7500 pending\)/);
  assert.match(tree, /… 19992 more below/);
  assert.equal(summary.tasks.length, 170_001);
  assert.equal(m.ancestors(219_999).length, 20_001);
});
