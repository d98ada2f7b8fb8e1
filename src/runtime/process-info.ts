// The `process` event that opens a run: who this process is, in the trace's terms.
import { performance } from 'node:perf_hooks';
import type { AgentConfig, ProcessEvent } from '../protocol/index.ts';

export function processEvent(config: AgentConfig): ProcessEvent {
  return {
    type: 'process',
    ts: performance.now(),
    pid: process.pid,
    ppid: process.ppid,
    argv: process.argv.slice(),
    cwd: safeCwd(),
    nodeVersion: process.version,
    platform: process.platform,
    mode: config.mode,
    thresholdMs: config.thresholdMs,
    timeOrigin: performance.timeOrigin,
  };
}

// process.cwd() throws when the directory was deleted under us; the agent must not.
function safeCwd(): string {
  try { return process.cwd(); } catch { return ''; }
}
