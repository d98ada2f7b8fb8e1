// Loopscope's VS Code extension: entry point. Wires the run controller (view, Slow Callbacks tree, diagnostics,
// status bar) to the commands, the `loopscope` launch configuration and the Loopscope Terminal. The vscode module
// is handed to every part as a parameter, so the parts can be exercised outside VS Code.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { SourceLocation } from '../protocol/index.ts';
import { RunController } from './run-controller.ts';
import { LoopscopeConfigurationProvider } from './debug-config.ts';
import { LoopscopeDebugAdapter } from './debug-adapter.ts';
import { DEBUG_TYPE, isRunnableFile } from './launch-config.ts';
import { LoopscopeTerminals, TERMINAL_PROFILE_ID } from './loopscope-terminal.ts';
import { openLocation } from './locations.ts';
import { readSettings, SETTINGS_SECTION } from './settings.ts';
import { OPEN_LOCATION_COMMAND } from './slow-callbacks-tree.ts';
import { SHOW_VIEW_COMMAND } from './status-bar.ts';
import { TraceFiles } from './trace-files.ts';
import { refuseIfUntrusted } from './trust.ts';
import type { HostRun } from './host-run.ts';
import { createTestApi, type LoopscopeApi } from './test-api.ts';
import { initLog } from './log.ts';

/** How long Run Current File waits for the launched run to appear before giving up on returning it. */
const RUN_START_TIMEOUT_MS = 30_000;

export function activate(context: vscode.ExtensionContext): LoopscopeApi {
  context.subscriptions.push(initLog(vscode));
  const settings = () => readSettings((key) => vscode.workspace.getConfiguration(SETTINGS_SECTION).get(key));
  const controller = new RunController(vscode, context.extensionUri);
  const terminals = new LoopscopeTerminals(vscode, controller, settings);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0';
  const traces = new TraceFiles(vscode, controller, `loopscope-vscode ${version}`);
  const tree = vscode.window.createTreeView('loopscope.slowCallbacks', { treeDataProvider: controller.tree, showCollapseAll: false });

  const command = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  command('loopscope.runFile', (uri?: vscode.Uri) => runFile(controller, uri));
  command('loopscope.stop', async () => {
    const stopped = await controller.stop();
    if (stopped === 0) void vscode.window.showInformationMessage('Loopscope: nothing is running.');
    return stopped;
  });
  command('loopscope.openTrace', (uri?: vscode.Uri) => traces.open(uri));
  command('loopscope.saveTrace', (uri?: vscode.Uri) => traces.saveAs(uri));
  command('loopscope.exportChromeTrace', (uri?: vscode.Uri) => traces.exportChrome(uri));
  command(SHOW_VIEW_COMMAND, () => controller.panel.show(controller.currentRun, false));
  command('loopscope.newTerminal', () => terminals.create());
  command(OPEN_LOCATION_COMMAND, (loc: SourceLocation) => openLocation(vscode, loc));

  context.subscriptions.push(
    tree,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new LoopscopeConfigurationProvider(vscode)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) =>
        new vscode.DebugAdapterInlineImplementation(new LoopscopeDebugAdapter(vscode, session, controller, settings)),
    }),
    vscode.window.registerTerminalProfileProvider(TERMINAL_PROFILE_ID, terminals),
    { dispose: () => { void terminals.dispose(); controller.dispose(); } },
  );
  return createTestApi(controller);
}

export function deactivate(): void {
  // Everything is in context.subscriptions; live runs are stopped by the controller's dispose.
}

/**
 * Runs a file as a `loopscope` debug session (so the toolbar's Stop works and output lands in the Debug Console).
 * Resolves to the run once it has started, or undefined when nothing was started (and the user was told why).
 */
async function runFile(controller: RunController, target?: vscode.Uri): Promise<HostRun | undefined> {
  if (refuseIfUntrusted(vscode)) return undefined;
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file' || !isRunnableFile(uri.fsPath)) {
    void vscode.window.showErrorMessage('Loopscope: Run Current File needs a .js, .mjs, .cjs or .ts file: open one, or right-click it in the Explorer.');
    return undefined;
  }
  // Run what the user sees: unsaved edits would make the reported lines lie.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const started = new Promise<HostRun | undefined>((resolve) => {
    const timer = setTimeout(() => { sub.dispose(); resolve(undefined); }, RUN_START_TIMEOUT_MS);
    const sub = controller.onDidStartRun((run) => {
      if (run.program !== uri.fsPath) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(run);
    });
  });
  const ok = await vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE, request: 'launch', name: `Loopscope: ${path.basename(uri.fsPath)}`,
    program: uri.fsPath, cwd: folder?.uri.fsPath ?? path.dirname(uri.fsPath),
  });
  return ok ? started : undefined;
}
