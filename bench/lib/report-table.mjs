// The plain-text report: one table of medians and ratios vs the baseline, the targets, and every miss spelled out.
// The same text goes to stdout and to /tmp/team/bench-latest.txt.

function fmtValue(v, metric) {
  if (!Number.isFinite(v)) return '-';
  return metric === 'rps' ? `${Math.round(v)} rps` : `${v.toFixed(1)} ms`;
}

function fmtCounts(m) {
  const parts = [];
  if (m.summary) {
    for (const [k, v] of Object.entries(m.summary)) parts.push(`${k}=${Math.round(v)}`);
  }
  if (m.wire) parts.push(`records=${Math.round(m.wire.records)}`, `ctl=${Math.round(m.wire.controls)}`, `kB=${Math.round(m.wire.bytes / 1024)}`);
  return parts.join(' ');
}

function verdict(m) {
  if (m.okRuns < m.runs) return `FAILED ${m.runs - m.okRuns}/${m.runs}`;
  if (m.behaviourChanged) return 'OUTPUT CHANGED';
  if (m.met === undefined) return '';
  return m.met ? 'ok' : 'MISSED';
}

export function formatReport(meta, results) {
  const rows = [['workload', 'mode', 'median', 'ratio', 'target', 'verdict', 'spread', 'wall', 'secondary', 'events (median per run)']];
  for (const w of results) {
    const baseSecondary = w.modes.baseline?.secondary ?? [];
    for (const [mode, m] of Object.entries(w.modes)) {
      const secondary = (m.secondary ?? []).map((v, i) => (Number.isFinite(v)
        ? `${w.secondaryLabels[i]} ${v.toFixed(1)} (${(v / baseSecondary[i]).toFixed(2)}x)` : '')).filter(Boolean).join(', ');
      rows.push([
        mode === 'baseline' ? `(${w.key}) ${w.workload}` : '', mode, fmtValue(m.median, w.metric),
        Number.isFinite(m.ratio) ? `${m.ratio.toFixed(2)}x` : '-', m.target ? `<=${m.target}x` : '',
        verdict(m), `${m.spreadPercent.toFixed(0)}%`, Number.isFinite(m.medianWallMs) ? `${(m.medianWallMs / 1000).toFixed(2)}s` : '-',
        secondary, fmtCounts(m),
      ]);
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (c === 2 || c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const out = [];
  out.push(`Loopscope overhead benchmark — ${meta.finished}`);
  out.push(`git: ${meta.git || '?'} | node ${meta.node} | ${meta.cpus} CPUs, load ${meta.loadavg.map((l) => l.toFixed(2)).join(' ')} | ${meta.runs} alternating runs per mode, medians${meta.nice !== undefined ? ` | nice ${meta.nice}` : ''}`);
  out.push(`ratio = how many times worse than baseline: time/baseline for (a),(b); baseline rps/rps for (c) (throughput loss)`);
  out.push(`reproduce: ${meta.command}`);
  for (const n of meta.notes) out.push(`note: ${n}`);
  if (meta.loadavg[0] > meta.cpus) {
    out.push(`note: load average ${meta.loadavg[0].toFixed(1)} on ${meta.cpus} CPUs: neighbours inflate wall time; trust the CPU (secondary) ratios more`);
  }
  out.push('');
  out.push(line(rows[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
  const misses = [];
  for (const w of results) {
    for (const [mode, m] of Object.entries(w.modes)) {
      if (m.met === false) misses.push(`TARGET MISSED: (${w.key}) ${w.workload} ${mode}: ${m.ratio.toFixed(2)}x > ${m.target}x`);
      if (m.okRuns < m.runs) {
        const bad = m.raw.find((r) => !r.ok);
        misses.push(`RUNS FAILED: (${w.key}) ${w.workload} ${mode}: ${m.runs - m.okRuns}/${m.runs} (exit ${bad.code}${bad.timedOut ? ', timed out' : ''}): ${(bad.stderrTail || '').split('\n').slice(-3).join(' | ')}`);
      }
      if (m.behaviourChanged) {
        const ex = m.changedExample;
        const extra = ['errorKinds', 'notFound', 'failures'].filter((k) => ex?.[k] && Object.keys(ex[k]).length).map((k) => `, ${k} ${JSON.stringify(ex[k])}`).join('');
        const detail = ex ? ` (check ${ex.check} vs ${ex.baselineCheck}${extra})` : '';
        misses.push(`OUTPUT CHANGED: (${w.key}) ${w.workload} ${mode}: ${m.behaviourChanged} run(s) computed a different result than the baseline${detail}`);
      }
    }
  }
  const compared = results.some((w) => Object.keys(w.modes).some((m) => m !== 'baseline'));
  if (!compared) misses.push('NOTHING COMPARED: only the baseline ran (no CLI or agent built yet).');
  out.push(...(misses.length ? misses : ['All targets met.']));
  out.push('spread = (max-min)/median over the runs; wall = whole process incl. start-up and exit; this machine has 2 noisy cores, read ratios to about ±25%.');
  return out.join('\n') + '\n';
}
