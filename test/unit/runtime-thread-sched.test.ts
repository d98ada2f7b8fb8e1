// The scheduler's counters for a thread, read from /proc (Linux): parsed, and read live from a real thread.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseSchedstat, parseState, threadSchedReader } from '../../src/runtime/watchdog/thread-sched.ts';

test('thread-sched: schedstat is run time, run-queue wait (ns) and timeslices; stat\'s state follows the last ")"', () => {
  assert.deepEqual(parseSchedstat('63073143 5045497 158\n'), { runMs: 63.073143, queuedMs: 5.045497 });
  assert.equal(parseSchedstat(''), undefined);
  assert.equal(parseSchedstat('garbage'), undefined);
  assert.equal(parseState('29983 (node) R 29980 29980 28071 0 -1'), 'R');
  assert.equal(parseState('29983 (my (odd) prog) S 1 2 3'), 'S', 'a command name with spaces and parentheses');
  assert.equal(parseState('no state here'), undefined);
});

test('thread-sched: this thread, live: runnable while it runs, its run time grows with the work it does', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  const read = threadSchedReader(process.pid);
  assert.ok(read, 'a reader on Linux');
  const a = read()!;
  // Spin until the counter shows 20 ms of work (a loaded machine gives the thread less than its wall time, so a
  // fixed wall-clock spin cannot promise 20 ms on the CPU); give up after 5 s, which only a dead counter reaches.
  const t0 = performance.now();
  let b = read()!;
  while (b.runMs - a.runMs < 20 && performance.now() - t0 < 5000) b = read()!;
  const wall = performance.now() - t0;
  assert.equal(b.runnable, true, 'reading itself, the thread runs');
  assert.ok(b.runMs - a.runMs >= 20, `ran ${b.runMs - a.runMs} ms in ${wall} ms`);
  assert.ok(b.runMs - a.runMs <= wall + 2, `ran ${b.runMs - a.runMs} ms, more than the ${wall} ms that passed: wrong unit`);
  assert.ok(b.queuedMs >= a.queuedMs);
  assert.equal(threadSchedReader(process.pid, 999_999_999), undefined, 'no such thread: no reader');
});
