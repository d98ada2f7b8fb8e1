// The main thread's pulse: a counter in shared memory that the main thread bumps each time a beat
// message from the watchdog worker reaches it (every HEARTBEAT_MS). A message is only handled when
// the loop turns, so when the loop is held (one long callback, or an endless run of microtasks that
// never lets it reach I/O) the counter stops, and the worker sees it stop.
//
// Why messages and not setInterval: a timer of ours sits in Node's timer lists, and when it falls due
// together with a user's timer Node runs the user's microtasks from runNextTicks() between the two
// lists, which changes the stack traces the user's errors print (measured: an unhandled rejection
// gained two frames). A message from the worker is a turn of its own and changes nothing.
import { performance } from 'node:perf_hooks';
import { SHARED_BEAT_TS, SHARED_HEARTBEAT } from './contracts.ts';

export const HEARTBEAT_MS = 10;

/** Records one beat; returns the beat count. */
export function beat(shared: Float64Array): number {
  // Time first, then the counter: a watchdog that sees the new count must never pair it with the old
  // time (the main thread can be descheduled between the two stores).
  shared[SHARED_BEAT_TS] = performance.now();
  const n = shared[SHARED_HEARTBEAT]! + 1;
  shared[SHARED_HEARTBEAT] = n;
  return n;
}
