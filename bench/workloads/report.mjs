import { readFileSync } from 'node:fs';

// The one line a workload prints about itself: the harness (bench/run.mjs) reads the line that starts
// with {"bench": and ignores everything else, so process start-up and agent loading are not what we compare.
export function report(fields) {
  process.stdout.write(JSON.stringify({ bench: fields.bench, ...fields }) + '\n');
}

/** Work size multiplier from LOOPSCOPE_BENCH_SCALE (default 1), so a quick smoke run can be small. */
export function scale() {
  const s = Number(process.env.LOOPSCOPE_BENCH_SCALE ?? '1');
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/**
 * CPU time of the main thread alone, in ms (Linux: /proc, 10 ms resolution), or undefined elsewhere.
 * process.cpuUsage() counts every thread (the agent's worker, GC helpers): this tells whether a cost lands on
 * the thread that runs the program's JavaScript, which is what slows it down on a machine with a spare core.
 */
export function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return undefined;
  }
}
