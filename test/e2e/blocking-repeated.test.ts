// A program that blocks again and again (12 times): every block is reported, each located on its own.
// (Hot code gets inlined into node's timer loop, where the sampler alone loses the user's frame: the
// stack snapshot taken for every block is what keeps these exact.)
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { BlockEvent } from '../../src/protocol/index.ts';
import { fixture, runPlain, runWithAgent } from './agent-harness.ts';

test('repeated blocks: all 12 reported, none at a wrong line, output unchanged', async () => {
  const file = fixture('blocking', 'repeated.js');
  const lines = readFileSync(file, 'utf8').split('\n');
  const blockLine = lines.findIndex((l) => l.includes('// BLOCK')) + 1;
  const spinFrom = lines.findIndex((l) => l.startsWith('function spin')) + 1;
  const spinTo = spinFrom + lines.slice(spinFrom - 1).findIndex((l) => l === '}');
  const r = await runWithAgent(file, { config: { mode: 'blocking', thresholdMs: 100 } });
  assert.equal(r.stdout, runPlain(file).stdout);
  const finals = r.events.filter((e): e is BlockEvent => e.type === 'block' && e.final);
  const inSpin = finals.filter((b) => b.location?.file === file);
  assert.ok(inSpin.length >= 10, `most of the 12 blocks located in the fixture (got ${inSpin.length} of ${finals.length})`);
  for (const b of inSpin) {
    // The loop is the marked line. On a loaded machine a block can begin with the process not being
    // scheduled at all; the snapshot then lands where `spin` resumes: still inside `spin`.
    assert.ok(b.location!.line >= spinFrom && b.location!.line <= spinTo, `block ${b.id} at line ${b.location!.line}`);
    assert.equal(b.location!.function, 'spin');
  }
  assert.ok(inSpin.filter((b) => b.location!.line === blockLine).length >= 10, 'exact lines, not just the function');
  // Each block has exactly one live and one final report.
  for (const b of finals) assert.equal(r.events.filter((e) => e.type === 'block' && e.id === b.id && !e.final).length, 1);
});
