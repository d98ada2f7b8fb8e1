// performance.now() costs ~120 ns here; at a million awaits that alone would double the run time. A
// tiny worker writes the main thread's clock into shared memory every ~0.5 ms and the hot path reads
// the slot (a few ns). Slices are then measured to about a millisecond, which is what runMinMs needs.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface CoarseClock { now: () => number; stop(): void }

// Runs in the worker: it converts its own clock to the main thread's time origin.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const slot = new Float64Array(workerData.buf);
const nap = new Int32Array(new SharedArrayBuffer(4));
const delta = performance.timeOrigin - workerData.origin;
for (;;) { slot[0] = performance.now() + delta; Atomics.wait(nap, 0, 0, 0.5); }
`;

export function startCoarseClock(): CoarseClock {
  const buf = new SharedArrayBuffer(8);
  const slot = new Float64Array(buf);
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true, workerData: { buf, origin: performance.timeOrigin }, execArgv: [], env: {}, stdout: true, stderr: true,
      name: 'loopscope-clock', resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    worker.unref();
    worker.on('error', () => { slot[0] = 0; });
  } catch {
    worker = undefined;
  }
  // Until the worker's first write (and if it dies), fall back to the precise clock.
  const now = (): number => {
    const t = slot[0]!;
    return t > 0 ? t : performance.now();
  };
  return { now, stop: () => { void worker?.terminate(); slot[0] = 0; } };
}
