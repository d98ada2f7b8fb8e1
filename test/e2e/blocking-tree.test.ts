// Blocking detection with task tracking on ('tree' mode): the user's files run transformed (columns
// shift), yet the block names the user's own line and column, and says which task was running.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BlockEvent, SpawnEvent } from '../../src/protocol/index.ts';
import { fixture, runPlain, runWithAgent } from './agent-harness.ts';

test('tree mode: the block is at the original line and column, inside the task that ran it', async () => {
  const file = fixture('blocking', 'busy-loop.js');
  const r = await runWithAgent(file, { config: { mode: 'tree', thresholdMs: 100 } });
  const plain = runPlain(file);
  assert.equal(r.code, plain.code, r.stderr);
  assert.equal(r.stdout, plain.stdout);
  const fin = r.events.find((e): e is BlockEvent => e.type === 'block' && e.final && e.location?.file === file);
  assert.ok(fin, `a final block in the fixture; got ${JSON.stringify(r.events.filter((e) => e.type === 'block'))}`);
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes('// BLOCK')) + 1;
  assert.deepEqual([fin.location!.line, fin.location!.column], [line, lines[line - 1]!.indexOf('while') + 1], 'the `while`, in the user\'s columns');
  const timer = r.events.find((e): e is SpawnEvent => e.type === 'spawn' && e.kind === 'timeout');
  assert.ok(timer, 'the setTimeout callback is a task');
  assert.equal(fin.taskId, timer.id, 'the block belongs to the timer task');
});

test('tree mode: on a line the rewrite shifted, the column is still the user\'s', async () => {
  const file = fixture('blocking', 'one-line.js');
  const text = readFileSync(file, 'utf8').split('\n')[1]!;
  const r = await runWithAgent(file, { config: { mode: 'tree', thresholdMs: 100 } });
  assert.equal(r.code, 0, r.stderr);
  const fin = r.events.find((e): e is BlockEvent => e.type === 'block' && e.final && e.location?.file === file);
  assert.ok(fin, `a final block in the fixture; got ${JSON.stringify(r.events.filter((e) => e.type === 'block'))}`);
  assert.deepEqual([fin.location!.line, fin.location!.column], [2, text.indexOf('while') + 1]);
  assert.equal(fin.location!.function, 'run');
});
