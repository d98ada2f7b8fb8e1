// launch(): runs a Node program with the agent preloaded and serves its per-run channel.
// The program is node itself (no shell), so its pid is the pid in the agent's hello: that is how the
// launched program's connection is told apart from child processes that inherited the agent.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { AGENT_CONFIG_ENV, DEFAULT_AGENT_CONFIG, type AgentConfig, type ExitEvent, type TraceEvent } from '../protocol/index.ts';
import type { AgentConnection } from './agent-connection.ts';
import { findAgentBundle } from './agent-bundle.ts';
import { AgentServer } from './agent-server.ts';
import { planEntry } from './entry-point.ts';
import { LaunchError } from './errors.ts';
import { EventRelay } from './event-relay.ts';
import { composeNodeOptions } from './node-options.ts';
import { OWN_PROCESS_GROUP, stopTree } from './process-tree.ts';
import type { AgentRun, LaunchOptions, RunSession } from './types.ts';

/** After the program exits: how long a connection already queued may take to be accepted. */
const LATE_CONNECT_MS = 300;
/** After the program exits: how long its channel may take to drain before we stop reading. */
const DRAIN_MS = 3000;

export interface ProcessExit { code: number | null; signal: NodeJS.Signals | null }

export async function launch(opts: LaunchOptions): Promise<RunSession> {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  const nodePath = opts.nodePath ?? process.execPath;
  // Everything that can be checked is checked before a process exists.
  const agentPath = findAgentBundle(opts.agentPath);
  const plan = planEntry({ script: opts.script, cwd, nodePath, userFlags: [env.NODE_OPTIONS ?? '', ...(opts.runtimeArgs ?? [])].join(' ') });

  const server = await AgentServer.listen();
  const config: AgentConfig = { ...DEFAULT_AGENT_CONFIG, ...opts.agent, socket: server.socketPath };
  env.NODE_OPTIONS = composeNodeOptions(agentPath, env.NODE_OPTIONS);
  env[AGENT_CONFIG_ENV] = JSON.stringify(config);

  const child = spawn(nodePath, [...plan.runtimeArgs, ...(opts.runtimeArgs ?? []), plan.script, ...(opts.args ?? [])], {
    cwd, env, stdio: opts.stdio ?? 'pipe', detached: OWN_PROCESS_GROUP, windowsHide: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (err) {
    await server.close(0);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new LaunchError('node-not-found', `Cannot find the Node executable ${nodePath}`);
    if (e.code === 'EACCES') throw new LaunchError('node-not-found', `The Node executable ${nodePath} is not executable (permission denied)`);
    throw new LaunchError('spawn-failed', `Cannot start ${nodePath}: ${e.message}`);
  }
  child.on('error', () => { /* reported through exit; an unhandled 'error' would crash the caller */ });
  return new Session(child, server, config);
}

class Session implements RunSession {
  private readonly events = new EventRelay<TraceEvent[]>();
  private readonly warnings = new EventRelay<string>();
  private readonly childRuns = new EventRelay<AgentRun>();
  private root: AgentConnection | undefined;
  private rootArrived: () => void = () => {};
  private readonly exited: Promise<ProcessExit>;
  /** stdio closed too: with piped stdio, output can still arrive after 'exit'. */
  private readonly closed: Promise<void>;
  readonly done: Promise<ExitEvent>;

  constructor(readonly child: ChildProcess, private readonly server: AgentServer, private readonly config: AgentConfig) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    server.onRun((run) => this.accept(run));
    this.done = this.finish();
  }

  onEvents(listener: (events: TraceEvent[]) => void): void { this.events.on(listener); }
  onWarning(listener: (message: string) => void): void { this.warnings.on(listener); }
  onChildRun(listener: (run: AgentRun) => void): void { this.childRuns.on(listener); }

  async stop(): Promise<void> {
    await stopTree(this.child, this.exited);
  }

  private accept(run: AgentConnection): void {
    if (!this.root && run.process.pid === this.child.pid) {
      this.root = run;
      run.onEvents((batch) => this.events.emit(batch));
      this.rootArrived();
    } else if (this.config.followChildren) {
      this.childRuns.emit(run);
    } else {
      run.reject(); // a child process that inherited the agent: not part of this run
    }
  }

  private async finish(): Promise<ExitEvent> {
    const exit = await this.exited;
    // A grandchild that inherited the pipes can hold them open for ever: wait for them only so long.
    await within(this.closed, DRAIN_MS);
    if (!this.root) {
      await within(new Promise<void>((r) => { this.rootArrived = r; }), LATE_CONNECT_MS);
    }
    const root = this.root;
    if (root && !root.isEnded) {
      await within(new Promise<void>((r) => root.onEnd(() => r())), DRAIN_MS);
      if (!root.isEnded) root.reject();
    }
    let exitEvent = root?.exit;
    if (root) for (const p of await new Promise<string[]>((r) => root.onEnd((end) => r(end.problems)))) this.warnings.emit(p);
    else this.warnings.emit('the agent never connected, so nothing was recorded (did something replace NODE_OPTIONS, or did the program exit before its first tick?)');
    if (!exitEvent) {
      exitEvent = synthesiseExit(exit, root);
      this.events.emit([exitEvent]);
    }
    // With followChildren, child runs may outlive the program briefly: let them drain.
    await this.server.close(this.config.followChildren ? DRAIN_MS : 0);
    return exitEvent;
  }
}

/** The exit the agent could not report itself: killed by a signal, or its channel was lost. */
export function synthesiseExit(exit: ProcessExit, root: AgentConnection | undefined): ExitEvent {
  // Runs are accepted only after their hello, so root.process is known; ts is on the program's clock.
  const ts = root ? Math.max(root.lastTs, Date.now() - root.process.timeOrigin) : 0;
  return {
    type: 'exit', ts, code: exit.code, signal: exit.signal,
    reason: exit.signal ? 'killed' : 'lost',
    error: exit.signal ? `killed by ${exit.signal}` : 'the program ended without the agent reporting its exit',
  };
}

/** Waits for `p`, at most `ms`. The timer is cleared when `p` wins: a pending one would keep the CLI alive. */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => { timer = setTimeout(r, ms); });
  return Promise.race([p.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
