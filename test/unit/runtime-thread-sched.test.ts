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
  const end = performance.now() + 30;
  while (performance.now() < end); // 30 ms on the CPU
  const b = read()!;
  assert.equal(b.runnable, true, 'reading itself, the thread runs');
  assert.ok(b.runMs - a.runMs >= 20, `ran ${b.runMs - a.runMs} ms`);
  assert.ok(b.queuedMs >= a.queuedMs);
  assert.equal(threadSchedReader(process.pid, 999_999_999), undefined, 'no such thread: no reader');
});
