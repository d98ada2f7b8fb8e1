// Source locations from the traced program: which are files an editor can open, and opening one.
import type * as vscodeApi from 'vscode';
import * as path from 'node:path';
import type { SourceLocation } from '../protocol/index.ts';
import { fileUrlToPath } from '../model/index.ts';

/** The location's file as a path on disk (file:// URLs from ESM stacks converted), or undefined for node:internal, eval… */
export function diskPath(file: string): string | undefined {
  const p = fileUrlToPath(file);
  return path.isAbsolute(p) && !p.startsWith('node:') ? p : undefined;
}

export async function openLocation(vscode: typeof vscodeApi, loc: SourceLocation): Promise<void> {
  const file = diskPath(loc.file);
  if (!file) {
    void vscode.window.showInformationMessage(`Loopscope: ${loc.file} is not a file on disk.`);
    return;
  }
  const pos = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1));
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: true });
  } catch (err) {
    void vscode.window.showErrorMessage(`Loopscope: could not open ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
