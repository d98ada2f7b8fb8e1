// Runs the real CLI (bin/loopscope.js → dist/cli.cjs, so `npm run build` first) and plain node the
// same way, so tests can compare what a user sees with and without Loopscope.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'loopscope.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');

export interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** A run that has not ended by then is hung: it is stopped (SIGTERM, which loopscope passes on; then SIGKILL). */
const HUNG_AFTER_MS = 60_000;

export interface RunOpts { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (text: string, child: import('node:child_process').ChildProcess) => void }

export function runProcess(cmd: string, args: string[], opts: RunOpts = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; opts.onStdout?.(stdout, child); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const hung = setTimeout(() => {
      stderr += `\n[test harness: still running after ${HUNG_AFTER_MS / 1000} s; stopped]\n`;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, HUNG_AFTER_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(hung); resolve({ code, signal, stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

/** `loopscope <args>` through the real binary. */
export function cli(args: string[], opts: RunOpts = {}): Promise<Ran> {
  return runProcess(process.execPath, [BIN, ...args], opts);
}

/** `node <script> <args>`: the baseline Loopscope must not change. */
export function plainNode(script: string, args: string[] = [], opts: RunOpts = {}): Promise<Ran> {
  return runProcess(process.execPath, [script, ...args], opts);
}

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}
