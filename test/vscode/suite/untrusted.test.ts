// Restricted Mode: running is disabled with a clear message; nothing is started.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { domTexts, fixture, loopscope, needsBridge, waitFor } from './harness.ts';

export function registerUntrustedTests(): void {
  describe('Untrusted workspace', () => {
    it('Run Current File refuses with a clear message and starts nothing', async function () {
      assert.equal(vscode.workspace.isTrusted, false, 'this suite needs an untrusted workspace');
      const api = await loopscope();
      const result = await vscode.commands.executeCommand('loopscope.runFile', vscode.Uri.file(fixture('blocking.js')));
      assert.equal(result, undefined);
      assert.equal(api.runs().length, 0);
      needsBridge(this);
      const msg = await waitFor('the Restricted Mode message', async () =>
        (await domTexts('.notifications-toasts .notification-list-item-message')).find((t) => t.includes('Restricted Mode')));
      assert.match(msg, /running programs is disabled in Restricted Mode/);
    });

    it('F5 with a loopscope configuration is refused the same way', async () => {
      const api = await loopscope();
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], 'Loopscope: blocking.js (threshold 100)');
      assert.equal(ok, false);
      assert.equal(api.runs().length, 0);
    });
  });
}
