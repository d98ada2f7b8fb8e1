// Timing trace of the watchdog for whoever develops it: set LOOPSCOPE_DEBUG_LOG=<file>. Off by default.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.LOOPSCOPE_DEBUG_LOG;
/** Whether messages are kept: check it before building a costly one. */
export const debugOn = Boolean(file);

export function debugLog(msg: string): void {
  if (!file) return;
  try { appendFileSync(file, `${performance.now().toFixed(1)} ${msg}\n`); } catch { /* debugging only */ }
}
