// The launcher against real child processes and a real socket, with a stand-in agent that speaks the
// wire protocol by hand (so the stream can be cut or corrupted on purpose).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { launch, LaunchError } from '../../src/launcher/index.ts';
import type { TraceEvent } from '../../src/protocol/index.ts';

const FIXTURES = path.resolve(__dirname, '../fixtures/cli');
const agentPath = path.join(FIXTURES, 'fake-agent.cjs');
const program = path.join(FIXTURES, 'program.cjs');

async function run(what: string, mode = 'normal', extra: { followChildren?: boolean } = {}) {
  const session = await launch({
    script: program, args: [what], agentPath, stdio: 'pipe',
    env: { ...process.env, FAKE_AGENT_MODE: mode }, agent: { followChildren: extra.followChildren ?? false },
  });
  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  session.onEvents((b) => events.push(...b));
  session.onWarning((w) => warnings.push(w));
  return { session, events, warnings };
}

test('events arrive in order, the agent\'s exit event ends the run, and the socket folder is removed', async () => {
  const { session, events, warnings } = await run('exit-via-agent');
  const exit = await session.done;
  assert.deepEqual(events.map((e) => e.type), ['process', 'spawn', 'settle', 'block', 'exit']);
  const spawnEv = events[1];
  assert.equal(spawnEv.type === 'spawn' && spawnEv.site?.file, agentPath);
  assert.equal(exit.reason, 'exit');
  assert.equal(exit.code, 4);
  assert.equal(session.child.exitCode, 4);
  assert.deepEqual(warnings, []);
  const first = events[0];
  assert.equal(first.type === 'process' && first.pid, session.child.pid);
  // Nothing of the run is left to keep the caller alive (a pending drain timer once held the CLI for 3 s).
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(process.getActiveResourcesInfo().filter((r) => r === 'Timeout'), []);
});

test('a stream cut mid-frame keeps every event before the cut, says so, and synthesises a lost exit', async () => {
  const { session, events, warnings } = await run('short', 'truncate');
  const exit = await session.done;
  assert.deepEqual(events.map((e) => e.type), ['process', 'spawn', 'settle', 'exit']);
  assert.equal(exit.reason, 'lost');
  assert.equal(exit.code, 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ended in the middle of a frame \(\d+ bytes cut off\)/);
});

test('a corrupt stream is reported and what came before it is kept', async () => {
  const { session, events, warnings } = await run('short', 'corrupt');
  const exit = await session.done;
  assert.deepEqual(events.map((e) => e.type), ['process', 'spawn', 'settle', 'exit']);
  assert.equal(exit.reason, 'lost');
  assert.match(warnings.join('\n'), /corrupt stream from the agent: corrupt frame length/);
});

test('SIGKILL of the program: an exit event with reason killed and the signal is synthesised', async () => {
  const { session, events } = await run('linger');
  while (!events.some((e) => e.type === 'settle')) await new Promise((r) => setTimeout(r, 20));
  process.kill(session.child.pid!, 'SIGKILL');
  const exit = await session.done;
  assert.equal(exit.reason, 'killed');
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(events[events.length - 1], exit);
  assert.ok(exit.ts >= 2.5, 'the synthesised exit is not earlier than the last event');
});

test('stop() ends the program and the processes it started (no orphans)', { skip: process.platform === 'win32' }, async () => {
  const { session } = await run('grandchild');
  let out = '';
  session.child.stdout!.on('data', (d: Buffer) => { out += d; });
  while (!/grandchild \d+/.test(out)) await new Promise((r) => setTimeout(r, 20));
  const grandchild = Number(/grandchild (\d+)/.exec(out)![1]);
  assert.ok(alive(grandchild));
  await session.stop();
  const exit = await session.done;
  assert.equal(exit.reason, 'killed');
  for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(grandchild), false, 'the grandchild was killed with the program');
});

test('child Node processes are not mixed into the run unless followChildren', async () => {
  const plain = await run('node-child');
  const seen: number[] = [];
  plain.session.onChildRun((r) => seen.push(r.process.pid));
  await plain.session.done;
  assert.deepEqual(seen, []);
  assert.equal(plain.events.filter((e) => e.type === 'process').length, 1);

  const follow = await run('node-child', 'normal', { followChildren: true });
  const childEvents: TraceEvent[] = [];
  const childPids: number[] = [];
  follow.session.onChildRun((r) => { childPids.push(r.process.pid); r.onEvents((b) => childEvents.push(...b)); });
  await follow.session.done;
  assert.equal(childPids.length, 1);
  assert.notEqual(childPids[0], follow.session.child.pid);
  assert.equal(childEvents[0].type, 'process');
  assert.equal(follow.events.filter((e) => e.type === 'process').length, 1, 'the child\'s events stay out of the root run');
});

test('a missing script is a LaunchError before anything is spawned', async () => {
  await assert.rejects(launch({ script: 'no/such/script.js', cwd: FIXTURES, agentPath }), (err: unknown) => {
    assert.ok(err instanceof LaunchError);
    assert.equal(err.code, 'script-not-found');
    assert.match(err.message, /Cannot find the script .*no\/such\/script\.js/);
    return true;
  });
});

test('the per-run socket folder is private while running and gone afterwards', { skip: process.platform === 'win32' }, async () => {
  const { session } = await run('short');
  const env = JSON.parse(readChildEnv(session.child.pid!).LOOPSCOPE_AGENT ?? '{}') as { socket: string };
  const dir = path.dirname(env.socket);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  await session.done;
  assert.equal(existsSync(dir), false);
});

function readChildEnv(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** Running (a zombie waiting for a reaper that never comes, as under some container inits, is not). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
}
