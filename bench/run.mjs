#!/usr/bin/env node
// Overhead benchmark: how much slower a program runs under Loopscope than without it.
// For each workload, alternates runs (the order rotates every round) of
//   baseline  node <workload>
//   tree      node bin/loopscope.js run --mode tree --quiet --summary <f> -- <workload>
//   blocking  node bin/loopscope.js run --mode blocking --quiet --summary <f> -- <workload>
// and compares the medians of what each workload measured about itself (not process start-up).
// Also available: agent-tree / agent-blocking (the agent preloaded directly, events discarded: no launcher cost),
// and tree-sampler (tree mode with --sampler always: what V8's sampling profiler would cost, by difference).
// Usage: node bench/run.mjs [--runs 7] [--only a,b,c] [--modes baseline,tree,blocking] [--node <node>]
//        [--scale 1] [--timeout 120] [--nice=-10] [--no-summary] [--no-latest] [--out bench/results/overhead.json]
// --nice runs every measured process tree (program, CLI, load generator) at that niceness: on a shared 2-core
// machine a negative value (needs root) keeps neighbours' builds and tests from dominating the figures.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, slowdown } from './lib/workloads.mjs';
import { median, spreadPercent } from './lib/stats.mjs';
import { runOnce } from './lib/run-once.mjs';
import { openDrainSocket } from './lib/drain-socket.mjs';
import { formatReport } from './lib/report-table.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = path.join(root, 'bin/loopscope.js');
const CLI_BUNDLE = path.join(root, 'dist/cli.cjs');
const AGENT = path.join(root, 'dist/runtime/agent.cjs');
const LATEST = '/tmp/team/bench-latest.txt';
const ALL_MODES = ['baseline', 'tree', 'blocking', 'tree-sampler', 'agent-tree', 'agent-blocking'];
const CLI_MODES = ['tree', 'blocking', 'tree-sampler'];

