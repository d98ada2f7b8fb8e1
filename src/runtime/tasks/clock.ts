// performance.now() costs ~120 ns here; at a million awaits that alone would double the run time. A
// tiny worker writes the main thread's clock into shared memory every ~0.5 ms and the hot path reads
// the slot (a few ns). The slot holds integer ticks (TICKS_PER_MS per ms, int32: 37 hours of range) so
// task objects store small integers, not boxed doubles. Slices are measured to about half a millisecond,
// which is what runMinMs needs.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export const TICKS_PER_MS = 16;

export interface CoarseClock {
  /** Main-thread time (ms since performance.timeOrigin) in ticks, as an int32. */
  ticks: () => number;
  stop(): void;
}

// Runs in the worker: converts its own clock to the main thread's time origin.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const slot = new Int32Array(workerData.buf);
const nap = new Int32Array(new SharedArrayBuffer(4));
const delta = performance.timeOrigin - workerData.origin;
for (;;) { slot[0] = Math.round((performance.now() + delta) * ${TICKS_PER_MS}) | 0; Atomics.wait(nap, 0, 0, 0.5); }
`;

export function startCoarseClock(): CoarseClock {
  const slot = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { buf: slot.buffer, origin: performance.timeOrigin }, execArgv: [], env: {}, stdout: true, stderr: true,
      name: 'loopscope-clock', resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    worker.unref();
    worker.on('error', () => { slot[0] = 0; });
  } catch {
    worker = undefined;
  }
  // Until the worker's first write (and if it dies), the precise clock.
  const ticks = (): number => {
    const t = slot[0]!;
    return t > 0 ? t : Math.round(performance.now() * TICKS_PER_MS) | 0;
  };
  return { ticks, stop: () => { void worker?.terminate(); slot[0] = 0; } };
}
