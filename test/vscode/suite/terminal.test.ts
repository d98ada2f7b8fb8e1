// The Loopscope Terminal: any node started in it streams into the view, as the user types it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { endedRun, fixture, loopscope, loopscopeDiagnostics, markerLine, waitFor } from './harness.ts';

export function registerTerminalTests(): void {
  describe('Loopscope Terminal', () => {
    it('instruments a node command typed in it (an ES module) and reports its block at the exact line', async () => {
      const api = await loopscope();
      const terminal = await vscode.commands.executeCommand<vscode.Terminal>('loopscope.newTerminal');
      assert.ok(terminal, 'no terminal was created');
      assert.equal(terminal.name, 'Loopscope Terminal');
      const next = api.nextRun();
      terminal.sendText(`node ${JSON.stringify(fixture('esm-block.mjs'))}`);
      const started = await next;
      assert.equal(started.program, fixture('esm-block.mjs'));
      const run = await endedRun(api, started.id);
      assert.equal(run.exit?.code, 0, JSON.stringify(run.exit));
      const line = markerLine('esm-block.mjs', 'ESM-BLOCKS-HERE');
      assert.ok(run.blocks.some((b) => b.location?.line === line), JSON.stringify(run.blocks));
      const diags = await waitFor('a diagnostic on esm-block.mjs', () => {
        const d = loopscopeDiagnostics('esm-block.mjs');
        return d.length > 0 ? d : undefined;
      });
      assert.equal(diags[0].range.start.line + 1, line);
      assert.match(diags[0].message, /in spin/);
      terminal.dispose();
    });
  });
}
