// Workload (c), an HTTP server under a bounded local load: listens on 127.0.0.1 (an ephemeral port), starts
// the load generator (http-loadgen.mjs) as an uninstrumented child process, and reports the throughput it
// measured. Each request awaits a little async work (a lookup, a fan-out, a yield) and returns JSON.
// Prints {"bench":"http","rps":…,"requests":…,"errors":…,"serverCpuPercent":…,"serverCpuUsPerRequest":…,…}.
// Settings (environment): LOOPSCOPE_BENCH_REQUESTS (50000), LOOPSCOPE_BENCH_CONNECTIONS (16),
// LOOPSCOPE_BENCH_LOADGEN_CPU: the CPU the load generator is pinned to with taskset ("none": not pinned;
// default: the last CPU, so it disturbs the server less on a small machine).
import http from 'node:http';
import os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { mainThreadCpuMs, report, scale } from './report.mjs';

const REQUESTS = Math.round(Number(process.env.LOOPSCOPE_BENCH_REQUESTS ?? 50_000) * scale());
const CONNECTIONS = Number(process.env.LOOPSCOPE_BENCH_CONNECTIONS ?? 16);
const WARMUP = Math.min(2_000, Math.floor(REQUESTS / 10));
const MAX_MS = 60_000;

const CATALOGUE = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item-${i}`, price: (i * 37) % 500, tags: ['a', 'b', `t${i % 13}`] }));

async function lookup(id) {
  await null; // an awaited cache check
  const item = CATALOGUE[id];
  if (!item) throw new Error(`no item ${id}`);
  return item;
}

async function related(item, page) {
  const ids = [1, 2, 3, 4].map((k) => (item.id + k * (page + 1)) % CATALOGUE.length);
  return Promise.all(ids.map(lookup));
}

const notFound = []; // a few URLs that matched no route: never expected, so report them
const failures = []; // likewise, the first handler errors

async function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const match = /^\/items\/(\d+)$/.exec(url.pathname);
  if (!match) { if (notFound.length < 3) notFound.push(String(req.url).slice(0, 100)); res.writeHead(404).end(); return; }
  const item = await lookup(Number(match[1]));
  const page = Number(url.searchParams.get('page') ?? 0);
  const [others] = await Promise.all([related(item, page), new Promise((r) => setImmediate(r))]);
  const body = JSON.stringify({ item, related: others, page, at: 'static' });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
  handle(req, res).catch((err) => { if (failures.length < 3) failures.push(String(err?.stack ?? err).slice(0, 300)); res.writeHead(500).end(); });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

// The load generator must not carry our agent (nor any instrumentation the user's NODE_OPTIONS adds).
const env = { ...process.env };
delete env.NODE_OPTIONS;
delete env.LOOPSCOPE_AGENT;
const loadgen = fileURLToPath(new URL('./http-loadgen.mjs', import.meta.url));
const nodeArgs = [loadgen, port, REQUESTS, CONNECTIONS, MAX_MS, WARMUP].map(String);
const cpus = os.cpus().length; // not availableParallelism(): that shrinks when we ourselves are pinned
const cpuSetting = process.env.LOOPSCOPE_BENCH_LOADGEN_CPU ?? String(cpus - 1);
const pinned = cpuSetting !== 'none' && cpus > 1 && spawnSync('taskset', ['-V']).status === 0;
const [cmd, args] = pinned ? ['taskset', ['-c', cpuSetting, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];

const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuMs();
const t0 = performance.now();
const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
// Bounded even if the load generator hangs: it is killed (by its pid) after its own deadline has long passed.
const killTimer = setTimeout(() => child.kill('SIGKILL'), MAX_MS + 15_000);
const code = await new Promise((resolve) => child.on('close', resolve));
clearTimeout(killTimer);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const main1 = mainThreadCpuMs();
server.close();
server.closeAllConnections?.();

let result;
try { result = JSON.parse(out.trim().split('\n').pop()); } catch { result = undefined; }
if (code !== 0 || !result) {
  console.error(`http-server: the load generator failed (exit ${code}): ${out.trim()}`);
  process.exitCode = 1;
} else {
  report({
    bench: 'http', rps: result.rps, requests: result.requests, timed: result.timed, errors: result.errors, errorKinds: result.errorKinds,
    truncated: result.truncated, connections: CONNECTIONS, loadgenPinnedTo: pinned ? cpuSetting : null,
    serverCpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / wallMs, loadgenCpuPercent: result.cpuPercent,
    // CPU the server process (all its threads) spent per request: less disturbed by neighbours than rps.
    serverCpuUsPerRequest: (cpu.user + cpu.system) / result.requests,
    serverMainCpuUsPerRequest: main0 === undefined ? undefined : ((main1 - main0) * 1000) / result.requests,
    check: result.requests - result.errors,
    ...(notFound.length ? { notFound } : {}), ...(failures.length ? { failures } : {}),
  });
}
