// The agent inside real programs: it must never change what the program prints or how it ends, it
// must say how the program ended, and it must only report the processes and threads it should.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BlockEvent, ExitEvent, ProcessEvent, TraceEvent } from '../../src/protocol/index.ts';
import { AGENT, fixture, runPlain, runWithAgent } from './agent-harness.ts';

const exitOf = (events: TraceEvent[]): ExitEvent | undefined => events.find((e): e is ExitEvent => e.type === 'exit');
const processes = (events: TraceEvent[]): ProcessEvent[] => events.filter((e): e is ProcessEvent => e.type === 'process');

async function sameAsPlain(file: string) {
  const r = await runWithAgent(file);
  const plain = runPlain(file);
  assert.equal(r.stdout, plain.stdout, 'stdout unchanged');
  assert.equal(r.stderr, plain.stderr, 'stderr unchanged');
  assert.equal(r.code, plain.code, 'exit code unchanged');
  assert.equal(r.signal, plain.signal, 'signal unchanged');
  return r;
}

test('agent: .then, .catch and .finally behave as without us (values, order, errors, a thenable\'s own arguments), and then stays native', async () => {
  const r = await sameAsPlain(fixture('agent', 'thenables.js'));
  assert.match(r.stdout, /^then is native true$/m);
  assert.match(r.stdout, /^custom then 1 function$/m, 'a thenable given one callback gets one argument');
  assert.match(r.stdout, /^order abqb2$/m);
});

test('agent: an uncaught throw ends the program exactly as without us, and the exit event says crash', async () => {
  const r = await sameAsPlain(fixture('agent', 'crash-throw.js'));
  assert.equal(r.code, 1);
  const exit = exitOf(r.events);
  assert.equal(exit?.reason, 'crash');
  assert.equal(exit?.code, 1);
  assert.match(exit?.error ?? '', /Error: boom from a timer/);
  assert.equal(processes(r.events).length, 1, 'hello first');
  assert.equal(r.events[0]?.type, 'process');
});

test('agent: an unhandled rejection is a crash with the rejection reason', async () => {
  const r = await sameAsPlain(fixture('agent', 'crash-rejection.js'));
  assert.equal(r.code, 1);
  const exit = exitOf(r.events);
  assert.equal(exit?.reason, 'crash');
  assert.match(exit?.error ?? '', /TypeError: rejected on purpose/);
});

test('agent: an error the program handles itself is not a crash', async () => {
  const r = await sameAsPlain(fixture('agent', 'handled-error.js'));
  assert.equal(r.code, 0);
  assert.equal(exitOf(r.events)?.reason, 'exit');
});

test('agent: process.exit(7) and process.exitCode keep their codes', async () => {
  const seven = await sameAsPlain(fixture('agent', 'exit-7.js'));
  assert.equal(seven.code, 7);
  assert.deepEqual([exitOf(seven.events)?.reason, exitOf(seven.events)?.code], ['exit', 7]);
  const three = await sameAsPlain(fixture('agent', 'exit-code.js'));
  assert.equal(three.code, 3);
  assert.deepEqual([exitOf(three.events)?.reason, exitOf(three.events)?.code], ['exit', 3]);
});

test('agent: a program killed by a signal dies of that signal; no exit event is invented', async () => {
  const file = fixture('agent', 'wait-forever.js');
  const r = await runWithAgent(file, { onEvent: (ev, child) => { if (ev.type === 'process') setTimeout(() => child.kill('SIGTERM'), 50); } });
  // Without the agent: the same program, killed the same way once it is ready.
  const plain = await new Promise<{ signal: string | null; code: number | null; stdout: string }>((resolve) => {
    const env = { ...process.env }; delete env.NODE_OPTIONS; delete env.LOOPSCOPE_AGENT;
    const c = spawn(process.execPath, [file], { env });
    let out = '';
    c.stdout.on('data', (d) => { out += d; if (out.includes('ready')) c.kill('SIGTERM'); });
    c.on('close', (code, signal) => resolve({ code, signal, stdout: out }));
  });
  assert.equal(r.signal, 'SIGTERM');
  assert.equal(r.signal, plain.signal);
  assert.equal(r.code, plain.code);
  assert.equal(r.stdout, plain.stdout);
  assert.equal(processes(r.events).length, 1);
  assert.equal(exitOf(r.events), undefined, 'the launcher, not the agent, reports a kill');
});

