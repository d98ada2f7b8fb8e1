// performance.now() costs ~120 ns here; at a million awaits that alone would double the run time. A
// tiny worker writes the main thread's clock into shared memory every ~1 ms and the hot path reads
// the slot (a few ns). The slot holds integer ticks (TICKS_PER_MS per ms, int32: 37 hours of range) so
// task objects store small integers, not boxed doubles. Slices are measured to about a millisecond,
// which is what runMinMs needs.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export const TICKS_PER_MS = 16;
/** Int32 slots: the clock (written by the worker) and the read counter (main thread), a cache line apart. */
const SLOT = 0;
const READS = 16;

export interface CoarseClock {
  /** Main-thread time (ms since performance.timeOrigin) in ticks, as an int32. */
  ticks: () => number;
  stop(): void;
}

// Runs in the worker: converts its own clock to the main thread's time origin. It ticks every ~1 ms
// while the main thread reads the clock; when reads stop (an idle program) it clears the slot, so the
// main thread falls back to performance.now(), and naps 50 ms at a time: an idle program costs nothing.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const mem = new Int32Array(workerData.buf);
const nap = new Int32Array(new SharedArrayBuffer(4));
const delta = performance.timeOrigin - workerData.origin;
let seen = mem[${READS}], quiet = 0;
for (;;) {
  const reads = mem[${READS}];
  if (reads !== seen) { seen = reads; quiet = 0; } else quiet++;
  if (quiet > 20) { mem[${SLOT}] = 0; Atomics.wait(nap, 0, 0, 50); continue; }
  mem[${SLOT}] = Math.round((performance.now() + delta) * ${TICKS_PER_MS}) | 0;
  Atomics.wait(nap, 0, 0, 1);
}
`;

export function startCoarseClock(): CoarseClock {
  const mem = new Int32Array(new SharedArrayBuffer(4 * 32));
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { buf: mem.buffer, origin: performance.timeOrigin }, execArgv: [], env: {}, stdout: true, stderr: true,
      name: 'loopscope-clock', resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    worker.unref();
    worker.on('error', () => { mem[SLOT] = 0; });
  } catch {
    worker = undefined;
  }
  // Until the worker's first write, while it naps, and if it dies: the precise clock.
  const ticks = (): number => {
    mem[READS] = (mem[READS]! + 1) | 0;
    const t = mem[SLOT]!;
    return t > 0 ? t : Math.round(performance.now() * TICKS_PER_MS) | 0;
  };
  return { ticks, stop: () => { void worker?.terminate(); mem[SLOT] = 0; } };
}
