// Trace files: Save Trace As… writes the run, Open Trace… shows a recorded run again, a damaged file is a clear
// error, Export to Chrome Trace writes what Perfetto opens.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notifications, loopscope, runToEnd, loopscopeDiagnostics, markerLine, needsBridge, waitFor } from './harness.ts';

export function registerTraceTests(): void {
  describe('Trace files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-traces-'));
    const tracePath = path.join(dir, 'blocking.loopscope.ndjson');

    before(async () => { await runToEnd('blocking.js'); });

    it('Save Trace As… writes the current run as a Loopscope trace', async () => {
      const api = await loopscope();
      const current = api.currentRun();
      assert.ok(current && !current.live && current.title === 'blocking.js', `current run: ${JSON.stringify(current)}`);
      const uri = await vscode.commands.executeCommand<vscode.Uri>('loopscope.saveTrace', vscode.Uri.file(tracePath));
      assert.equal(uri?.fsPath, tracePath);
      const lines = fs.readFileSync(tracePath, 'utf8').trim().split('\n');
      assert.equal(JSON.parse(lines[0]).schema, 'loopscope.trace/1');
      assert.equal(lines.length - 1, current.events);
      assert.ok(lines.some((l) => JSON.parse(l).type === 'block'));
    });

    it('Open Trace… shows a recorded run: blocks, diagnostics, the view', async () => {
      const api = await loopscope();
      const saved = api.currentRun()!;
      const shown = (): string[] => loopscopeDiagnostics('blocking.js').map((d) => `${d.range.start.line + 1}: ${d.message}`);
      const live = shown(); // the recorded run's own (on a loaded machine its start-up can be a block in the file too)
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const run = await vscode.commands.executeCommand<{ id: string } | undefined>('loopscope.openTrace', vscode.Uri.file(tracePath));
      assert.ok(run, 'Open Trace returned nothing');
      const info = api.currentRun()!;
      assert.equal(info.title, 'blocking.loopscope.ndjson');
      assert.equal(info.live, false);
      assert.equal(info.events, saved.events);
      assert.deepEqual(info.blocks.map((b) => b.message), saved.blocks.map((b) => b.message));
      assert.equal(api.view().runId, info.id);
      assert.deepEqual(shown(), live, 'the same diagnostics as the run it recorded');
      const line = markerLine('blocking.js', 'BLOCKS-HERE');
      assert.ok(loopscopeDiagnostics('blocking.js').some((d) => d.range.start.line + 1 === line), `none at line ${line}: ${JSON.stringify(live)}`);
    });

    it('Open Trace… on a file that is not a trace says so and changes nothing', async function () {
      const api = await loopscope();
      const before = api.currentRun()?.id;
      const bad = path.join(dir, 'notes.ndjson');
      fs.writeFileSync(bad, 'hello, I am not a trace\n');
      const run = await vscode.commands.executeCommand('loopscope.openTrace', vscode.Uri.file(bad));
      assert.equal(run, undefined);
      assert.equal(api.currentRun()?.id, before);
      needsBridge(this);
      const msg = await waitFor('the error notification', async () => (await notifications()).find((t) => t.includes('notes.ndjson')));
      assert.match(msg, /not a Loopscope trace.*line 1/);
      await vscode.commands.executeCommand('notifications.clearAll');
    });

    it('Export to Chrome Trace writes trace events Perfetto can open', async () => {
      const out = path.join(dir, 'blocking.chrome-trace.json');
      await vscode.commands.executeCommand('loopscope.exportChromeTrace', vscode.Uri.file(out));
      const trace = JSON.parse(fs.readFileSync(out, 'utf8')) as { traceEvents: Array<{ name?: string; ph: string; ts?: number }> };
      assert.ok(Array.isArray(trace.traceEvents) && trace.traceEvents.length > 0);
      assert.ok(trace.traceEvents.some((e) => /Blocked \d+ ms in crunch/.test(e.name ?? '')), 'no block event in the export');
      assert.ok(trace.traceEvents.every((e) => e.ts === undefined || Number.isFinite(e.ts)));
    });
  });
}
