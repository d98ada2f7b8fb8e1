// Workload (b), timers & callbacks: 2000 concurrent chains, each hopping 150 times through setImmediate,
// process.nextTick and setTimeout(0), doing a little work per callback; every few hops a timer is set and
// cleared again (Loopscope shows cancelled timers) and a setInterval ticks a few times.
// Prints {"bench":"timers","ms":…,"cpuMs":…,"callbacks":…,"check":…}.
import { performance } from 'node:perf_hooks';
import { mainThreadCpuMs, report, scale } from './report.mjs';

const CHAINS = 2000;
const HOPS = Math.round(150 * scale());
const WORDS = Array.from({ length: 32 }, (_, i) => `w${i * 7919}`);
let callbacks = 0;
let check = 0;

// A little synchronous work per callback, like parsing a header or updating a counter map.
function smallWork(seed) {
  let h = seed >>> 0;
  for (const w of WORDS) for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function runChain(id, done) {
  let hop = 0;
  let acc = id;
  const next = () => {
    callbacks++;
    acc = smallWork(acc + hop);
    if (++hop === HOPS) { check = (check + acc) >>> 0; done(); return; }
    if (hop % 10 === 0) clearTimeout(setTimeout(() => { check = 0; }, 1_000)); // cancelled: never runs
    switch (hop % 3) {
      case 0: setImmediate(next); break;
      case 1: process.nextTick(next); break;
      default: setTimeout(next, 0);
    }
  };
  setImmediate(next);
}

function runIntervals(count, ticks) {
  return Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve) => {
    let n = 0;
    const handle = setInterval(() => {
      callbacks++;
      check = (check + smallWork(i + n)) >>> 0;
      if (++n === ticks) { clearInterval(handle); resolve(); }
    }, 1);
  })));
}

const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuMs();
const t0 = performance.now();
await Promise.all([
  new Promise((resolve) => { let left = CHAINS; for (let c = 0; c < CHAINS; c++) runChain(c, () => { if (--left === 0) resolve(); }); }),
  runIntervals(20, 10),
]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const mainCpuMs = main0 === undefined ? undefined : mainThreadCpuMs() - main0;
report({ bench: 'timers', ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs, callbacks, check });
