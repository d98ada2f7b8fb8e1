// Task tracking end to end in a child process: a stand-in agent (test/fixtures/tasks/harness-entry.ts,
// bundled like the real one) installs tracking, runs a fixture, and decodes its wire frames at exit.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { TraceEvent } from '../../src/protocol/index.ts';
import { transformSource } from '../../src/runtime/transform/transform.ts';
import { endOf, spawns, taskNamed } from '../trace-lookup.ts';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/tasks');
let dir = '';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ls-tasks-'));
  const node = { bundle: true, platform: 'node' as const, target: 'node20', logLevel: 'error' as const };
  await esbuild.build({ ...node, entryPoints: [path.join(fixtures, 'harness-entry.ts')], outfile: path.join(dir, 'harness.cjs'), format: 'cjs' });
  await esbuild.build({ ...node, entryPoints: [path.join(root, 'src/runtime/esm-hooks.ts')], outfile: path.join(dir, 'esm-hooks.mjs'), format: 'esm' });
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

interface Run { stdout: string; stderr: string; status: number | null; events: TraceEvent[]; installed: boolean }

function run(fixture: string, opts: { agent?: boolean; config?: object } = {}): Run {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  const args = opts.agent === false ? [] : ['--require', path.join(dir, 'harness.cjs')];
  const r = spawnSync(process.execPath, [...args, path.join(fixtures, fixture)], {
    encoding: 'utf8', timeout: 20_000,
    env: { ...process.env, NODE_OPTIONS: '', LS_OUT: out, LS_RUNTIME_DIR: dir, LS_CONFIG: JSON.stringify(opts.config ?? {}) },
  });
  if (opts.agent === false) return { stdout: r.stdout, stderr: r.stderr, status: r.status, events: [], installed: false };
  const data = JSON.parse(readFileSync(out, 'utf8')) as { installed: boolean; events: TraceEvent[] };
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, events: data.events, installed: data.installed };
}

/** Runs a fixture that must exit 0 (and print `stdout`, when given): the events it recorded. */
function eventsOf(fixture: string, stdout?: string, opts: { config?: object } = {}): TraceEvent[] {
  const r = run(fixture, opts);
  assert.equal(r.status, 0, r.stderr);
  if (stdout !== undefined) assert.equal(r.stdout, stdout);
  return r.events;
}

test('nested fan-out: names, parents, sites, awaits and the Promise.all group', () => {
  const ev = eventsOf('dashboard.js', '{"orders":[1,2],"user":{"name":"ada"}}\n');
  const main = taskNamed(ev, 'main');
  const dash = taskNamed(ev, 'loadDashboard');
  const orders = taskNamed(ev, 'fetchOrders');
  const user = taskNamed(ev, 'fetchUser');
  const all = taskNamed(ev, 'Promise.all');
  assert.equal(main.parentId, 0);
  assert.equal(dash.parentId, main.id);
  assert.equal(orders.parentId, dash.id);
  assert.equal(user.parentId, dash.id);
  assert.equal(all.parentId, dash.id);
  assert.equal(all.kind, 'promise-all');
  const file = path.join(fixtures, 'dashboard.js');
  assert.deepEqual(dash.site, { file, line: 14, column: 1, function: 'loadDashboard' });
  assert.deepEqual({ ...all.site, file: undefined }, { file: undefined, line: 15, column: 40, function: 'loadDashboard' });
  const group = ev.find((e) => e.type === 'group' && e.id === all.id);
  assert.ok(group && group.type === 'group');
  assert.deepEqual(group.members, [orders.id, user.id]);
  const awaits = ev.filter((e) => e.type === 'await');
  assert.ok(awaits.some((a) => a.type === 'await' && a.id === main.id && a.on === dash.id), 'main awaits loadDashboard');
  assert.ok(awaits.some((a) => a.type === 'await' && a.id === dash.id && a.on === all.id), 'loadDashboard awaits the group');
  const timers = spawns(ev).filter((s) => s.name === 'timers/promises.setTimeout');
  assert.deepEqual(timers.map((t) => t.parentId).sort(), [orders.id, user.id].sort());
  assert.ok(awaits.some((a) => a.type === 'await' && a.id === orders.id && a.on === timers.find((t) => t.parentId === orders.id)!.id));
  for (const t of [main, dash, orders, user, all, ...timers]) {
    const s = endOf(ev, t.id);
    assert.ok(s && s.type === 'settle' && s.state === 'resolved', `${t.name} resolved`);
  }
  const dashSettle = endOf(ev, dash.id);
  assert.ok(dashSettle?.type === 'settle' && dashSettle.awaits === 1 && dashSettle.runs === 2);
});

