// Workload (a), promise-heavy: a tree of async functions, 100k leaf calls x 10 awaits each, with Promise.all
// fan-outs at every inner node. Prints {"bench":"promise-heavy","ms":…,"cpuMs":…,"awaits":…,"check":…}.
// `check` depends only on the computation, so the harness can see that instrumentation changed nothing.
import { performance } from 'node:perf_hooks';
import { mainThreadCpuMs, report, scale } from './report.mjs';

const LEAVES = Math.round(100_000 * scale());
const FAN_OUT = 4; // children per inner node, awaited together with Promise.all
const LEAF_GROUP = 8; // leaves an inner node runs one after another instead of fanning out
let awaits = 0;

async function mix(x) {
  return (x * 1103515245 + 12345) >>> 0;
}

// Exactly 10 awaits, of the kinds real code has: a plain value, a resolved promise, another async function.
async function leaf(i) {
  let acc = i;
  for (let k = 0; k < 10; k++) {
    awaits++;
    if (k % 3 === 0) acc = (acc + (await k)) >>> 0;
    else if (k % 3 === 1) acc = (acc ^ (await Promise.resolve(acc >>> 3))) >>> 0;
    else acc = await mix(acc);
  }
  return acc;
}

async function node(start, count) {
  if (count <= LEAF_GROUP) {
    let acc = 0;
    for (let i = start; i < start + count; i++) {
      awaits++;
      acc = (acc + (await leaf(i))) >>> 0;
    }
    return acc;
  }
  const step = Math.ceil(count / FAN_OUT);
  const children = [];
  for (let s = start; s < start + count; s += step) children.push(node(s, Math.min(step, start + count - s)));
  awaits++;
  const results = await Promise.all(children);
  return results.reduce((a, b) => (a + b) >>> 0, 0);
}

const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuMs();
const t0 = performance.now();
const check = await node(0, LEAVES);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const mainCpuMs = main0 === undefined ? undefined : mainThreadCpuMs() - main0;
// cpuMs: CPU of the whole process (the agent's worker thread included) while the work ran.
report({ bench: 'promise-heavy', ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs, awaits, leaves: LEAVES, check });
