// A loaded machine: a main thread that is ready to run but waits for a CPU looks, from the heartbeat alone,
// exactly like a block (CI saw 60-140 ms "blocks" with no line while a browser took a screenshot beside the
// program). The test makes that happen on purpose: once the program is up, its main thread alone (not the
// watchdog's) is pinned to CPU 0 beside a busy process there, with `taskset` and `chrt` (util-linux). To
// starve it outright the busy process runs at a real-time priority, which needs root (or CAP_SYS_NICE):
// Linux then leaves other threads 5% of that CPU (sched_rt_runtime_us), about a second's gap. (An
// idle-priority main thread beside plain busy processes was starved for 15-1000 ms, too unevenly to test.)
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, ROOT } from './cli-helpers.ts';
import type { Summary } from '../../src/protocol/summary.ts';

const tools = ['taskset', 'chrt'].every((t) => spawnSync(t, ['--version']).status === 0);
const skip = process.platform !== 'linux' ? 'Linux only (the scheduler\'s counters come from /proc)'
  : os.cpus().length < 2 ? 'needs 2 CPUs (the watchdog must run beside the starved main thread)'
    : !tools ? 'needs taskset and chrt (util-linux)' : false;
const realTime = spawnSync('chrt', ['--fifo', '1', 'true']).status === 0;

const fixture = (name: string) => path.join(ROOT, 'test', 'fixtures', 'blocking', name);
const HOG = 'const end = Date.now() + Number(process.argv[1]); while (Date.now() < end);';

/**
 * Runs `loopscope run` on a fixture that prints `ready <pid>`; then pins that main thread to CPU 0 and
 * spins a busy process there for `busyMs`, at a real-time priority when `starve`.
 */
async function runLoaded(name: string, starve: boolean, busyMs: number) {
  const summary = path.join(mkdtempSync(path.join(os.tmpdir(), 'loopscope-loaded-')), 'summary.json');
  let busy: ChildProcess | undefined;
  let busyDone: Promise<unknown> = Promise.resolve();
  const r = await cli(['run', '--summary', summary, fixture(name)], {
    onStdout: (out) => {
      const m = /ready (\d+)/.exec(out);
      if (!m || busy) return;
      execFileSync('taskset', ['-pc', '0', m[1]!]);
      const spin = ['taskset', '-c', '0', process.execPath, '-e', HOG, String(busyMs)];
      busy = spawn(starve ? 'chrt' : spin[0]!, starve ? ['--fifo', '1', ...spin] : spin.slice(1), { stdio: 'ignore' });
      busyDone = new Promise((resolve) => busy!.on('close', resolve));
    },
  });
  await busyDone;
  assert.ok(busy, `the program never said it was ready: ${r.stdout} ${r.stderr}`);
  return { ...r, summary: JSON.parse(readFileSync(summary, 'utf8')) as Summary };
}

test('a loaded machine: a main thread starved of CPU for up to a second is not reported as blocking', { skip: skip || (!realTime && 'needs root (or CAP_SYS_NICE) to run a real-time process') }, async () => {
  const r = await runLoaded('loaded-ticker.js', true, 1000);
  assert.equal(r.code, 0, r.stderr);
  // The premise: the program really was kept off the CPU (else this test would prove nothing).
  const gap = Number(/longest gap (\d+) ms/.exec(r.stdout)?.[1]);
  assert.ok(gap >= 300, `the program's longest gap between ticks was ${gap} ms: it was not starved`);
  assert.doesNotMatch(r.stderr, /Executing </, 'no block line');
  assert.deepEqual(r.summary.blocks, [], 'no block in the summary');
  assert.match(r.stderr, /No blocks of the event loop over 50 ms/);
});

test('a loaded machine: code that spins while sharing its CPU is still a block, at its line, with its wait for the CPU', { skip }, async () => {
  const r = await runLoaded('loaded-spin.js', false, 1500);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary.blocks.length, 1, r.stderr);
  const b = r.summary.blocks[0]!;
  assert.equal(b.location?.line, 6, JSON.stringify(b));
  assert.ok(b.durationMs >= 250, `${b.durationMs} ms`);
  // Sharing CPU 0 with the busy process, the spin waited for it part of the time, and says so.
  assert.ok(b.queuedMs !== undefined && b.queuedMs >= 30 && b.queuedMs < b.durationMs, JSON.stringify(b));
  assert.match(r.stderr, /Executing <setTimeout callback at .*loaded-spin\.js:4> took 0\.\d{3} seconds \(\d+ ms of it waiting for a CPU\), blocked at .*loaded-spin\.js:6:\d+ in spin/);
});
