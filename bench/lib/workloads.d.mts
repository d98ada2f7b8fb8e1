export interface Workload {
  key: string; name: string; file: string; metric: 'ms' | 'rps';
  targets: { tree: number; blocking: number };
  secondary: { field: string; label: string }[];
}
export const WORKLOADS: Workload[];
export function slowdown(workload: Workload, value: number, baseline: number): number;
