// What bench/run.mjs measures: the workloads, the figure each reports about itself, and the overhead targets.
// A ratio is always "how many times worse than the uninstrumented baseline": time / baseline time for
// workloads that report ms, baseline rps / rps for the HTTP server (so throughput loss reads the same way).
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

export const WORKLOADS = [
  // Secondary figures are shown beside the target metric: CPU of the whole process (all threads, the agent's
  // worker and GC helpers included) and of the main thread alone (Linux). They move less than wall time when
  // neighbours load the machine, so they tell a real regression from a noisy run.
  {
    key: 'a', name: 'promise-heavy', file: here('../workloads/promise-heavy.mjs'), metric: 'ms', targets: { tree: 2.0, blocking: 1.1 },
    secondary: [{ field: 'cpuMs', label: 'cpu ms' }, { field: 'mainCpuMs', label: 'main thread' }],
  },
  {
    key: 'b', name: 'timers', file: here('../workloads/timers.mjs'), metric: 'ms', targets: { tree: 1.2, blocking: 1.1 },
    secondary: [{ field: 'cpuMs', label: 'cpu ms' }, { field: 'mainCpuMs', label: 'main thread' }],
  },
  {
    key: 'c', name: 'http', file: here('../workloads/http-server.mjs'), metric: 'rps', targets: { tree: 1.15, blocking: 1.1 },
    secondary: [{ field: 'serverCpuUsPerRequest', label: 'cpu us/req' }, { field: 'serverMainCpuUsPerRequest', label: 'main thread' }],
  },
];

/** Slowdown of `value` against `baseline` for this workload's metric (1.0 = no overhead). */
export function slowdown(workload, value, baseline) {
  return workload.metric === 'rps' ? baseline / value : value / baseline;
}
