// A TypeScript entry run through tsx (as the launcher runs .ts files): the code that runs is esbuild's
// output (here the whole file on line 2), yet the block must name the .ts file's own line and column.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { BlockEvent } from '../../src/protocol/index.ts';
import { fixture, ROOT, runWithAgent } from './agent-harness.ts';

const TSX = `--import ${pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href}`;

for (const mode of ['blocking', 'tree'] as const) {
  test(`typescript (${mode} mode): the block is at the .ts line, mapped through tsx's source map`, async () => {
    const file = fixture('blocking', 'typed.ts');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('// BLOCK')) + 1;
    const r = await runWithAgent(file, { config: { mode, thresholdMs: 100 }, nodeOptions: TSX });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'turns > 0: true\n');
    const fin = r.events.find((e): e is BlockEvent => e.type === 'block' && e.final && e.location?.file === file && e.durationMs >= 250);
    assert.ok(fin, `a final block in typed.ts; got ${JSON.stringify(r.events.filter((e) => e.type === 'block').map((b) => b.type === 'block' && b.location))}`);
    assert.deepEqual([fin.location!.line, fin.location!.column], [line, lines[line - 1]!.indexOf('while') + 1]);
    assert.ok(fin.stack.some((f) => f.file === file && f.line === 18), 'the caller frame is mapped too (line 18)');
  });
}
