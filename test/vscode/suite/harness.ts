// Helpers for the in-VS Code suite: the extension's API, the fixture workspace, polling, and the driver's
// bridge (the browser side: DOM text of the workbench and the webview, screenshots).
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoopscopeApi, RunInfo } from '../../../src/host/test-api.ts';

export const EXTENSION_ID = 'loopscope.loopscope';

export async function loopscope(): Promise<LoopscopeApi> {
  const ext = vscode.extensions.getExtension<LoopscopeApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixture workspace open (test/vscode/workspace)');
  return folder.uri.fsPath;
}

export function fixture(name: string): string { return path.join(workspaceDir(), name); }

/**
 * The watchdog's own account of the runs so far (scripts/test-vscode.mjs sets LOOPSCOPE_DEBUG_LOG for the
 * programs the extension runs): its last decisions, for the message of a failed assertion about a block.
 */
export function watchdogLog(lines = 30): string {
  const file = process.env.LOOPSCOPE_DEBUG_LOG;
  if (!file) return '(no watchdog log)';
  try {
    const kept = fs.readFileSync(file, 'utf8').split('\n').filter((l) => / (end|stack|reading|block) /.test(l));
    return kept.slice(-lines).map((l) => l.slice(0, 600)).join('\n');
  } catch (e) { return `(watchdog log unreadable: ${String(e)})`; }
}

/** 1-based line of the fixture line carrying `marker` (so the expected lines never drift from the fixture). */
export function markerLine(file: string, marker: string): number {
  const lines = fs.readFileSync(fixture(file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in ${file}`);
  return i + 1;
}

/** Polls until `probe` returns a truthy value; fails with `what` after `ms`. Not a timing assertion: a deadline for hangs. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | null | Promise<T | undefined | false | null>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) { last = err; }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

export async function endedRun(api: LoopscopeApi, id?: string): Promise<RunInfo> {
  const run = await api.whenEnded(id);
  if (!run) throw new Error('no run to wait for');
  return run;
}

/** Runs a workspace file through Run Current File and waits for it to end. */
export async function runToEnd(file: string): Promise<RunInfo> {
  const api = await loopscope();
  const started = await vscode.commands.executeCommand<{ id: string } | undefined>('loopscope.runFile', vscode.Uri.file(fixture(file)));
  if (!started) throw new Error(`Run Current File started no run for ${file}`);
  return endedRun(api, started.id);
}

/** Loopscope's diagnostics on a file. */
export function loopscopeDiagnostics(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(fixture(file))).filter((d) => d.source === 'Loopscope');
}

// ---- the driver's bridge (absent under @vscode/test-electron: those checks are skipped, and say so) ----

export const bridgeUrl = process.env.LOOPSCOPE_TEST_BRIDGE;

async function bridge<T>(route: string, body: unknown): Promise<T> {
  if (!bridgeUrl) throw new Error('no bridge');
  const res = await fetch(`${bridgeUrl}/${route}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`bridge ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** innerText of every element matching `selector` in the workbench page, or (frame 'webview') in the Loopscope webview. */
export function domTexts(selector: string, frame: 'workbench' | 'webview' = 'workbench'): Promise<string[]> {
  return bridge<string[]>('texts', { selector, frame });
}

/** Messages of the notifications shown (toasts, and the notification center, which the suite opens to read them). */
export async function notifications(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  return domTexts('.notification-list-item-message');
}

/** Clicks the first element matching `selector` (and containing `hasText`, if given) in the workbench page or the Loopscope webview, through the browser. */
export function click(selector: string, frame: 'workbench' | 'webview' = 'workbench', double = false, hasText?: string): Promise<void> {
  return bridge<void>('click', { selector, frame, double, hasText });
}

/** Right-clicks `selector` in the workbench, then picks the context-menu entry labelled `item`. */
export async function contextMenu(selector: string, item: string): Promise<void> {
  const entry = '.context-view .monaco-menu .action-item';
  const open = async (): Promise<boolean> => (await domTexts(entry)).some((t) => t.includes(item));
  await bridge<void>('click', { selector, right: true });
  await waitFor(`the context menu with "${item}"`, open, 10_000);
  // VS Code's menu ignores a click that comes as it opens (CI: the menu was still open 30 s later, the entry
  // unclicked): a person clicks again, and so does this, while the menu stays open.
  for (let attempt = 0; attempt < 3 && await open(); attempt++) {
    await new Promise((r) => setTimeout(r, 300));
    await bridge<void>('click', { selector: entry, hasText: item }).catch(() => undefined); // gone meanwhile: picked
    await new Promise((r) => setTimeout(r, 700));
  }
}

/** A screenshot for docs/screenshots/vscode-<name>.png, or (debug) one kept with the session's logs. */
export function screenshot(name: string, debug = false): Promise<void> {
  return bridge<void>('screenshot', { name, debug });
}

export function frames(): Promise<Array<{ name: string; url: string }>> {
  return bridge('frames', {});
}

/** Skips the current test when there is no browser bridge (desktop VS Code run through @vscode/test-electron). */
export function needsBridge(ctx: Mocha.Context): void {
  if (!bridgeUrl) ctx.skip();
}
