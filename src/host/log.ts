// Loopscope's own log (Output panel → "Loopscope"): failures inside the extension that the user should be able
// to report, never the traced program's output.
import type * as vscodeApi from 'vscode';

let channel: vscodeApi.LogOutputChannel | undefined;

export function initLog(vscode: typeof vscodeApi): vscodeApi.LogOutputChannel {
  channel = vscode.window.createOutputChannel('Loopscope', { log: true });
  return channel;
}

export function logError(what: string, err: unknown): void {
  const text = err instanceof Error ? err.stack ?? err.message : String(err);
  if (channel) channel.error(`${what}: ${text}`);
  else console.error(`loopscope: ${what}:`, err);
}

export function logInfo(text: string): void {
  channel?.info(text);
}
