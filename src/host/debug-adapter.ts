// F5 with `"type": "loopscope"`: an inline debug adapter (runs in the extension host) that launches the
// program through the RunController. The session lives as long as the program; the debug toolbar's Stop (or
// Loopscope: Stop) ends the whole process tree. Program output goes to the Debug Console.
import type * as vscodeApi from 'vscode';
import { LaunchConfigError, toLaunchOptions, type LoopscopeLaunchConfig } from './launch-config.ts';
import type { RunController } from './run-controller.ts';
import type { HostRun } from './host-run.ts';
import type { LoopscopeSettings } from './settings.ts';
import * as path from 'node:path';

interface DapRequest { seq: number; type: 'request'; command: string; arguments?: Record<string, unknown> }

export class LoopscopeDebugAdapter implements vscodeApi.DebugAdapter {
  private readonly sent: vscodeApi.EventEmitter<vscodeApi.DebugProtocolMessage>;
  readonly onDidSendMessage: vscodeApi.Event<vscodeApi.DebugProtocolMessage>;
  private seq = 1;
  private run: HostRun | undefined;
  private terminated = false;

  constructor(
    vscode: typeof vscodeApi,
    private readonly session: vscodeApi.DebugSession,
    private readonly controller: RunController,
    private readonly settings: () => LoopscopeSettings,
  ) {
    this.sent = new vscode.EventEmitter();
    this.onDidSendMessage = this.sent.event;
  }

  handleMessage(message: vscodeApi.DebugProtocolMessage): void {
    const req = message as DapRequest;
    if (req.type !== 'request') return;
    switch (req.command) {
      case 'initialize':
        this.respond(req, { supportsConfigurationDoneRequest: true, supportsTerminateRequest: true });
        this.event('initialized');
        break;
      case 'launch': void this.launch(req); break;
      case 'threads': this.respond(req, { threads: [] }); break;
      case 'terminate':
      case 'disconnect':
        void this.stopRun().then(() => { this.respond(req); this.endSession(); });
        break;
      default: this.respond(req); break;
    }
  }

  dispose(): void { void this.stopRun(); this.sent.dispose(); }

  private async launch(req: DapRequest): Promise<void> {
    const config = this.session.configuration as unknown as LoopscopeLaunchConfig;
    try {
      const opts = toLaunchOptions(config, this.settings(), this.session.workspaceFolder?.uri.fsPath, process.env);
      const out = (category: string) => (text: string) => this.event('output', { category, output: text });
      this.run = await this.controller.launch(opts, path.basename(opts.script), { stdout: out('stdout'), stderr: out('stderr') });
      this.respond(req);
      this.run.onChange((run) => {
        if (run.live) return;
        const exit = run.exit;
        if (exit?.reason === 'crash' && exit.error) this.event('output', { category: 'stderr', output: `\n${exit.error}\n` });
        this.event('output', { category: 'console', output: `\nLoopscope: ${describeEnd(run)}\n` });
        this.event('exited', { exitCode: exit?.code ?? (exit?.signal ? 128 : 0) });
        this.endSession();
      });
    } catch (err) {
      const message = err instanceof LaunchConfigError || err instanceof Error ? err.message : String(err);
      this.respond(req, undefined, `Loopscope: ${message}`);
      this.endSession();
    }
  }

  private async stopRun(): Promise<void> {
    const run = this.run;
    if (run?.live) await this.controller.stop(run);
  }

  private endSession(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.event('terminated');
  }

  private respond(req: DapRequest, body?: unknown, error?: string): void {
    const msg: Record<string, unknown> = { seq: this.seq++, type: 'response', request_seq: req.seq, command: req.command, success: !error };
    if (body !== undefined) msg.body = body;
    if (error) { msg.message = error; msg.body = { error: { id: 1, format: error, showUser: true } }; }
    this.sent.fire(msg as vscodeApi.DebugProtocolMessage);
  }

  private event(event: string, body?: unknown): void {
    const msg: Record<string, unknown> = { seq: this.seq++, type: 'event', event };
    if (body !== undefined) msg.body = body;
    this.sent.fire(msg as vscodeApi.DebugProtocolMessage);
  }
}

export function describeEnd(run: HostRun): string {
  const exit = run.exit;
  const blocks = run.model.blocks.length;
  const counts = `${run.model.taskCount} tasks, ${blocks} block${blocks === 1 ? '' : 's'} over the threshold`;
  if (!exit) return `the run ended (${counts})`;
  if (exit.reason === 'killed' || (exit.signal && exit.reason !== 'crash')) return `stopped by ${exit.signal ?? 'a signal'} (${counts})`;
  if (exit.reason === 'crash') return `the program crashed, exit code ${exit.code ?? '?'} (${counts})`;
  if (exit.reason === 'lost') return `lost contact with the program's agent (${counts})`;
  return `exited with code ${exit.code ?? 0} (${counts})`;
}
