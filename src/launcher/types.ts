// The launcher runs a Node program with the agent preloaded and turns its socket stream into
// TraceEvents. The CLI and the extension host both use it (neither depends on the other).
import type { ChildProcess } from 'node:child_process';
import type { AgentConfig, ExitEvent, TraceEvent } from '../protocol/index.ts';

export interface LaunchOptions {
  /** The script to run (absolute, or relative to cwd). */
  script: string;
  args?: string[];
  cwd?: string;
  /** Environment for the program; defaults to process.env. NODE_OPTIONS in it is kept, the agent prepended. */
  env?: NodeJS.ProcessEnv;
  /** Node executable; defaults to process.execPath. */
  nodePath?: string;
  /** Extra arguments for node itself (before the script). */
  runtimeArgs?: string[];
  agent?: Partial<Omit<AgentConfig, 'socket' | 'child'>>;
  /** 'inherit': the program's stdio is the caller's (the CLI); 'pipe': the caller reads child.stdout/stderr. */
  stdio?: 'inherit' | 'pipe';
}

export interface RunSession {
  readonly child: ChildProcess;
  /** Every decoded event, in order, as batches. Register before awaiting `done`. */
  onEvents(listener: (events: TraceEvent[]) => void): void;
  /** Resolves when the program has exited and its channel drained; the exit event is also delivered to onEvents. */
  readonly done: Promise<ExitEvent>;
  /** Ends the program and every process it started (the whole tree), leaving no orphans. */
  stop(): Promise<void>;
}
