// Restricted Mode: running is disabled with a clear message; nothing is started.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { notifications, fixture, loopscope, needsBridge, waitFor } from './harness.ts';

export function registerUntrustedTests(): void {
  describe('Untrusted workspace', () => {
    it('Run Current File refuses with a clear message and starts nothing', async function () {
      assert.equal(vscode.workspace.isTrusted, false, 'this suite needs an untrusted workspace');
      const api = await loopscope();
      const result = await vscode.commands.executeCommand('loopscope.runFile', vscode.Uri.file(fixture('blocking.js')));
      assert.equal(result, undefined);
      assert.equal(api.runs().length, 0);
      needsBridge(this);
      const msg = await waitFor('the Restricted Mode message', async () => (await notifications()).find((t) => t.includes('Restricted Mode')));
      assert.match(msg, /running programs is disabled in Restricted Mode/);
    });

    it('the Loopscope Terminal is refused the same way', async () => {
      const api = await loopscope();
      const terminal = await vscode.commands.executeCommand('loopscope.newTerminal');
      assert.equal(terminal, undefined);
      assert.ok(!vscode.window.terminals.some((t) => t.name === 'Loopscope Terminal'));
      assert.equal(api.runs().length, 0);
    });

    it('opening a saved trace still works in Restricted Mode', async () => {
      const api = await loopscope();
      const run = await vscode.commands.executeCommand('loopscope.openTrace', vscode.Uri.file(fixture('recorded.loopscope.ndjson')));
      assert.ok(run, 'Open Trace refused in Restricted Mode');
      const info = api.currentRun()!;
      assert.ok(info.blocks.length >= 1, JSON.stringify(info));
    });
  });
}
