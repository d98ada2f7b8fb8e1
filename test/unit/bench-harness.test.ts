// The overhead benchmark's own arithmetic and plumbing: if these are wrong, every ratio it reports is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { median, spreadPercent } from '../../bench/lib/stats.mjs';
import { WORKLOADS, slowdown } from '../../bench/lib/workloads.mjs';
import { openDrainSocket } from '../../bench/lib/drain-socket.mjs';
import { formatReport } from '../../bench/lib/report-table.mjs';
import { encodeControlFrame, recordsFrameHeader, RECORD_SLOTS } from '../../src/protocol/index.ts';

test('median takes the middle of sorted values and ignores failed (NaN) runs', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7, NaN, 1, 3]), 3);
  assert.ok(Number.isNaN(median([])));
  assert.equal(spreadPercent([90, 100, 110]), 20);
});

test('slowdown reads as "times worse" for both time and throughput', () => {
  const byName = Object.fromEntries(WORKLOADS.map((w) => [w.name, w]));
  assert.equal(slowdown(byName['promise-heavy'], 300, 150), 2);
  assert.equal(slowdown(byName.http, 8000, 10000), 1.25);
  assert.deepEqual(WORKLOADS.map((w) => w.targets.tree), [2.0, 1.2, 1.15]);
  assert.ok(WORKLOADS.every((w) => w.targets.blocking === 1.1));
});

test('the drain socket counts records and control frames of the real wire format, however the bytes are split', async () => {
  const drain = await openDrainSocket();
  try {
    const records = new Uint8Array(3 * RECORD_SLOTS * 8);
    const parts = [
      encodeControlFrame({ type: 'site', site: 1, kind: 'timeout', name: 'setTimeout' }),
      recordsFrameHeader(3), records,
      encodeControlFrame({ type: 'site', site: 2, kind: 'then', name: 'x' }),
      recordsFrameHeader(1), new Uint8Array(RECORD_SLOTS * 8),
    ];
    const all = Buffer.concat(parts);
    const sock = net.connect(drain.socketPath);
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    // Cut inside a header and inside a payload: the counter must carry state across chunks.
    for (const [from, to] of [[0, 2], [2, 40], [40, 41], [41, all.length]]) {
      sock.write(all.subarray(from, to));
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise<void>((resolve) => sock.end(resolve));
    await new Promise((r) => setTimeout(r, 50));
    const counts = drain.take();
    assert.equal(counts.records, 4);
    assert.equal(counts.controls, 2);
    assert.equal(counts.bytes, all.length);
    assert.equal(counts.corrupt, false);
    assert.equal(drain.take().records, 0, 'take() starts the next run from zero');
  } finally {
    drain.close();
  }
});

function mode(over: Record<string, unknown>) {
  return { median: 100, ratio: 1, okRuns: 7, runs: 7, spreadPercent: 5, medianWallMs: 500, behaviourChanged: 0, raw: [], ...over };
}
const meta = { finished: 'now', git: 'abc', node: 'v20', cpus: 2, loadavg: [0, 0, 0], runs: 7, command: 'node bench/run.mjs', notes: [] };

test('the report names every missed target, failed run and changed output', () => {
  const text = formatReport(meta, [{
    key: 'a', workload: 'promise-heavy', metric: 'ms', modes: {
      baseline: mode({}),
      tree: mode({ median: 250, ratio: 2.5, target: 2, met: false }),
      blocking: mode({ median: 105, ratio: 1.05, target: 1.1, met: true, behaviourChanged: 1 }),
      'agent-tree': mode({ okRuns: 6, raw: [{ ok: false, code: 1, stderrTail: 'boom' }] }),
    },
  }]);
  assert.match(text, /TARGET MISSED: \(a\) promise-heavy tree: 2\.50x > 2x/);
  assert.match(text, /OUTPUT CHANGED: \(a\) promise-heavy blocking/);
  assert.match(text, /RUNS FAILED: \(a\) promise-heavy agent-tree: 1\/7 \(exit 1\): boom/);
  assert.doesNotMatch(text, /All targets met/);
});

test('a baseline-only run does not claim the targets are met', () => {
  const text = formatReport(meta, [{ key: 'b', workload: 'timers', metric: 'ms', modes: { baseline: mode({}) } }]);
  assert.match(text, /NOTHING COMPARED/);
  assert.doesNotMatch(text, /All targets met/);
});
