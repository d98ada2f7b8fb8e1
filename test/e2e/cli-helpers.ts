// Runs the real CLI (bin/loopscope.js → dist/cli.cjs, so `npm run build` first) and plain node the
// same way, so tests can compare what a user sees with and without Loopscope.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'loopscope.js');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');

export interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export interface RunOpts { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (text: string, child: import('node:child_process').ChildProcess) => void }

export function runProcess(cmd: string, args: string[], opts: RunOpts = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; opts.onStdout?.(stdout, child); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
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

/** Node's uncaught-error banner names the script by path; the rest of stderr must match exactly. */
export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}
