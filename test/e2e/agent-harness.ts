// Runs a fixture the way the launcher does (NODE_OPTIONS --require of the built agent, LOOPSCOPE_AGENT
// config, a per-run Unix socket) and collects what the agent sent, decoded with the real WireDecoder.
// Each accepted connection is one run (followChildren makes children connect too).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_AGENT_CONFIG, WireDecoder, type AgentConfig, type BlockEvent, type TraceEvent } from '../../src/protocol/index.ts';

export const ROOT = resolve(__dirname, '../..');
export const AGENT = join(ROOT, 'dist/runtime/agent.cjs');

export interface Connection { events: TraceEvent[]; pendingBytes: number; error?: string }
export interface RunResult {
  code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string;
  connections: Connection[];
  /** Events of the first connection (the root process). */
  events: TraceEvent[];
  /** When each event arrived (ms since spawn), same order as connections[0].events. */
  arrivals: number[];
}

export interface RunOptions {
  args?: string[]; cwd?: string; env?: Record<string, string>; config?: Partial<AgentConfig>;
  /** Called for every event as it arrives (root connection). */
  onEvent?: (ev: TraceEvent, child: import('node:child_process').ChildProcess) => void;
  nodeOptions?: string;
  withAgent?: boolean;
  /** The child is killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
}

export async function runWithAgent(script: string, opts: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ls-agent-'));
  const socketPath = join(dir, 'run.sock');
  const connections: Connection[] = [];
  const arrivals: number[] = [];
  const started = Date.now();
  const ref: { child?: import('node:child_process').ChildProcess } = {};
  const closed: Promise<void>[] = [];
  const server = net.createServer((sock) => {
    const conn: Connection = { events: [], pendingBytes: 0 };
    const index = connections.push(conn) - 1;
    const dec = new WireDecoder();
    closed.push(new Promise((res) => sock.on('close', () => res())));
    sock.on('data', (chunk) => {
      try {
        for (const ev of dec.push(chunk)) {
          conn.events.push(ev);
          if (index === 0) { arrivals.push(Date.now() - started); if (ref.child) opts.onEvent?.(ev, ref.child); }
        }
      } catch (e) { conn.error = String(e); }
      conn.pendingBytes = dec.pendingBytes;
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((res) => server.listen(socketPath, res));
  const config: AgentConfig = { ...DEFAULT_AGENT_CONFIG, mode: 'blocking', thresholdMs: 100, ...opts.config, socket: opts.config?.socket ?? socketPath };
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (opts.withAgent !== false) {
    env.NODE_OPTIONS = [`--require ${JSON.stringify(AGENT)}`, opts.nodeOptions ?? ''].join(' ').trim();
    env.LOOPSCOPE_AGENT = JSON.stringify(config);
  } else {
    if (opts.nodeOptions) env.NODE_OPTIONS = opts.nodeOptions; else delete env.NODE_OPTIONS;
    delete env.LOOPSCOPE_AGENT;
  }
  const child = spawn(process.execPath, [script, ...(opts.args ?? [])], { cwd: opts.cwd ?? dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  ref.child = child;
  let stdout = ''; let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  // A program that does not end on its own is a failure to report, not a hung test run.
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('close', (c, s) => res([c, s])));
  clearTimeout(killer);
  // Connections of children that outlived the root, and the tail of the data.
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 2000))]);
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return { code, signal, stdout, stderr, connections, events: connections[0]?.events ?? [], arrivals };
}

/** The same program without the agent: the reference for output and exit code. */
export function runPlain(script: string, args: string[] = [], cwd?: string): { code: number | null; signal: string | null; stdout: string; stderr: string } {
  const env = { ...process.env }; delete env.NODE_OPTIONS; delete env.LOOPSCOPE_AGENT;
  const r = spawnSync(process.execPath, [script, ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function fixture(...parts: string[]): string {
  return join(ROOT, 'test/fixtures', ...parts);
}

/** The line of a fixture marked `// BLOCK` (1-based) and its text: where a block must be reported. */
export function markedLine(file: string): { line: number; text: string } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('// BLOCK'));
  if (i < 0) throw new Error(`${file} has no // BLOCK marker`);
  return { line: i + 1, text: lines[i]! };
}

/** The block events of a run, live and final, in order. */
export const blocks = (events: TraceEvent[]): BlockEvent[] => events.filter((e): e is BlockEvent => e.type === 'block');
