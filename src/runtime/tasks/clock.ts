// The task clock: main-thread time in integer ticks (TICKS_PER_MS per ms since performance.timeOrigin,
// int32: 37 hours of range), so task objects and the slice stack hold small integers, not boxed doubles.
// It is read precisely (performance.now(), ~0.1 µs) and rarely: by exact tasks, which a call site has
// at most its budget of, and by one in SAMPLE_ONE_IN of counted slices (core.ts). An earlier version kept
// a worker thread writing a coarse clock into shared memory for every task to read: at 30k requests/s
// that thread and the reads cost more than the few precise reads left now (bench/README.md).
import { performance } from 'node:perf_hooks';

export const TICKS_PER_MS = 16;

/** Now, in ticks. */
export const preciseTicks = (): number => (performance.now() * TICKS_PER_MS) | 0;
