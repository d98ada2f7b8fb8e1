// The README's first command: `node bin/loopscope.js run examples/fan-out.js`. What a newcomer should see.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { cli, plainNode, ROOT } from './cli-helpers.ts';

test('examples/fan-out.js: same output as plain node, the fan-out in the tree, the blocking line named', async () => {
  const plain = await plainNode('examples/fan-out.js', [], { cwd: ROOT });
  const r = await cli(['run', 'examples/fan-out.js'], { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, plain.stdout);
  // The block, as it happened, at the line of checksum()'s loop.
  assert.match(r.stderr, /^Executing <setTimeout callback at examples\/fan-out\.js:35> took \d\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at examples\/fan-out\.js:16:\d+ in checksum$/m);
  // The tree: the Promise.all fan-out with its three fetchUser tasks, the race, the cancelled reminder.
  assert.match(r.stderr, /Promise\.all \[3\] {2}examples\/fan-out\.js:26\n.*fetchUser ×3 {2}\(3 resolved\) {2}examples\/fan-out\.js:8/);
  assert.match(r.stderr, /Promise\.race \[2\] {2}examples\/fan-out\.js:29/);
  assert.match(r.stderr, /⊘ setTimeout callback \(clearTimeout\) {2}examples\/fan-out\.js:32/);
  assert.match(r.stderr, /\d+ ms {2}callback {2}checksum {2,}examples\/fan-out\.js:16:\d+ {2}in setTimeout callback/);
  assert.match(r.stderr, /loopscope: the program exited with code 0\n$/);
});