let parsed;
try {
  parsed = parseArgs({
    options: {
      runs: { type: 'string', default: '7' },
      only: { type: 'string', default: 'a,b,c' },
      modes: { type: 'string' },
      node: { type: 'string', default: process.execPath },
      scale: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      nice: { type: 'string' },
      'no-summary': { type: 'boolean', default: false },
      'no-latest': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(root, 'bench/results/overhead.json') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (err) {
  console.error(`bench: ${err.message} (see node bench/run.mjs --help)`);
  process.exit(2);
}
const opt = parsed.values;
if (opt.help) {
  // The help text is the comment block at the top of this file.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
  console.log(header.map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

function fail(msg) { console.error(`bench: ${msg}`); process.exit(2); }

const runs = Number(opt.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got "${opt.runs}"`);
if (runs < 5) console.warn(`bench: only ${runs} runs per mode; targets are judged on medians of ≥5 runs`);
const keys = opt.only.split(',').map((s) => s.trim()).filter(Boolean);
const workloads = WORKLOADS.filter((w) => keys.includes(w.key) || keys.includes(w.name));
if (workloads.length === 0) fail(`--only "${opt.only}" names no workload (have: ${WORKLOADS.map((w) => `${w.key}=${w.name}`).join(', ')})`);
const timeoutMs = Number(opt.timeout) * 1000;
const niceness = opt.nice === undefined ? undefined : Number(opt.nice);
if (niceness !== undefined && !Number.isInteger(niceness)) fail(`--nice must be an integer, got "${opt.nice}"`);

// Without a built CLI there is nothing to compare the baseline with; fall back to the bare agent if it exists.
let modes = opt.modes ? opt.modes.split(',').map((s) => s.trim()) : ['baseline', 'tree', 'blocking'];
for (const m of modes) if (!ALL_MODES.includes(m)) fail(`unknown mode "${m}" (have: ${ALL_MODES.join(', ')})`);
if (!modes.includes('baseline')) modes.unshift('baseline');
const notes = [];
if (modes.some((m) => CLI_MODES.includes(m)) && !existsSync(CLI_BUNDLE)) {
  notes.push(`dist/cli.cjs is missing (run \`npm run build\`; is src/cli/main.ts there yet?): CLI modes skipped`);
  modes = modes.filter((m) => !CLI_MODES.includes(m));
  if (!opt.modes && existsSync(AGENT)) modes.push('agent-tree', 'agent-blocking');
}
if (modes.some((m) => m.startsWith('agent-')) && !existsSync(AGENT)) {
  notes.push('dist/runtime/agent.cjs is missing: agent-* modes skipped');
  modes = modes.filter((m) => !m.startsWith('agent-'));
}
for (const n of notes) console.warn(`bench: ${n}`);

const baseEnv = { ...process.env };
delete baseEnv.LOOPSCOPE_AGENT;
if (opt.scale) baseEnv.LOOPSCOPE_BENCH_SCALE = opt.scale;
const summaryDir = path.join(os.tmpdir(), `loopscope-bench-${process.pid}`);
mkdirSync(summaryDir, { recursive: true });
const drain = modes.some((m) => m.startsWith('agent-')) ? await openDrainSocket() : undefined;

function command(mode, workload, summaryFile) {
  if (mode === 'baseline') return { args: [workload.file], env: baseEnv };
  if (CLI_MODES.includes(mode)) {
    const summary = opt['no-summary'] ? [] : ['--summary', summaryFile];
    const how = mode === 'tree-sampler' ? ['--mode', 'tree', '--sampler', 'always'] : ['--mode', mode];
    return { args: [CLI, 'run', ...how, '--quiet', ...summary, '--', workload.file], env: baseEnv };
  }
  const agentMode = mode.slice('agent-'.length);
  const config = JSON.stringify({ socket: drain.socketPath, mode: agentMode });
  return { args: ['--require', AGENT, workload.file], env: { ...baseEnv, LOOPSCOPE_AGENT: config } };
}

/** What the --summary file says about the run: task and block counts, drops. */
function readSummary(file) {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    const out = { tasks: s.tasks?.length, blocks: s.blocks?.length, dropped: s.dropped };
    for (const [k, v] of Object.entries(s)) if (typeof v === 'number' && !['exitCode', 'durationMs', 'thresholdMs', 'dropped'].includes(k)) out[k] = v;
    return out;
  } catch (err) {
    return { unreadable: err.message };
  } finally {
    rmSync(file, { force: true });
  }
}

const started = new Date();
const results = [];
for (const workload of workloads) {
  const perMode = Object.fromEntries(modes.map((m) => [m, []]));
  process.stderr.write(`bench: ${workload.name}: ${runs} rounds of ${modes.join(', ')}\n`);
  for (let round = 0; round < runs; round++) {
    // Rotate the order so no mode always runs first (a warm page cache, a neighbour's burst).
    const order = modes.map((_, i) => modes[(i + round) % modes.length]);
    for (const mode of order) {
      const summaryFile = path.join(summaryDir, `${workload.key}-${mode}-${round}.json`);
      const { args, env } = command(mode, workload, summaryFile);
      const [cmd, cmdArgs] = niceness === undefined ? [opt.node, args] : ['nice', ['-n', String(niceness), opt.node, ...args]];
      const r = await runOnce(cmd, cmdArgs, { env, cwd: root, timeoutMs });
      const run = { round, ok: r.ok, value: r.result?.[workload.metric], wallMs: r.wallMs, check: r.result?.check, result: r.result };
      if (!r.ok) Object.assign(run, { code: r.code, signal: r.signal, timedOut: r.timedOut, stderrTail: r.stderrTail });
      if (CLI_MODES.includes(mode)) run.summary = readSummary(summaryFile);
      if (drain && mode.startsWith('agent-')) { await new Promise((res) => setTimeout(res, 50)); run.wire = drain.take(); }
      perMode[mode].push(run);
      const shown = r.ok ? `${run.value.toFixed(workload.metric === 'rps' ? 0 : 1)} ${workload.metric}` : `FAILED (exit ${r.code}${r.timedOut ? ', timed out' : ''})`;
      process.stderr.write(`  round ${round + 1}/${runs} ${mode.padEnd(14)} ${shown}\n`);
      if (!r.ok && r.stderrTail) process.stderr.write(`    ${r.stderrTail.split('\n').slice(-5).join('\n    ')}\n`);
    }
  }
  results.push(summarise(workload, perMode));
}
drain?.close();
rmSync(summaryDir, { recursive: true, force: true });

function summarise(workload, perMode) {
  const baseValues = perMode.baseline.filter((r) => r.ok).map((r) => r.value);
  const baseMedian = median(baseValues);
  const baseCheck = perMode.baseline.find((r) => r.ok)?.check;
  const modesOut = {};
  for (const [mode, list] of Object.entries(perMode)) {
    const okRuns = list.filter((r) => r.ok);
    const values = okRuns.map((r) => r.value);
    const med = median(values);
    const ratio = mode === 'baseline' ? 1 : slowdown(workload, med, baseMedian);
    const kind = mode.replace(/^agent-/, '');
    const target = mode === 'baseline' ? undefined : workload.targets[kind];
    const changedRuns = okRuns.filter((r) => r.check !== baseCheck);
    const mismatched = changedRuns.length;
    const summaries = list.map((r) => r.summary).filter(Boolean);
    const wires = list.map((r) => r.wire).filter(Boolean);
    const secondary = workload.secondary.map((s) => median(okRuns.map((r) => r.result[s.field])));
    modesOut[mode] = {
      median: med, secondary, ratio, target, met: target === undefined || !Number.isFinite(ratio) ? undefined : ratio <= target,
      okRuns: okRuns.length, runs: list.length, spreadPercent: spreadPercent(values), medianWallMs: median(list.map((r) => r.wallMs)),
      behaviourChanged: mismatched,
      changedExample: changedRuns[0] && {
        baselineCheck: baseCheck, check: changedRuns[0].check, errorKinds: changedRuns[0].result.errorKinds,
        notFound: changedRuns[0].result.notFound, failures: changedRuns[0].result.failures,
      },
      summary: summaries.length ? medianFields(summaries) : undefined,
      wire: wires.length ? medianFields(wires) : undefined,
      values, raw: list,
    };
  }
  return { key: workload.key, workload: workload.name, metric: workload.metric, secondaryLabels: workload.secondary.map((s) => s.label), modes: modesOut };
}

/** Field-by-field medians of numeric fields across runs (event counts vary a little with timing). */
function medianFields(objs) {
  const out = {};
  for (const k of new Set(objs.flatMap((o) => Object.keys(o)))) {
    const nums = objs.map((o) => o[k]).filter((v) => typeof v === 'number');
    if (nums.length) out[k] = median(nums);
  }
  return out;
}

// bench/at-commit.sh runs us in an exported tree (no .git) and says which commit it is.
let gitRev = process.env.LOOPSCOPE_BENCH_GIT ?? '';
if (!gitRev) try { gitRev = execFileSync('git', ['-C', root, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
const nodeVersion = execFileSync(opt.node, ['--version'], { encoding: 'utf8' }).trim();
const meta = {
  started: started.toISOString(), finished: new Date().toISOString(), git: gitRev, node: nodeVersion, nodePath: opt.node,
  cpus: os.availableParallelism(), loadavg: os.loadavg(), runs, modes, scale: opt.scale ?? '1', nice: niceness,
  command: process.env.LOOPSCOPE_BENCH_COMMAND ?? `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(), notes,
};
const text = formatReport(meta, results);
process.stdout.write(text);
mkdirSync(path.dirname(opt.out), { recursive: true });
writeFileSync(opt.out, JSON.stringify({ meta, results }, null, 2) + '\n');
process.stderr.write(`bench: wrote ${path.relative(process.cwd(), opt.out)}\n`);
if (!opt['no-latest'] && existsSync(path.dirname(LATEST))) {
  writeFileSync(LATEST, text);
  process.stderr.write(`bench: wrote ${LATEST}\n`);
}
const missed = modes.length < 2 || results.some((w) => Object.values(w.modes).some((m) => m.met === false || m.okRuns < m.runs || m.behaviourChanged));
process.exitCode = missed ? 1 : 0;
