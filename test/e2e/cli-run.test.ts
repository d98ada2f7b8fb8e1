// `loopscope run` as a user runs it: the program's stdio and exit code are untouched, Loopscope's
// words go to stderr after the program's own.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cli, fixture, plainNode } from './cli-helpers.ts';

test('stdin, stdout, stderr, arguments and the exit code pass through unchanged', async () => {
  const input = 'hello\nwörld\n';
  const plain = await plainNode(fixture('echo.js'), ['7', '--not-ours'], { input });
  const traced = await cli(['run', fixture('echo.js'), '7', '--not-ours'], { input });
  assert.equal(plain.code, 7);
  assert.equal(traced.code, 7);
  assert.equal(traced.stdout, plain.stdout);
  assert.ok(traced.stderr.startsWith(plain.stderr), `the program's stderr comes first, unchanged:\n${traced.stderr}`);
  assert.match(traced.stderr, /loopscope: the program exited with code 7/);
});

test('--quiet: stderr is byte-for-byte the program\'s own', async () => {
  const input = 'quiet please\n';
  const plain = await plainNode(fixture('echo.js'), ['0'], { input });
  const traced = await cli(['run', '--quiet', fixture('echo.js'), '0'], { input });
  assert.equal(traced.code, 0);
  assert.equal(traced.stdout, plain.stdout);
  assert.equal(traced.stderr, plain.stderr);
});

test('a crashing program: same exit code and stderr, then Loopscope\'s exit note', async () => {
  const plain = await plainNode(fixture('crash.js'));
  const quiet = await cli(['run', '--quiet', fixture('crash.js')]);
  const loud = await cli(['run', fixture('crash.js')]);
  assert.equal(plain.code, 1);
  assert.equal(quiet.code, 1);
  assert.equal(loud.code, 1);
  assert.equal(quiet.stdout, plain.stdout);
  assert.equal(quiet.stderr, plain.stderr);
  assert.ok(loud.stderr.startsWith(plain.stderr), loud.stderr);
  assert.match(loud.stderr, /loopscope: the program crashed \(.*boom from the fixture.*\), exit code 1/);
});

test('process.exit(5) gives exit code 5', async () => {
  const r = await cli(['run', fixture('exit5.js')]);
  assert.equal(r.code, 5);
  assert.equal(r.stdout, 'exiting with 5\n');
  assert.match(r.stderr, /loopscope: the program exited with code 5/);
});

test('a program killed by SIGKILL: exit code 137 like a shell, and Loopscope says so', async () => {
  const r = await cli(['run', fixture('self-kill.js')]);
  assert.equal(r.code, 137);
  assert.equal(r.stdout, 'about to be killed\n');
  assert.match(r.stderr, /loopscope: the program was killed by SIGKILL \(exit code 137\)/);
});

test('Ctrl+C (SIGINT to loopscope) reaches the program, which ends with 130', { skip: process.platform === 'win32' }, async () => {
  let sent = false;
  const r = await cli(['run', fixture('wait-for-signal.js')], {
    onStdout: (text, child) => { if (!sent && text.includes('ready')) { sent = true; child.kill('SIGINT'); } },
  });
  assert.equal(r.code, 130);
  assert.match(r.stderr, /killed by SIGINT \(exit code 130\)/);
});

test('a missing script: a clear error, exit code 2, nothing run', async () => {
  const r = await cli(['run', 'test/fixtures/cli/nope.js']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^loopscope: Cannot find the script .*test\/fixtures\/cli\/nope\.js/);
});

