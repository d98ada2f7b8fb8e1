// Blocks in the program's first moments, before the watchdog worker is up (it boots in ~40-70 ms here,
// hundreds on a loaded machine): a top-level busy loop, a top-level native call, a timer 20 ms in; CJS
// and ESM entries (on Node 20 an ES module entry in tree mode first waits for the agent's loader
// thread). Each must be reported like any other block: at its exact line, live then final, dated from
// when the loop was last free. And a quiet start must report nothing (the agent's own start-up, and
// module loading before the program's first line, are not the program's blocks).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { BlockEvent } from '../../src/protocol/index.ts';
import { blocks, fixture, markedLine, runPlain, runWithAgent } from './agent-harness.ts';

const THRESHOLD_MS = 100;

const CASES: Array<{ file: string; columnAt: string; blockMs: number }> = [
  { file: 'start-top-level.js', columnAt: 'while', blockMs: 300 },
  { file: 'start-top-level.mjs', columnAt: 'while', blockMs: 300 },
  { file: 'start-exec-sync.js', columnAt: 'execSync', blockMs: 300 },
  { file: 'start-exec-sync.mjs', columnAt: 'execSync', blockMs: 300 },
  { file: 'start-timer.js', columnAt: 'while', blockMs: 150 },
  { file: 'start-timer.mjs', columnAt: 'while', blockMs: 150 },
];

for (const mode of ['tree', 'blocking'] as const) {
  for (const c of CASES) {
    test(`start-up: ${c.file} is reported at its exact line, live then final (${mode} mode)`, async () => {
      const file = fixture('blocking', c.file);
      const want = markedLine(file);
      const r = await runWithAgent(file, { config: { mode, thresholdMs: THRESHOLD_MS } });
      const plain = runPlain(file);
      assert.equal(r.code, plain.code, `exit code unchanged (stderr: ${r.stderr})`);
      assert.equal(r.stdout, plain.stdout, 'output unchanged');
      assert.equal(r.stderr, plain.stderr, 'stderr unchanged');

      const all = blocks(r.events);
      const shown = JSON.stringify(all.map((b) => [b.final, b.location?.line, b.location?.file, Math.round(b.durationMs)]));
      const finals = all.filter((b) => b.final);
      assert.equal(finals.length, 1, `one block, nothing else (the agent's start-up is not one): ${shown}`);
      const fin = finals[0]!;
      assert.ok(fin.location?.file === file && fin.location.line === want.line, `the final block at ${c.file}:${want.line}; got ${shown}`);
      assert.equal(fin.location.column, want.text.indexOf(c.columnAt) + 1, `column at "${c.columnAt}"`);
      assert.ok(fin.stack.some((f) => f.file === file && f.line === want.line), 'the stack contains the blocking frame');
      // Dated from when the loop was last free: the whole block (less a heartbeat period), and no more
      // than the time since the agent started (a generous bound: under load the process runs slowly).
      assert.ok(fin.durationMs >= c.blockMs - 30, `duration ${fin.durationMs} covers the ${c.blockMs} ms block`);
      assert.ok(fin.durationMs < c.blockMs + 1000, `duration ${fin.durationMs} is about the block, not the run`);

      const liveIndex = r.events.findIndex((e) => e.type === 'block' && e.id === fin.id && !e.final);
      assert.ok(liveIndex >= 0 && liveIndex < r.events.indexOf(fin), 'a live report before the final one');
      const live = r.events[liveIndex] as BlockEvent;
      assert.equal(live.ts, fin.ts, 'live and final describe the same block');
      assert.equal(r.events[r.events.length - 1]?.type, 'exit');
    });
  }
  for (const file of ['start-quiet.js', 'start-quiet.mjs']) {
    test(`start-up: a quiet start reports no block (${file}, ${mode} mode)`, async () => {
      const path = fixture('blocking', file);
      // The threshold of the other tests: the agent's start-up (on Node 20, module.register waiting for
      // its loader thread) and loading the entry take longer than that on a loaded machine.
      const r = await runWithAgent(path, { config: { mode, thresholdMs: THRESHOLD_MS } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, runPlain(path).stdout);
      assert.deepEqual(blocks(r.events).map((b) => [b.final, b.location, Math.round(b.durationMs)]), [], 'no block reported');
    });
  }
}

test('start-up: a block over within the watchdog\'s boot time is still reported (the program waits for the worker)', async () => {
  const file = fixture('blocking', 'start-short.js');
  const want = markedLine(file);
  for (const mode of ['tree', 'blocking'] as const) {
    const r = await runWithAgent(file, { config: { mode, thresholdMs: 40 } });
    assert.equal(r.code, 0, r.stderr);
    const finals = blocks(r.events).filter((b) => b.final);
    const shown = JSON.stringify(finals.map((b) => [b.location?.line, Math.round(b.durationMs)]));
    assert.equal(finals.length, 1, `${mode}: one block: ${shown}`);
    assert.equal(finals[0]!.location?.line, want.line, `${mode}: at its line: ${shown}`);
    assert.ok(finals[0]!.durationMs >= 60, `${mode}: the whole 80 ms block: ${shown}`);
  }
});
