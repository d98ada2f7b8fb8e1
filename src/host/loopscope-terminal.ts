// The "Loopscope Terminal" (like the JavaScript Debug Terminal): every Node process started in it has the
// agent preloaded (NODE_OPTIONS, the user's own options kept after ours) and connects to one AgentServer;
// each connection becomes a run that streams into the view.
import type * as vscodeApi from 'vscode';
import { AGENT_CONFIG_ENV, DEFAULT_AGENT_CONFIG, type AgentConfig } from '../protocol/index.ts';
import { AgentServer, composeNodeOptions, findAgentBundle, synthesiseExit, type AgentConnection } from '../launcher/index.ts';
import { baseName } from '../model/index.ts';
import { HostRun } from './host-run.ts';
import type { RunController } from './run-controller.ts';
import type { LoopscopeSettings } from './settings.ts';
import { refuseIfUntrusted } from './trust.ts';

export const TERMINAL_PROFILE_ID = 'loopscope.terminal';
export const TERMINAL_NAME = 'Loopscope Terminal';

export class LoopscopeTerminals implements vscodeApi.TerminalProfileProvider {
  private server: Promise<AgentServer> | undefined;

  constructor(
    private readonly vscode: typeof vscodeApi,
    private readonly controller: RunController,
    private readonly settings: () => LoopscopeSettings,
  ) {}

  async provideTerminalProfile(): Promise<vscodeApi.TerminalProfile | undefined> {
    const options = await this.terminalOptions();
    return options && new this.vscode.TerminalProfile(options);
  }

  /** Opens a Loopscope Terminal (the command; the profile does the same from the terminal's + menu). */
  async create(): Promise<vscodeApi.Terminal | undefined> {
    const options = await this.terminalOptions();
    if (!options) return undefined;
    const terminal = this.vscode.window.createTerminal(options);
    terminal.show();
    return terminal;
  }

  async dispose(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await (await server).close(0);
  }

  private async terminalOptions(): Promise<vscodeApi.TerminalOptions | undefined> {
    if (refuseIfUntrusted(this.vscode)) return undefined;
    const server = await (this.server ??= this.listen());
    const s = this.settings();
    const config: AgentConfig = {
      ...DEFAULT_AGENT_CONFIG, socket: server.socketPath, mode: s.mode, thresholdMs: s.thresholdMs, taskCap: s.taskCap, exactPerSite: s.exactPerSite,
      includeNodeModules: s.showNodeModules, followChildren: true,
    };
    return {
      name: TERMINAL_NAME,
      iconPath: new this.vscode.ThemeIcon('pulse'),
      env: {
        NODE_OPTIONS: composeNodeOptions(findAgentBundle(), process.env.NODE_OPTIONS),
        [AGENT_CONFIG_ENV]: JSON.stringify(config),
      },
    };
  }

  private async listen(): Promise<AgentServer> {
    const server = await AgentServer.listen();
    server.onRun((conn) => this.accept(conn));
    return server;
  }

  private accept(conn: AgentConnection): void {
    const p = conn.process;
    const script = p.argv[1];
    const run = new HostRun(`${script ? baseName(script) : 'node'} (pid ${p.pid})`, script, true);
    run.stopper = async () => {
      try { process.kill(p.pid, 'SIGTERM'); } catch { /* already gone */ }
    };
    conn.onEvents((batch) => run.append(batch));
    conn.onEnd((end) => {
      for (const problem of end.problems) run.warnings.push(problem);
      if (!end.exit) run.append([synthesiseExit({ code: null, signal: null }, conn)]);
      run.end(end.exit);
    });
    this.controller.adopt(run);
  }
}