test('timers: run, cleared (clearTimeout/clearInterval), immediate, fs callback', () => {
  const ev = eventsOf('timers.js');
  const timeouts = spawns(ev).filter((s) => s.kind === 'timeout');
  assert.equal(timeouts.length, 2);
  const [ran, never] = timeouts;
  assert.equal(endOf(ev, ran!.id)?.type, 'settle');
  const c = endOf(ev, never!.id);
  assert.ok(c?.type === 'cancel' && c.reason === 'clearTimeout');
  assert.equal(ran!.site?.line, 7);
  const iv = taskNamed(ev, 'setInterval callback');
  assert.equal(ev.filter((e) => e.type === 'run' && e.id === iv.id).length, 2);
  const ivEnd = endOf(ev, iv.id);
  assert.ok(ivEnd?.type === 'cancel' && ivEnd.reason === 'clearInterval');
  const imm = taskNamed(ev, 'setImmediate callback');
  const read = taskNamed(ev, 'fs.readFile');
  assert.equal(read.parentId, imm.id, 'the read was spawned by the immediate callback');
  assert.equal(read.kind, 'io');
  assert.deepEqual([read.site?.line, read.site?.column], [13, 6]);
});

test('ESM entry: Promise.race with a timeout, AbortController cancellation', () => {
  const ev = eventsOf('race-abort.mjs', 'timeout AbortError\n');
  const race = taskNamed(ev, 'Promise.race');
  const wt = taskNamed(ev, 'withTimeout');
  assert.equal(race.parentId, wt.id);
  const slow = taskNamed(ev, 'slowQuery');
  const group = ev.find((e) => e.type === 'group' && e.id === race.id);
  assert.ok(group?.type === 'group' && group.members.includes(slow.id) && group.members.length === 2);
  const canc = taskNamed(ev, 'cancellable');
  const sleeps = spawns(ev).filter((s) => s.name === 'timers/promises.setTimeout' && s.parentId === canc.id);
  assert.equal(sleeps.length, 1);
  const c = endOf(ev, sleeps[0]!.id);
  assert.ok(c?.type === 'cancel' && c.reason === 'abort', JSON.stringify(c));
  assert.ok(ev.some((e) => e.type === 'await' && e.id === 0 && e.on === wt.id), 'top-level await on withTimeout from the root');
});

test('a callback that schedules the next and returns: each hop a child of the previous, spawned before it settles', () => {
  // runMinMs high: no run event comes between a hop's spawn of the next and its own settle (one record on the wire).
  const ev = eventsOf('chain.js', 'hops 3\n', { config: { runMinMs: 1000 } });
  const hops = spawns(ev).filter((s) => s.kind === 'timeout' || s.kind === 'immediate');
  assert.deepEqual(hops.map((h) => h.kind), ['immediate', 'timeout', 'immediate']);
  assert.equal(hops[0]!.parentId, 0);
  for (let i = 1; i < 3; i++) {
    assert.equal(hops[i]!.parentId, hops[i - 1]!.id, `hop ${i + 1} is a child of hop ${i}`);
    const parentSettle = endOf(ev, hops[i - 1]!.id);
    assert.ok(parentSettle?.type === 'settle' && parentSettle.runs === 1 && parentSettle.awaits === 0, JSON.stringify(parentSettle));
    assert.equal(ev.indexOf(parentSettle), ev.indexOf(hops[i]!) + 1, 'the parent settles right after spawning the next hop');
  }
  assert.equal(endOf(ev, hops[2]!.id)?.type, 'settle');
});

test('timer callbacks run as their tasks with their handle as this and their arguments', () => {
  const ev = eventsOf('timer-handles.js', 'immediate this true z; interval this true 3; refreshed 2; timeout this true x y\n');
  const timeouts = spawns(ev).filter((s) => s.kind === 'timeout');
  assert.equal(timeouts.length, 2);
  for (const t of timeouts) assert.equal(endOf(ev, t.id)?.type, 'settle');
  const refreshedOne = timeouts.find((t) => t.site?.line === 8)!;
  assert.equal(ev.filter((e) => e.type === 'run' && e.id === refreshedOne.id).length, 2, 'a refreshed timer runs twice as one task');
  const iv = taskNamed(ev, 'setInterval callback');
  assert.equal(ev.filter((e) => e.type === 'run' && e.id === iv.id).length, 3);
  assert.equal(endOf(ev, taskNamed(ev, 'setImmediate callback').id)?.type, 'settle');
});