test('bad options: the problem and the usage line, exit code 2', async () => {
  for (const [args, message] of [
    [['run', '--threshold', 'abc', 'x.js'], /--threshold must be a number greater than 0, got "abc"/],
    [['run', '--mode', 'fast', 'x.js'], /--mode must be tree or blocking, got "fast"/],
    [['run', '--frobnicate', 'x.js'], /unknown option --frobnicate for run/],
    [['run'], /missing the script to run/],
    [['launch', 'x.js'], /unknown command "launch"/],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.match(r.stderr, /usage: loopscope run \[options\] \[--\] <script> \[args\.\.\.\]/);
  }
});

test('--fail-on-block: exit code 3 when the loop was blocked and the program exited 0', async () => {
  const failing = await cli(['run', '--fail-on-block', fixture('blocking.js')]);
  assert.equal(failing.code, 3, failing.stderr);
  assert.match(failing.stderr, /exit code 3 \(--fail-on-block\): 1 block of the event loop over 50 ms/);
  const plain = await cli(['run', fixture('blocking.js')]);
  assert.equal(plain.code, 0);
  const high = await cli(['run', '--fail-on-block', '--threshold', '5000', fixture('blocking.js')]);
  assert.equal(high.code, 0, 'nothing passed a 5 s threshold');
});

test('a block is reported as it happens, naming the exact line', async () => {
  const r = await cli(['run', fixture('blocking.js')], { cwd: fixture() });
  assert.match(r.stderr, /Executing <.*> took 0\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at blocking\.js:6:\d+ in spin/);
  assert.match(r.stderr, /1 block of the event loop over 50 ms, longest first:\n\s+\d+ ms\s+callback\s+spin\s+blocking\.js:6:\d+/);
});

test('the user\'s own NODE_OPTIONS are kept: their --require preload still runs', async () => {
  const env = { ...process.env, NODE_OPTIONS: `--require ${fixture('preload.cjs')} --max-old-space-size=200` };
  const r = await cli(['run', fixture('exit5.js')], { env });
  assert.equal(r.code, 5);
  assert.match(r.stderr, /^user preload ran\n/);
  assert.match(r.stderr, /Executing|the program exited with code 5/);
});

test('a long block is shown while it is still going on, then once more when it ends', async () => {
  const r = await cli(['run', fixture('long-block.js')], { cwd: fixture() });
  assert.equal(r.code, 0);
  const live = r.stderr.search(/Executing <.*> has taken \d\.\d{3} seconds so far(?: \(\d+ ms of it waiting for a CPU\))?, blocked at long-block\.js:5:\d+ in stuck/);
  const final = r.stderr.search(/Executing <.*> took 1\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at long-block\.js:5:\d+ in stuck/);
  assert.ok(live >= 0, r.stderr);
  assert.ok(final > live, r.stderr);
});

test('--mode blocking: the blocks, no task tree', async () => {
  const r = await cli(['run', '--mode', 'blocking', fixture('blocking.js')], { cwd: fixture() });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /Executing <.*> took 0\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at blocking\.js:6:\d+ in spin/);
  assert.match(r.stderr, /1 block of the event loop over 50 ms/);
  assert.doesNotMatch(r.stderr, /^main module/m, 'no tree in blocking mode');
});

