// Open Trace…, Save Trace As…, Export to Chrome Trace (Perfetto). Files go through vscode.workspace.fs so they
// work in remote workspaces too. Each command takes an optional target URI (for automation and tests); without
// one it asks with a file dialog.
import type * as vscodeApi from 'vscode';
import { parseTrace, serializeTraceLine, traceHeader, TraceFormatError } from '../protocol/index.ts';
import { toChromeTrace, baseName } from '../model/index.ts';
import { HostRun } from './host-run.ts';
import type { RunController } from './run-controller.ts';

const TRACE_FILTERS = { 'Loopscope trace': ['ndjson', 'jsonl', 'json', 'trace'], 'All files': ['*'] };

export class TraceFiles {
  constructor(
    private readonly vscode: typeof vscodeApi,
    private readonly controller: RunController,
    private readonly createdBy: string,
  ) {}

  async open(target?: vscodeApi.Uri): Promise<HostRun | undefined> {
    const vscode = this.vscode;
    const uri = target ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: TRACE_FILTERS, title: 'Open a Loopscope trace' }))?.[0];
    if (!uri) return undefined;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (err) {
      void vscode.window.showErrorMessage(`Loopscope: cannot read ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    let parsed;
    try {
      parsed = parseTrace(text);
    } catch (err) {
      const why = err instanceof TraceFormatError ? err.message : String(err);
      void vscode.window.showErrorMessage(`Loopscope: ${baseName(uri.fsPath)} is not a Loopscope trace (${why}).`);
      return undefined;
    }
    const proc = parsed.events.find((e) => e.type === 'process');
    const run = new HostRun(baseName(uri.fsPath), proc?.type === 'process' ? proc.argv[1] : undefined, false);
    run.append(parsed.events);
    if (parsed.truncated || parsed.errors.length > 0) {
      const what = [parsed.truncated ? 'its last line is cut off (the writer stopped mid-line)' : '', ...parsed.errors.slice(0, 3)].filter(Boolean);
      run.warnings.push(...what);
      void vscode.window.showWarningMessage(`Loopscope: opened ${baseName(uri.fsPath)} with ${parsed.events.length} events; ${what.join('; ')}`);
    }
    this.controller.adopt(run);
    return run;
  }

  async saveAs(target?: vscodeApi.Uri): Promise<vscodeApi.Uri | undefined> {
    const run = this.requireRun();
    if (!run) return undefined;
    const uri = target ?? (await this.vscode.window.showSaveDialog({
      defaultUri: this.defaultUri(`${stripExt(run.title)}.loopscope.ndjson`), filters: TRACE_FILTERS, title: 'Save the Loopscope trace',
    }));
    if (!uri) return undefined;
    const lines = [serializeTraceLine(traceHeader(this.createdBy)), ...run.events.map((e) => serializeTraceLine(e))];
    await this.write(uri, lines.join(''));
    return uri;
  }

  async exportChrome(target?: vscodeApi.Uri): Promise<vscodeApi.Uri | undefined> {
    const run = this.requireRun();
    if (!run) return undefined;
    const uri = target ?? (await this.vscode.window.showSaveDialog({
      defaultUri: this.defaultUri(`${stripExt(run.title)}.chrome-trace.json`), filters: { 'Chrome Trace (JSON)': ['json'] },
      title: 'Export to Chrome Trace (opens in Perfetto or chrome://tracing)',
    }));
    if (!uri) return undefined;
    await this.write(uri, JSON.stringify(toChromeTrace(run.events)));
    void this.vscode.window.showInformationMessage(`Loopscope: exported ${baseName(uri.fsPath)}. Open it in Perfetto (ui.perfetto.dev → Open trace file) or chrome://tracing.`);
    return uri;
  }

  private requireRun(): HostRun | undefined {
    const run = this.controller.currentRun;
    if (!run) void this.vscode.window.showErrorMessage('Loopscope: there is no run yet. Run a file (Loopscope: Run Current File) or open a trace first.');
    return run;
  }

  private async write(uri: vscodeApi.Uri, text: string): Promise<void> {
    try {
      await this.vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    } catch (err) {
      void this.vscode.window.showErrorMessage(`Loopscope: cannot write ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  private defaultUri(name: string): vscodeApi.Uri | undefined {
    const folder = this.vscode.workspace.workspaceFolders?.[0]?.uri;
    return folder && this.vscode.Uri.joinPath(folder, name);
  }
}

function stripExt(name: string): string { return name.replace(/\.[^.]*$/, ''); }
