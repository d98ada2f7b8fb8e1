// The task core's API object and the then-call helpers are read on every patched call: V8 must keep them
// in fast mode. An object literal with a getter is created as a dictionary (a `get enabled()` once made
// every `core.x` a generic lookup, a tenth of the timers bench's main-thread time), and nothing else says so.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

test('the objects the hot paths read are fast-mode objects, also after disable()', () => {
  const fixture = path.resolve(__dirname, '../fixtures/runtime/fast-objects.ts');
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', fixture], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { core: true, thenCalls: true, disabled: true });
});
