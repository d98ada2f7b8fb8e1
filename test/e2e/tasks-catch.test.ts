// An await that throws skips the code the rewrite puts after it: the catch / finally blocks must make the task
// current again (children spawned there are its children; its run time excludes the wait).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { TraceModel } from '../../src/model/index.ts';
import { ROOT, runWithAgent } from './agent-harness.ts';

test('after an await that threw: catch and finally blocks run as the task; its run time leaves out the wait', async () => {
  const run = await runWithAgent(join(ROOT, 'test/fixtures/tasks/catch-resume.js'), { config: { mode: 'tree' } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'done');
  const model = new TraceModel(run.events);
  const byName = (name: string) => [...model.tasks.values()].filter((t) => t.name === name);
  const [parent] = byName('parent');
  assert.ok(parent, 'parent task recorded');
  for (const child of ['recover', 'cleanup']) {
    const [t] = byName(child);
    assert.equal(t?.parentId, parent.id, `${child} (spawned in a catch/finally after a throwing await) is parent's child`);
  }
  const [lets] = byName('lets');
  assert.equal(lets?.state, 'rejected');
  // Both waited 200 ms on a timer; their code ran for well under that.
  assert.ok(parent.runMs < 100, `parent ran ${parent.runMs} ms`);
  assert.ok((lets?.runMs ?? 0) < 100, `lets ran ${lets?.runMs} ms`);
});
