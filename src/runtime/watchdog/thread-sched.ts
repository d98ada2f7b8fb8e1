// What the OS scheduler says about the main thread, read from the worker: how long it has run, how long
// it has waited for a CPU, and whether it is runnable right now.
//
// On a loaded machine a thread that is ready to run can wait for a CPU for 100 ms and more (a browser
// taking a screenshot beside the program on 2 cores did that in CI). From the heartbeat alone that looks
// exactly like a block of the program's own code. Linux counts each thread's run-queue wait in
// /proc/<pid>/task/<tid>/schedstat, but only once the wait is over (when the thread gets a CPU): a wait
// still going on shows as a runnable thread ('R' in .../stat) whose run time does not move. The detector
// (detector.ts) takes both off the loop's lateness, so starvation alone is not a block, while time the
// code ran, or slept in a syscall (execSync, readFileSync), still is.
import { openSync, readSync } from 'node:fs';

export interface SchedSample {
  /** Cumulative time on a CPU (ms); the kernel brings it up to date at least once per tick (4 ms at 250 Hz). */
  runMs: number;
  /** Cumulative time runnable but waiting for a CPU (ms), counted when each wait ends. */
  queuedMs: number;
  /** Running or waiting for a CPU (state R), as opposed to sleeping in a syscall or stopped. */
  runnable: boolean;
}

export type ThreadSched = () => SchedSample | undefined;

/**
 * A reader for thread `tid` (the main thread's tid is the process id), or undefined where the OS does not
 * say (not Linux, a kernel without schedstat). Two preads per call (about 2 µs), on descriptors kept open.
 */
export function threadSchedReader(pid: number, tid: number = pid): ThreadSched | undefined {
  if (process.platform !== 'linux') return undefined;
  let schedFd: number;
  let statFd: number;
  try {
    schedFd = openSync(`/proc/${pid}/task/${tid}/schedstat`, 'r');
    statFd = openSync(`/proc/${pid}/task/${tid}/stat`, 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(512);
  const text = (fd: number): string => buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
  const read: ThreadSched = () => {
    try {
      const times = parseSchedstat(text(schedFd));
      const state = parseState(text(statFd));
      return times && state !== undefined ? { ...times, runnable: state === 'R' } : undefined;
    } catch {
      return undefined;
    }
  };
  return read() === undefined ? undefined : read;
}

/** "<ns on CPU> <ns waiting on a run queue> <timeslices>\n" → ms. */
export function parseSchedstat(text: string): { runMs: number; queuedMs: number } | undefined {
  const m = /^(\d+) (\d+) \d+/.exec(text);
  return m ? { runMs: Number(m[1]) / 1e6, queuedMs: Number(m[2]) / 1e6 } : undefined;
}

/** "<tid> (<comm>) <state> …": the state letter. comm may hold spaces and parentheses: the last ")" ends it. */
export function parseState(text: string): string | undefined {
  const close = text.lastIndexOf(')');
  return close >= 0 ? text.charAt(close + 2) || undefined : undefined;
}
