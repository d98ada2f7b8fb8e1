// Runs one workload process, waits for it (bounded), and picks out the line the workload printed about itself.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const BENCH_LINE = '{"bench":';

/**
 * Spawns `cmd args` and resolves to { ok, result, wallMs, code, signal, stderrTail, timedOut }.
 * `result` is the parsed {"bench":…} line. The child gets its own process group so a timeout ends the
 * whole tree it started (the CLI, the program, the load generator), and nothing else.
 */
export function runOnce(cmd, args, { env, cwd, timeoutMs }) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-4000); });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (err) => { stderr += `\n${err.message}`; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const line = stdout.split('\n').reverse().find((l) => l.startsWith(BENCH_LINE));
      let result;
      try { result = line ? JSON.parse(line) : undefined; } catch { result = undefined; }
      resolve({ ok: code === 0 && !!result && !timedOut, result, wallMs, code, signal, timedOut, stderrTail: stderr.trim().slice(-1500) });
    });
  });
}
