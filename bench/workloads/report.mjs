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
