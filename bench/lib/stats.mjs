// Small statistics for noisy timings: medians, not means, because one disturbed run must not move the result.
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** (max - min) / median, as a percentage: how noisy the runs were. */
export function spreadPercent(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length < 2) return 0;
  return (100 * (Math.max(...v) - Math.min(...v))) / median(v);
}