test('Promise.race / Promise.any: a .then task is a member next to the async function', () => {
  const ev = eventsOf('race-then.js', 'timeout fallback 42\n');
  const main = taskNamed(ev, 'main');
  const thens = spawns(ev).filter((s) => s.kind === 'then' && s.parentId === main.id);
  assert.equal(thens.length, 2, 'one then task per combinator');
  for (const [combinator, fn, then] of [['Promise.race', 'slowLookup', thens[0]!], ['Promise.any', 'failingLookup', thens[1]!]] as const) {
    const g = taskNamed(ev, combinator);
    const group = ev.find((e) => e.type === 'group' && e.id === g.id);
    assert.ok(group?.type === 'group', `${combinator} has a group event`);
    assert.deepEqual(group.members, [taskNamed(ev, fn).id, then.id], `${combinator} members: ${fn} and the then task`);
    const settled = endOf(ev, g.id);
    assert.ok(settled?.type === 'settle' && settled.state === 'resolved', `${combinator} resolves (${JSON.stringify(settled)})`);
  }
});

test('a task that settles with nothing recorded since its spawn: the same spawn and settle events (one record on the wire)', () => {
  // runMinMs high: no run event comes between instant()'s spawn and settle, so the two share a record.
  const ev = run('race-then.js', { config: { runMinMs: 1000 } }).events;
  const inst = taskNamed(ev, 'instant');
  const s = endOf(ev, inst.id);
  assert.ok(s?.type === 'settle' && s.runs === 1 && s.awaits === 0 && s.state === 'resolved' && s.ts >= inst.ts, JSON.stringify(s));
  assert.equal(ev.indexOf(s), ev.indexOf(inst) + 1, 'settle right after spawn');
  assert.equal(s.runMs, s.ts - inst.ts, 'its one slice ran from spawn to settle');
});

for (const fixture of ['dashboard.js', 'timers.js', 'timer-handles.js', 'race-abort.mjs', 'crash.js', 'stacks.js']) {
  test(`behaviour preserved: ${fixture} prints and exits the same with and without tracking`, () => {
    const a = run(fixture, { agent: false });
    const b = run(fixture);
    assert.equal(b.installed, true);
    assert.deepEqual([b.stdout, b.stderr, b.status], [a.stdout, a.stderr, a.status]);
  });
}

test('await edges name the awaited task, not merely the latest child', () => {
  const ev = eventsOf('await-order.js');
  const parent = taskNamed(ev, 'parent');
  const child = spawns(ev).find((s) => s.name === 'child' && s.parentId === parent.id)!;
  const nap = spawns(ev).find((s) => s.parentId === parent.id && s.kind === 'timeout')!;
  const awaits = ev.filter((e) => e.type === 'await' && e.id === parent.id).map((e) => e.type === 'await' && e.on);
  assert.deepEqual(awaits, [nap.id, child.id]);
  // Promise.all([early, child()]): the child from an earlier slice and the one called in the array.
  const fanIn = taskNamed(ev, 'fanIn');
  const kids = spawns(ev).filter((s) => s.parentId === fanIn.id && s.name === 'child').map((s) => s.id);
  const all = spawns(ev).find((s) => s.parentId === fanIn.id && s.kind === 'promise-all')!;
  const group = ev.find((e) => e.type === 'group' && e.id === all.id);
  assert.ok(group?.type === 'group');
  assert.deepEqual(group.members, kids);
  // `child(); await new Promise(…)`: the new promise is not the child's, so no await on the child.
  const loop = taskNamed(ev, 'loop');
  assert.deepEqual(ev.filter((e) => e.type === 'await' && e.id === loop.id), []);
});

test('__loopscope.mapPosition maps a column of a transformed ES module back to the original', () => {
  const file = path.join(fixtures, 'map-position.mjs');
  const source = readFileSync(file, 'utf8');
  const code = transformSource(source, { file, format: 'module' })!.code;
  const line = 4;
  const orig = source.split('\n')[line - 1]!;
  const xformed = code.split('\n')[line - 1]!;
  const probes = ['setTimeout', 'return 42'].map((w) => ({ t: xformed.indexOf(w) + 1, o: orig.indexOf(w) + 1 }));
  assert.ok(probes.every((p) => p.t > p.o), 'the probes must have shifted');
  const outFile = path.join(dir, 'map.json');
  const r = spawnSync(process.execPath, ['--require', path.join(dir, 'harness.cjs'), file, ...probes.flatMap((p) => [String(line), String(p.t)])], {
    encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', LS_OUT: outFile, LS_RUNTIME_DIR: dir },
  });
  assert.equal(r.status, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as { answer: number; out: { file: string; line: number; column: number }[] };
  assert.equal(printed.answer, 42);
  assert.deepEqual(printed.out, probes.map((p) => ({ file, line, column: p.o })));
});
