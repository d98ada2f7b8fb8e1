// The main thread's pulse: a counter in shared memory bumped from an unref'd interval. When the loop is
// held (one long callback, or an endless run of microtasks that never lets timers fire) the counter
// stops, and the watchdog worker sees it stop.
import { performance } from 'node:perf_hooks';
import { SHARED_BEAT_TS, SHARED_HEARTBEAT } from './contracts.ts';
import { originalClearInterval, originalSetInterval } from './originals.ts';

export const HEARTBEAT_MS = 10;

export interface Heartbeat { stop(): void }

export function startHeartbeat(shared: Float64Array): Heartbeat {
  const beat = (): void => {
    shared[SHARED_HEARTBEAT] = shared[SHARED_HEARTBEAT]! + 1;
    shared[SHARED_BEAT_TS] = performance.now();
  };
  beat();
  const timer = originalSetInterval(beat, HEARTBEAT_MS);
  // unref: the program must exit exactly when it would without us.
  timer.unref();
  return { stop: () => originalClearInterval(timer) };
}