test('--node that does not exist or cannot run: a clear error, exit code 2', async () => {
  const missing = await cli(['run', '--node', '/no/such/node', fixture('exit5.js')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^loopscope: Cannot find the Node executable \/no\/such\/node\n$/);
  const notExecutable = await cli(['run', '--node', fixture('preload.cjs'), fixture('exit5.js')]);
  assert.equal(notExecutable.code, 2);
  assert.match(notExecutable.stderr, /is not executable \(permission denied\)/);
});

test('run options reach the agent', async () => {
  const r = await cli(['run', '--quiet', '--threshold', '75', '--mode', 'blocking', '--task-cap', '7', '--include-node-modules', fixture('print-config.js')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { mode: 'blocking', thresholdMs: 75, taskCap: 7, includeNodeModules: true, followChildren: false });
  const defaults = await cli(['run', '--quiet', fixture('print-config.js')]);
  assert.deepEqual(JSON.parse(defaults.stdout), { mode: 'tree', thresholdMs: 50, taskCap: 100000, includeNodeModules: false, followChildren: false });
});

test('--sampler reaches the watchdog: with it, a block inside an unmarked uninterruptible builtin is placed at its own line', async () => {
  // structuredClone cannot be interrupted and is not one of the calls the rewrite marks: a stack snapshot
  // lands where the main thread next checks for interrupts, after it (Date.now() on line 14 has no check,
  // so line 14 or 15); only the sampler's samples, taken while it runs, name line 13. Same program, same
  // tree mode, the option alone differs.
  const file = fixture('..', 'blocking', 'structured-clone.js');
  const sampled = await cli(['run', '--sampler', 'always', '--threshold', '100', file]);
  assert.equal(sampled.code, 0, sampled.stderr);
  assert.match(sampled.stderr, /Executing <.*> took \d\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at .*structured-clone\.js:13:\d+ in copy/);
  const snapshots = await cli(['run', '--threshold', '100', file]);
  assert.equal(snapshots.code, 0, snapshots.stderr);
  assert.match(snapshots.stderr, /Executing <.*> took \d\.\d{3} seconds(?: \(\d+ ms of it waiting for a CPU\))?, blocked at .*structured-clone\.js:1[45]:\d+ in copy/);
  assert.match(snapshots.stderr, /^main module/m, 'still the task tree: only the sampler changed');
});

test('tree mode: a block inside JSON.parse is placed at the call itself, with no sampler', async () => {
  const file = fixture('..', 'blocking', 'json-parse.js');
  const r = await cli(['run', '--threshold', '100', file]);
  assert.equal(r.code, 0, r.stderr);
  const col = readFileSync(file, 'utf8').split('\n')[10]!.indexOf('parse(') + 1;
  assert.match(r.stderr, new RegExp(`Executing <.*> took \\d\\.\\d{3} seconds(?: \\(\\d+ ms of it waiting for a CPU\\))?, blocked at .*json-parse\\.js:11:${col} in parse`));
});

test('--trace or --summary that cannot be written: said before the program runs, exit code 2', async () => {
  const noDir = await cli(['run', '--trace', '/no/such/dir/t.ndjson', fixture('exit5.js')]);
  assert.equal(noDir.code, 2);
  assert.equal(noDir.stdout, '', 'the program did not run');
  assert.match(noDir.stderr, /^loopscope: --trace \/no\/such\/dir\/t\.ndjson: the folder \/no\/such\/dir does not exist\n$/);
  const summaryDir = await cli(['run', '--summary', fixture(), fixture('exit5.js')]);
  assert.equal(summaryDir.code, 2);
  assert.match(summaryDir.stderr, /--summary .*: is a folder/);
  if (existsSync('/dev/full')) {
    const full = await cli(['run', '--trace', '/dev/full', fixture('exit5.js')]);
    assert.equal(full.code, 2);
    assert.equal(full.stdout, '');
    assert.match(full.stderr, /cannot write the trace \/dev\/full: ENOSPC/);
  }
});

test('Ctrl+Z (SIGTSTP to loopscope) stops the program too, and SIGCONT resumes both', { skip: process.platform !== 'linux' }, async () => {
  const state = (pid: number) => /^\d+ \(.*\) (\w)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1];
  const waitFor = async (pid: number, want: (s: string) => boolean) => {
    for (let i = 0; i < 500 && !want(state(pid)); i++) await new Promise((r) => setTimeout(r, 10));
    return state(pid);
  };
  const seen: string[] = [];
  let started = false;
  const r = await cli(['run', '--quiet', fixture('ticker.js')], {
    onStdout: (text, child) => {
      const m = /pid (\d+)/.exec(text);
      if (!m || started) return;
      started = true;
      const pid = Number(m[1]);
      void (async () => {
        child.kill('SIGTSTP');
        seen.push(await waitFor(pid, (s) => s === 'T'), await waitFor(child.pid!, (s) => s === 'T'));
        child.kill('SIGCONT');
        seen.push(await waitFor(pid, (s) => s !== 'T'));
      })();
    },
  });
  assert.deepEqual(seen.slice(0, 2), ['T', 'T'], 'program and loopscope both stopped');
  assert.notEqual(seen[2], 'T', 'the program runs again');
  assert.equal(r.code, 0);
});

test('a second Ctrl+C ends a program that ignores the first', { skip: process.platform === 'win32' }, async () => {
  let sent = 0;
  const r = await cli(['run', fixture('ignore-sigint.js')], {
    onStdout: (text, child) => {
      if (sent === 0 && text.includes('ready')) { sent = 1; child.kill('SIGINT'); }
      if (sent === 1 && text.includes('caught')) { sent = 2; child.kill('SIGINT'); }
    },
  });
  assert.equal(r.stdout, 'ready\ncaught\n');
  assert.equal(r.code, 137);
  assert.match(r.stderr, /killed by SIGKILL \(exit code 137\)/);
});
