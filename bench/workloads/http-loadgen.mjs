// The load generator for workload (c): a separate, uninstrumented process (the server starts it with
// NODE_OPTIONS and the agent settings removed). Sends REQUESTS requests over CONNECTIONS keep-alive
// HTTP/1.1 connections to 127.0.0.1 only, one request in flight per connection, bounded in count and time,
// and prints one JSON line with what it measured. The first WARMUP responses are not timed (server JIT warm-up).
// Why raw sockets and not http.request: Node's HTTP client costs about as much CPU per request as the
// server, so on 2 cores the client, not the server, set the pace and the server's overhead did not show in
// throughput. A minimal keep-alive client (like autocannon's) keeps the server the bottleneck.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const [port, requests, connections, maxMs, warmup] = process.argv.slice(2).map(Number);
if (!(port > 0 && requests > 0 && connections > 0 && maxMs > 0 && warmup >= 0)) {
  console.error('usage: http-loadgen.mjs <port> <requests> <connections> <maxMs> <warmup>');
  process.exit(2);
}

const HEADER_END = Buffer.from('\r\n\r\n');
const cpu0 = process.cpuUsage();
const start = performance.now();
let issued = 0;
let completed = 0;
let errors = 0;
let timedFrom = start;
let timedCount = 0;
let truncated = false;
const errorKinds = {}; // e.g. {"status 408": 1, "ECONNRESET": 1}: what went wrong, so a changed result can be explained
const countError = (kind) => { errors++; errorKinds[kind] = (errorKinds[kind] ?? 0) + 1; };

/** Bytes a chunked body takes from `from` on (through its last "0\r\n\r\n"), or -1 when not all here yet. */
function chunkedLength(buf, from) {
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    at = lineEnd + 2 + size + 2;
    if (at > buf.length) return -1;
    if (size === 0) return at - from;
  }
}

/** Reads responses off one connection (content-length or chunked bodies); calls onResponse(status, head) per response. */
function responseReader(onResponse) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      const headEnd = buf.indexOf(HEADER_END);
      if (headEnd < 0) return;
      const head = buf.toString('latin1', 0, headEnd);
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      let bodyLength = m ? Number(m[1]) : 0;
      if (!m && /\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        bodyLength = chunkedLength(buf, headEnd + 4);
        if (bodyLength < 0) return;
      }
      const total = headEnd + 4 + bodyLength;
      if (buf.length < total) return;
      const status = Number(head.slice(9, 12));
      buf = buf.subarray(total);
      onResponse(status, head);
    }
  };
}

function connectionLoop() {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setNoDelay(true);
    const send = () => {
      if (issued >= requests) { sock.end(); return; }
      if (performance.now() - start > maxMs) { truncated = true; sock.end(); return; }
      const n = issued++;
      sock.write(`GET /items/${n % 1000}?page=${n % 7} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    };
    sock.on('connect', send);
    sock.on('data', responseReader((status, head) => {
      if (status !== 200) countError(`status ${status}: ${head.split('\r\n')[0].slice(0, 60)}`);
      completed++;
      if (completed === warmup) timedFrom = performance.now();
      else if (completed > warmup) timedCount++;
      send();
    }));
    sock.on('error', (err) => { countError(err.code ?? err.message); resolve(); });
    sock.on('close', resolve);
  });
}

// A request the server never answers must not hang the benchmark: report what was measured and stop.
const hardStop = new Promise((resolve) => setTimeout(() => { truncated = true; resolve(); }, maxMs + 5_000).unref());
await Promise.race([Promise.all(Array.from({ length: connections }, connectionLoop)), hardStop]);
const end = performance.now();
const timedMs = end - timedFrom;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({
  rps: timedCount / (timedMs / 1000), requests: completed, timed: timedCount, timedMs, errors, errorKinds, truncated,
  cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / (end - start),
}) + '\n', () => process.exit(0)); // open sockets of a truncated run must not keep us alive
