// The load generator for workload (c): a separate, uninstrumented process (the server starts it with
// NODE_OPTIONS and the agent settings removed). Sends REQUESTS requests over CONNECTIONS keep-alive
// connections to 127.0.0.1 only, bounded in count and in time, and prints one JSON line with what it measured.
// The first WARMUP responses are not timed: they warm the server's JIT, not what we compare.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const [port, requests, connections, maxMs, warmup] = process.argv.slice(2).map(Number);
if (!(port > 0 && requests > 0 && connections > 0 && maxMs > 0 && warmup >= 0)) {
  console.error('usage: http-loadgen.mjs <port> <requests> <connections> <maxMs> <warmup>');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const cpu0 = process.cpuUsage();
const start = performance.now();
let issued = 0;
let completed = 0;
let errors = 0;
let timedFrom = 0; // performance.now() when the warm-up ended
let timedCount = 0;
let truncated = false;

function get(path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      if (res.statusCode !== 200) errors++;
      res.resume();
      res.on('end', resolve);
      res.on('error', () => { errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
  });
}

async function connectionLoop() {
  while (issued < requests) {
    if (performance.now() - start > maxMs) { truncated = true; return; }
    const n = issued++;
    await get(`/items/${n % 1000}?page=${n % 7}`);
    completed++;
    if (completed === warmup) timedFrom = performance.now();
    else if (completed > warmup) timedCount++;
  }
}

await Promise.all(Array.from({ length: connections }, connectionLoop));
const end = performance.now();
const timedMs = end - (warmup > 0 ? timedFrom : start);
const cpu = process.cpuUsage(cpu0);
agent.destroy();
process.stdout.write(JSON.stringify({
  rps: timedCount / (timedMs / 1000), requests: completed, timed: timedCount, timedMs, errors, truncated,
  cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / (end - start),
}) + '\n');
