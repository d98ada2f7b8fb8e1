// Running a program executes the workspace's code, so Restricted Mode disables it; reading traces stays allowed.
import type * as vscodeApi from 'vscode';

export const UNTRUSTED_MESSAGE =
  'Loopscope: running programs is disabled in Restricted Mode, because it would execute code from this workspace. '
  + 'Trust the workspace to run it (opening saved traces still works).';

/** True (and tells the user why) when the workspace is not trusted. */
export function refuseIfUntrusted(vscode: typeof vscodeApi): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}
