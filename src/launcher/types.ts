// The launcher runs a Node program with the agent preloaded and turns its socket stream into
// TraceEvents. The CLI and the extension host both use it (neither depends on the other).
import type { ChildProcess } from 'node:child_process';
import type { AgentConfig, ExitEvent, ProcessEvent, TraceEvent } from '../protocol/index.ts';

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
  /** The agent bundle to preload; defaults to dist/runtime/agent.cjs next to the running bundle. */
  agentPath?: string;
}

/** The events of one traced process (the launched program, or a child process when following children). */
export interface AgentRun {
  /** The traced process's own `process` event (its first event). */
  readonly process: ProcessEvent;
  /** Every decoded event after it, in order, as batches (the `process` event is delivered too, first). */
  onEvents(listener: (events: TraceEvent[]) => void): void;
  /** Called once when the channel closed; `exit` is the agent's exit event, or undefined if it never sent one. */
  onEnd(listener: (end: RunEnd) => void): void;
}

export interface RunEnd {
  exit: ExitEvent | undefined;
  /** Problems with the stream itself (a truncated final frame, a corrupt frame); events before them are kept. */
  problems: string[];
}

export interface RunSession {
  readonly child: ChildProcess;
  /** Every decoded event, in order, as batches. Register before awaiting `done`. */
  onEvents(listener: (events: TraceEvent[]) => void): void;
  /** Messages about the channel, not the program (truncated stream, agent never connected). For the caller to show. */
  onWarning(listener: (message: string) => void): void;
  /** Runs of child Node processes the program started (only with agent.followChildren). */
  onChildRun(listener: (run: AgentRun) => void): void;
  /**
   * Resolves when the program has exited, its channel drained and (piped) stdio closed, so all its output was
   * delivered (bounded: a grandchild holding the pipes open is not waited for). Never rejects. The exit event
   * is also delivered to onEvents: the agent's, or one synthesised ('killed' with the signal, or 'lost').
   */
  readonly done: Promise<ExitEvent>;
  /** Ends the program and every process it started (the whole tree), leaving no orphans. */
  stop(): Promise<void>;
}
