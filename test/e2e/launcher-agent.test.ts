// The launcher with the real agent (dist/runtime/agent.cjs; `npm run build` first) in the extension's
// mode: stdio piped to the caller, events as batches, the exit always accounted for.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { launch as launchRun, type LaunchOptions, type RunSession } from '../../src/launcher/index.ts';
import type { TraceEvent } from '../../src/protocol/index.ts';

const FIXTURES = path.resolve(__dirname, '../fixtures/cli');

/** launch(), with a hung program stopped after 60 s (the test then fails on what it got, not by hanging). */
async function launch(opts: LaunchOptions): Promise<RunSession> {
  const session = await launchRun(opts);
  const hung = setTimeout(() => void session.stop(), 60_000);
  void session.done.then(() => clearTimeout(hung));
  return session;
}

function collect(stream: NodeJS.ReadableStream | null): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    stream!.setEncoding('utf8');
    stream!.on('data', (d: string) => { s += d; });
    stream!.on('end', () => resolve(s));
  });
}

test('piped stdio: every byte of a chatty program reaches the caller, with the events and the exit code', async () => {
  const session = await launch({ script: path.join(FIXTURES, 'chatty.js'), args: ['6'], stdio: 'pipe' });
  const events: TraceEvent[] = [];
  session.onEvents((b) => events.push(...b));
  const [stdout, stderr, exit] = await Promise.all([collect(session.child.stdout), collect(session.child.stderr), session.done]);
  assert.equal(stdout.length, 2_000_000);
  assert.equal(stderr.length, 100_000);
  assert.equal(exit.code, 6);
  assert.equal(exit.reason, 'exit');
  assert.equal(events[0].type, 'process');
  assert.equal(events[events.length - 1], exit);
});

// The exact line is the agent's job and is checked through the CLI (cli-run, cli-entries); here: the events flow.
test('the real agent\'s events for a blocking program: a block in the program\'s file, then the exit', async () => {
  const session = await launch({ script: path.join(FIXTURES, 'blocking.js'), stdio: 'pipe', agent: { thresholdMs: 50 } });
  const events: TraceEvent[] = [];
  session.onEvents((b) => events.push(...b));
  const exit = await session.done;
  assert.equal(exit.code, 0);
  const finals = events.filter((e) => e.type === 'block' && e.final);
  assert.ok(finals.some((b) => b.type === 'block' && b.durationMs >= 150 && b.location?.file === path.join(FIXTURES, 'blocking.js')), JSON.stringify(finals));
  assert.equal(events[events.length - 1], exit);
});

test('stop() on a running program with the real agent: killed, with the signal, channel closed', { skip: process.platform === 'win32' }, async () => {
  const session = await launch({ script: path.join(FIXTURES, 'wait-for-signal.js'), stdio: 'pipe' });
  const events: TraceEvent[] = [];
  session.onEvents((b) => events.push(...b));
  let out = '';
  session.child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  // The agent connects from its worker thread, possibly after the program's first line: wait for both.
  while (!out.includes('ready') || events.length === 0) await new Promise((r) => setTimeout(r, 20));
  await session.stop();
  const exit = await session.done;
  assert.equal(exit.signal, 'SIGTERM');
  assert.equal(out, 'ready\n');
  assert.equal(events[0].type, 'process');
  assert.equal(events.filter((e) => e.type === 'exit').length, 1, 'exactly one exit event');
});