test('agent: a program with its own worker thread runs unchanged; the worker is not a separate loop', async () => {
  const r = await sameAsPlain(fixture('agent', 'worker-thread.js'));
  assert.match(r.stdout, /fib from worker: 6765/);
  assert.equal(r.connections.length, 1, 'one connection: the worker thread did not start an agent');
  assert.equal(processes(r.events).length, 1);
  assert.equal(exitOf(r.events)?.reason, 'exit');
});

test('agent: child processes stay idle unless followChildren, then each connects as its own run', async () => {
  const file = fixture('agent', 'parent.js');
  const plain = runPlain(file);
  const quiet = await runWithAgent(file);
  assert.equal(quiet.stdout, plain.stdout);
  assert.equal(quiet.connections.length, 1, 'the child did not connect');

  const follow = await runWithAgent(file, { config: { followChildren: true } });
  assert.equal(follow.stdout, plain.stdout);
  assert.equal(follow.connections.length, 2, 'parent and child each connected');
  const [parentHello] = processes(follow.connections[0]!.events);
  const childConn = follow.connections.find((c) => processes(c.events)[0]?.argv.some((a) => a.endsWith('child.js')));
  assert.ok(parentHello && childConn, 'one run per process, each starting with its hello');
  const childHello = processes(childConn.events)[0]!;
  assert.equal(childConn.events[0]?.type, 'process');
  assert.equal(childHello.ppid, parentHello.pid);
  assert.equal(exitOf(childConn.events)?.reason, 'exit');
});

test('agent: ESM entries (.mjs and "type": "module") are watched and blocks found at their line', async () => {
  for (const file of [fixture('agent', 'esm-block.mjs'), fixture('agent', 'type-module', 'main.js')]) {
    const r = await sameAsPlain(file);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;
    const fin = r.events.find((e): e is BlockEvent => e.type === 'block' && e.final && e.location?.file === file && e.location.line === line);
    assert.ok(fin, `${file}: final block at line ${line}; got ${JSON.stringify(r.events.filter((e) => e.type === 'block'))}`);
  }
});

test('agent: a path with spaces is reported as the real path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ls agent spaces '));
  try {
    const sub = join(dir, 'my project');
    mkdirSync(sub);
    const file = join(sub, 'busy loop.js');
    copyFileSync(fixture('blocking', 'busy-loop.js'), file);
    const r = await sameAsPlain(file);
    const fin = r.events.find((e): e is BlockEvent => e.type === 'block' && e.final && e.location?.file === file);
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('// BLOCK')) + 1;
    assert.equal(fin?.location?.line, line, `found in ${JSON.stringify(r.events.filter((e) => e.type === 'block'))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('agent: without a config, loaded twice, or with the launcher gone, the program runs unchanged', async () => {
  const file = fixture('agent', 'exit-7.js');
  const plain = runPlain(file);
  // No LOOPSCOPE_AGENT: idle. (withAgent:false + our own NODE_OPTIONS preloading the agent.)
  const idle = await runWithAgent(file, { withAgent: false, nodeOptions: `--require ${JSON.stringify(AGENT)}` });
  assert.deepEqual([idle.stdout, idle.stderr, idle.code], [plain.stdout, plain.stderr, plain.code]);
  assert.equal(idle.connections.length, 0);
  // Preloaded twice: one agent, one hello.
  const twice = await runWithAgent(file, { nodeOptions: `--require ${JSON.stringify(AGENT)}` });
  assert.deepEqual([twice.stdout, twice.stderr, twice.code], [plain.stdout, plain.stderr, plain.code]);
  assert.equal(processes(twice.events).length, 1);
  // The socket does not exist: nothing to report to, nothing changes, and the program does not hang.
  const gone = await runWithAgent(file, { config: { socket: '/nonexistent/loopscope.sock' } });
  assert.deepEqual([gone.stdout, gone.stderr, gone.code], [plain.stdout, plain.stderr, plain.code]);
});
