// The status-bar item: run state with task and block counts; a click opens the view.
import type * as vscodeApi from 'vscode';
import type { HostRun } from './host-run.ts';

export const SHOW_VIEW_COMMAND = 'loopscope.showView';

export function statusText(run: HostRun): string {
  const tasks = run.model.taskCount;
  const blocks = run.model.blocks.length;
  const counts = `${tasks} task${tasks === 1 ? '' : 's'}, ${blocks} block${blocks === 1 ? '' : 's'}`;
  if (run.live) return `$(loading~spin) Loopscope: running · ${counts}`;
  const exit = run.exit;
  let how = 'trace';
  if (run.program) {
    if (!exit) how = 'ended';
    else if (exit.reason === 'killed' || exit.signal) how = `stopped (${exit.signal ?? 'killed'})`;
    else if (exit.reason === 'crash') how = `crashed (exit ${exit.code ?? '?'})`;
    else if (exit.reason === 'lost') how = 'lost contact';
    else how = `exited ${exit.code ?? 0}`;
  }
  const icon = blocks > 0 ? '$(warning)' : '$(pulse)';
  return `${icon} Loopscope: ${how} · ${counts}`;
}

export class RunStatusBar {
  private readonly item: vscodeApi.StatusBarItem;

  constructor(vscode: typeof vscodeApi) {
    this.item = vscode.window.createStatusBarItem('loopscope.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Loopscope';
    this.item.command = SHOW_VIEW_COMMAND;
  }

  show(run: HostRun | undefined): void {
    if (!run) { this.item.hide(); return; }
    this.item.text = statusText(run);
    this.item.tooltip = `${run.title}: click to show the Loopscope view`;
    this.item.show();
  }

  /** For tests and the view: what the item says now. */
  get text(): string { return this.item.text; }

  dispose(): void { this.item.dispose(); }
}
