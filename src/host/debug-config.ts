// Completes `"type": "loopscope"` configurations: F5 without a launch.json runs the active file; a fresh
// launch.json gets a ready-made entry. Running is refused (with the reason) in an untrusted workspace.
import type * as vscodeApi from 'vscode';
import { DEBUG_TYPE, isRunnableFile, resolveCwd } from './launch-config.ts';
import { refuseIfUntrusted } from './trust.ts';
import { resolveScript } from '../launcher/index.ts';

export class LoopscopeConfigurationProvider implements vscodeApi.DebugConfigurationProvider {
  constructor(private readonly vscode: typeof vscodeApi) {}

  provideDebugConfigurations(): vscodeApi.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'Loopscope: Run Current File', program: '${file}' }];
  }

  resolveDebugConfiguration(_folder: vscodeApi.WorkspaceFolder | undefined, config: vscodeApi.DebugConfiguration): vscodeApi.DebugConfiguration | undefined {
    if (refuseIfUntrusted(this.vscode)) return undefined;
    if (!config.type && !config.request && !config.name) {
      const file = this.vscode.window.activeTextEditor?.document.uri;
      if (!file || file.scheme !== 'file' || !isRunnableFile(file.fsPath)) {
        void this.vscode.window.showErrorMessage('Loopscope: open a .js, .mjs, .cjs or .ts file to run it, or add a "loopscope" configuration to launch.json.');
        return undefined;
      }
      return { type: DEBUG_TYPE, request: 'launch', name: 'Loopscope: Run Current File', program: file.fsPath };
    }
    return config;
  }

  /** A missing script is said in a notification here, before a session exists (a failed launch would be a modal dialog). */
  resolveDebugConfigurationWithSubstitutedVariables(folder: vscodeApi.WorkspaceFolder | undefined, config: vscodeApi.DebugConfiguration): vscodeApi.DebugConfiguration | undefined {
    if (typeof config.program !== 'string' || config.program === '') return config; // the adapter explains what to write
    const cwd = resolveCwd(config.program, typeof config.cwd === 'string' ? config.cwd : undefined, folder?.uri.fsPath);
    try {
      resolveScript(config.program, cwd);
    } catch (err) {
      void this.vscode.window.showErrorMessage(`Loopscope: ${err instanceof Error ? err.message : String(err)}`, 'Open launch.json').then((pick) => {
        if (pick) void this.vscode.commands.executeCommand('workbench.action.debug.configure');
      });
      return undefined;
    }
    return config;
  }
}
