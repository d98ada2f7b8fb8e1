// Running programs: Run Current File, the launch configuration (F5), Stop; and what the user sees of a run:
// diagnostics at the exact lines, the Slow Callbacks tree, the status bar, the live view.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  click, contextMenu, domTexts, endedRun, frames, notifications, runToEnd, fixture, isAlive, loopscope, loopscopeDiagnostics, markerLine, needsBridge, screenshot, waitFor, watchdogLog, workspaceDir,
} from './harness.ts';

export function registerRunTests(): void {
  describe('Run Current File', () => {
    before(async () => {
      await vscode.window.showTextDocument(vscode.Uri.file(fixture('blocking.js')));
    });

    it('runs the active file and puts a Warning at the exact blocking line, related to where the task was spawned', async function () {
      const api = await loopscope();
      const started = await vscode.commands.executeCommand<{ id: string } | undefined>('loopscope.runFile');
      assert.ok(started, 'Run Current File started no run');
      const run = await endedRun(api, started.id);
      assert.equal(run.exit?.code, 0, `exit ${JSON.stringify(run.exit)}; warnings ${run.warnings.join('; ')}`);
      // On a busy machine start-up itself can hold the loop past 50 ms: those blocks are real, and the main module's
      // evaluation can even be caught at one of its lines (CI: 215 ms at line 19). The spin is the one block in crunch.
      const inFile = run.blocks.filter((b) => b.location?.file === fixture('blocking.js'));
      assert.match(api.statusBarText(), new RegExp(`Loopscope: exited 0 · \\d+ tasks?, ${run.blocks.length} blocks?$`));
      const blockLine = markerLine('blocking.js', 'BLOCKS-HERE');
      assert.equal(inFile.filter((b) => b.location?.line === blockLine).length, 1, `blocks: ${JSON.stringify(run.blocks)}\nwatchdog:\n${watchdogLog()}`);
      assert.ok(inFile.every((b) => b.location?.line === blockLine || /\(main module\)$/.test(b.message)), `blocks: ${JSON.stringify(run.blocks)}`);
      assert.ok(api.view().open, 'the view did not open for the run');

      const diags = await waitFor('a Loopscope diagnostic on blocking.js', () => {
        const d = loopscopeDiagnostics('blocking.js');
        return d.length > 0 ? d : undefined;
      });
      // One diagnostic per block in the file: the spin's, and any start-up block caught in the file.
      const listed = diags.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n');
      assert.equal(diags.length, inFile.length, listed);
      const atSpin = diags.filter((d) => d.range.start.line + 1 === blockLine);
      assert.equal(atSpin.length, 1, listed);
      const [d] = atSpin;
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(d.range.start.line + 1, blockLine);
      assert.match(d.message, /^blocked the event loop for \d+ ms in crunch \(/);
      const ms = Number(/for (\d+) ms/.exec(d.message)?.[1]);
      assert.ok(ms >= 250, `the spin lasts 300 ms, reported ${ms} ms`);
      const related = d.relatedInformation?.[0];
      assert.ok(related, `no related information (spawn site); run had ${run.tasks} tasks; blocks ${JSON.stringify(run.blocks)}`);
      assert.equal(related.location.uri.fsPath, fixture('blocking.js'));
      assert.equal(related.location.range.start.line + 1, markerLine('blocking.js', 'SPAWNED-HERE'));
    });

    it('shows the run in the status bar', async function () {
      const api = await loopscope();
      const run = api.currentRun()!;
      assert.match(api.statusBarText(), new RegExp(`Loopscope: exited 0 · ${run.tasks} tasks?, ${run.blocks.length} blocks?$`));
      needsBridge(this);
      // The item reaches the browser asynchronously (extension host → workbench): wait for what the user will see.
      const expected = new RegExp(`Loopscope: exited 0 · ${run.tasks} tasks?, ${run.blocks.length} blocks?`);
      let seen: string[] = [];
      await waitFor('the Loopscope status-bar item to show the ended run', async () => {
        seen = (await domTexts('.statusbar-item')).filter((t) => /Loopscope: .* tasks?, /.test(t)); // not the debug launcher's item
        return seen.some((t) => expected.test(t));
      }, 15_000).catch((err: Error) => { throw new Error(`${err.message}; status bar shows ${JSON.stringify(seen)}`); });
    });

    it('shows the run in the Loopscope view (webview)', async function () {
      const api = await loopscope();
      assert.ok(api.view().open, 'the view did not open for the run');
      // The webview loads on its own schedule; once it says 'ready' it must get the whole run as a snapshot.
      await waitFor(`a snapshot in the view (${JSON.stringify(api.view())})`, () => api.view().snapshots >= 1);
      assert.equal(api.view().runId, api.currentRun()!.id);
      needsBridge(this);
      await vscode.commands.executeCommand('loopscope.showView');
      const text = await waitFor('the webview to show the block', async () =>
        (await domTexts('body', 'webview')).find((t) => t.includes('crunch')), 30_000).catch(async (err: Error) => {
        throw new Error(`${err.message}; frames: ${JSON.stringify(await frames())}; webview text: ${JSON.stringify(await domTexts('body', 'webview'))}`);
      });
      assert.match(text, /tick|setTimeout/);
      assert.match(text, /loadItems/);
      await screenshot('after-run');
    });
    it('double-clicking a block in the view opens the blocking line', async function () {
      needsBridge(this);
      await vscode.window.showTextDocument(vscode.Uri.file(fixture('forever.mjs')));
      await vscode.commands.executeCommand('loopscope.showView');
      await waitFor('the block in the view', async () => (await domTexts('.block-row', 'webview')).find((t) => t.includes('crunch')));
      // Not simply the first row: on a loaded machine the program's start-up can be a longer block of its own.
      await click('.block-row', 'webview', true, 'crunch');
      const editor = await waitFor('blocking.js opened at the block', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === fixture('blocking.js') ? e : undefined;
      });
      assert.equal(editor.selection.active.line + 1, markerLine('blocking.js', 'BLOCKS-HERE'));
    });

    it('lists the block under Slow Callbacks, and selecting it opens the blocking line', async function () {
      const blockLine = markerLine('blocking.js', 'BLOCKS-HERE');
      await vscode.commands.executeCommand('loopscope.slowCallbacks.focus');
      needsBridge(this);
      const rows = await waitFor('a Slow Callbacks row', async () => {
        const r = await domTexts('[id="workbench.view.explorer"] .pane:has(.pane-header[aria-label*="Slow Callbacks"]) .monaco-list-row');
        return r.length > 0 ? r : undefined;
      });
      const api = await loopscope();
      const blocks = JSON.stringify(api.currentRun()!.blocks);
      assert.equal(rows.length, api.currentRun()!.blocks.length, `${rows.join('\n')}\nblocks: ${blocks}`);
      const ms = rows.map((r) => Number(/for (\d+) ms/.exec(r)?.[1]));
      assert.deepEqual(ms, [...ms].sort((a, b) => b - a), `the longest block first: ${rows.join('\n')}`);
      // Start-up on a loaded machine can be a block of its own (outside the file): the spin is one row among them.
      const crunch = rows.find((r) => /blocked the event loop for \d+ ms in crunch/.test(r));
      assert.ok(crunch, `no row for crunch: ${rows.join('\n')}\nblocks: ${blocks}`);
      assert.match(crunch, new RegExp(`blocking\\.js:${blockLine}`));
      await vscode.window.showTextDocument(vscode.Uri.file(fixture('forever.mjs'))); // the click must open blocking.js itself
      await click('[id="workbench.view.explorer"] .pane:has(.pane-header[aria-label*="Slow Callbacks"]) .monaco-list-row', 'workbench', false, 'crunch');
      const editor = await waitFor('the blocking line opened', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === fixture('blocking.js') ? e : undefined;
      });
      assert.equal(editor.selection.active.line + 1, blockLine);
    });

  });

  describe('Where Run Current File is offered', () => {
    it('the Explorer context menu runs the clicked file', async function () {
      needsBridge(this);
      const api = await loopscope();
      await vscode.commands.executeCommand('workbench.view.explorer'); // the Files pane, whatever an earlier test focused
      const next = api.nextRun();
      await contextMenu('.explorer-folders-view .monaco-list-row[aria-label^="esm-block.mjs"]', 'Run Current File');
      const started = await waitFor('a run started from the context menu', () => Promise.race([next, new Promise<undefined>((r) => setTimeout(r, 100))]), 30_000)
        .catch(async (err: Error) => {
          throw new Error(`${err.message}; menu: ${JSON.stringify(await domTexts('.context-view .monaco-menu .action-item'))}; notifications: ${JSON.stringify(await notifications())}`);
        });
      assert.equal(started.program, fixture('esm-block.mjs'));
      await endedRun(api, started.id);
    });

    it('the editor title button runs the file in the editor', async function () {
      needsBridge(this);
      const api = await loopscope();
      await vscode.window.showTextDocument(vscode.Uri.file(fixture('blocking.js')));
      const next = api.nextRun();
      await click('.editor-actions .action-label[aria-label*="Run Current File"]');
      const started = await next;
      assert.equal(started.program, fixture('blocking.js'));
      await endedRun(api, started.id);
    });
  });

  describe('Loopscope view', () => {
    it('gets deltas only while visible, and a full snapshot when it becomes visible again', async () => {
      const api = await loopscope();
      const started = await vscode.commands.executeCommand<{ id: string } | undefined>('loopscope.runFile', vscode.Uri.file(fixture('live-demo.js')));
      assert.ok(started);
      try {
        await waitFor('deltas to reach the visible view', () => api.view().visible && api.view().deltas > 0);
        // Hide it: another editor on top of it in its group.
        const viewColumn = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.label === 'Loopscope'))?.viewColumn;
        await vscode.window.showTextDocument(vscode.Uri.file(fixture('forever.mjs')), { viewColumn, preview: false });
        await waitFor('the view to be hidden', () => !api.view().visible);
        const hidden = api.view();
        const eventsBefore = api.currentRun()!.events;
        await waitFor('the program to go on producing events', () => api.currentRun()!.events > eventsBefore + 20);
        assert.equal(api.view().deltas, hidden.deltas, 'a hidden view was sent deltas');
        await vscode.commands.executeCommand('loopscope.showView');
        await waitFor('a snapshot when visible again', () => api.view().visible && api.view().snapshots > hidden.snapshots);
      } finally {
        await vscode.commands.executeCommand('loopscope.stop');
        await endedRun(api, started.id);
      }
    });
  });

  describe('Launch configuration "type": "loopscope"', () => {
    it('F5 runs the program with the configured threshold, and replaces the diagnostics of its previous run', async () => {
      const api = await loopscope();
      const next = api.nextRun();
      const folder = vscode.workspace.workspaceFolders![0];
      assert.ok(await vscode.debug.startDebugging(folder, 'Loopscope: blocking.js (threshold 100)'));
      const run = await endedRun(api, (await next).id);
      assert.equal(run.exit?.code, 0);
      assert.equal(run.blocks.filter((b) => b.location?.file === fixture('blocking.js')).length, 1, JSON.stringify(run.blocks));
      await waitFor('the debug session to end', () => vscode.debug.activeDebugSession === undefined);
      const diags = loopscopeDiagnostics('blocking.js');
      assert.equal(diags.length, 1, 'the earlier run\'s diagnostic was not replaced');
      assert.equal(diags[0].range.start.line + 1, markerLine('blocking.js', 'BLOCKS-HERE'));
    });

    it('the loopscope.threshold setting applies to the next run', async () => {
      const config = vscode.workspace.getConfiguration('loopscope');
      await config.update('threshold', 1000, vscode.ConfigurationTarget.Workspace);
      try {
        const run = await runToEnd('blocking.js');
        assert.equal(run.exit?.code, 0);
        const inFile = run.blocks.filter((b) => b.location?.file === fixture('blocking.js'));
        assert.equal(inFile.length, 0, `a 300 ms block was reported with a 1000 ms threshold: ${JSON.stringify(inFile)}`);
        assert.equal(loopscopeDiagnostics('blocking.js').length, 0, 'the previous run\'s diagnostic was not cleared');
      } finally {
        await config.update('threshold', undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    it('Stop ends the program and the process it started (no orphans), and ends the debug session', async () => {
      const api = await loopscope();
      const pidsFile = fixture('forever.pids.json');
      fs.rmSync(pidsFile, { force: true });
      const next = api.nextRun();
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], 'Loopscope: forever.mjs'));
      const started = await next;
      const pids = await waitFor('forever.mjs to write its pids', () =>
        fs.existsSync(pidsFile) && (JSON.parse(fs.readFileSync(pidsFile, 'utf8')) as { parent: number; child: number }));
      assert.ok(isAlive(pids.parent) && isAlive(pids.child), 'the program is not running');
      assert.ok(vscode.debug.activeDebugSession, 'no debug session while running');
      assert.match(api.statusBarText(), /Loopscope: running/);
      await vscode.commands.executeCommand('loopscope.stop');
      const run = await endedRun(api, started.id);
      assert.ok(run.exit?.signal || run.exit?.reason === 'killed', `exit: ${JSON.stringify(run.exit)}`);
      await waitFor('both processes to be gone', () => !isAlive(pids.parent) && !isAlive(pids.child), 10_000);
      await waitFor('the debug session to end', () => vscode.debug.activeDebugSession === undefined);
      assert.match(api.statusBarText(), /Loopscope: stopped/);
      fs.rmSync(pidsFile, { force: true });
    });

    it('a missing program is a clear error and starts nothing', async function () {
      const api = await loopscope();
      const before = api.runs().length;
      const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
        type: 'loopscope', request: 'launch', name: 'missing', program: `${workspaceDir()}/does-not-exist.js`,
      });
      assert.equal(ok, false);
      assert.equal(api.runs().length, before);
      needsBridge(this);
      const shown = await waitFor('the error to be shown', async () => (await notifications()).find((t) => t.includes('does-not-exist.js')));
      assert.match(shown, /Cannot find the script/);
      await vscode.commands.executeCommand('notifications.clearAll');
    });
  });
}
