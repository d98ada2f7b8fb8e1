// Live runs: a snapshot then batches of events arrive as messages (as the extension host sends them); the
// view appends them, follows the live edge, pauses and resumes, and handles a big tree without slowing down.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../src/protocol/index.ts';
import { dashboardTrace } from './webview-traces.ts';
import { ReportPages, settle, treeRows, problemsOf } from './webview-harness.ts';

const pages = ReportPages.forFile();

async function post(page: Page, msg: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
  await page.waitForTimeout(30);
  await settle(page);
}

const ticks = (page: Page) => page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent).join(' '));
const status = async (page: Page) => (await page.textContent('.statusbar .status')) ?? '';

describe('live run', () => {
  it('appends batches, follows the live edge, pauses and resumes', async () => {
    const page = await pages.open([]);
    const all = dashboardTrace().filter((e) => e.type !== 'exit');
    const cut = all.findIndex((e) => e.type === 'spawn' && e.name === 'withTimeout');
    await post(page, { type: 'snapshot', runId: 'run-1', title: 'server.js', live: true, events: all.slice(0, cut) });
    let names = (await treeRows(page)).map((r) => r.name);
    assert.ok(names.includes('loadDashboard') && !names.includes('withTimeout'));
    assert.match(await status(page), /· live ·/);
    assert.equal(await page.getAttribute('button.follow', 'aria-pressed'), 'true');
    const ticksBefore = await ticks(page);

    await post(page, { type: 'events', runId: 'run-1', events: all.slice(cut, cut + 10) });
    names = (await treeRows(page)).map((r) => r.name);
    assert.ok(names.includes('withTimeout') && names.includes('Promise.race'), `new tasks appear: ${names.join(', ')}`);
    assert.notEqual(await ticks(page), ticksBefore, 'the time axis grew to the live edge');

    // A batch for another run is not this view's business.
    await post(page, { type: 'events', runId: 'run-0', events: [{ type: 'spawn', ts: 1, id: 99, parentId: 0, kind: 'timeout', name: 'stale', site: { file: '/x.js', line: 1, column: 1 } }] });
    assert.ok(!(await treeRows(page)).some((r) => r.name === 'stale'));

    await page.click('button.follow');
    await settle(page);
    assert.equal(await page.getAttribute('button.follow', 'aria-pressed'), 'false');
    assert.match(await status(page), /live \(paused\)/);
    const frozen = await ticks(page);
    await post(page, { type: 'events', runId: 'run-1', events: all.slice(cut + 10) });
    assert.equal(await ticks(page), frozen, 'paused: the window stays where it was');
    assert.ok((await treeRows(page)).some((r) => r.name === 'flushLogs'), 'paused: events are still taken in');

    await page.click('button.follow');
    await settle(page);
    assert.notEqual(await ticks(page), frozen, 'resumed: back at the live edge');

    await post(page, { type: 'events', runId: 'run-1', events: [{ type: 'exit', ts: 320, code: 0, signal: null, reason: 'exit' }] });
    await post(page, { type: 'ended', runId: 'run-1' });
    assert.match(await status(page), /exited \(exit, code 0\)/);
    assert.equal(await page.isVisible('button.follow'), false);
    assert.deepEqual(problemsOf(page), []);
  });

  it('a new snapshot replaces the run (the host can rebuild the view at any time)', async () => {
    const page = await pages.open(dashboardTrace());
    assert.ok((await treeRows(page)).some((r) => r.name === 'loadDashboard'));
    await post(page, { type: 'snapshot', runId: 'other', title: 'other.js', live: false, events: [
      { type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'async-function', name: 'onlyThis', site: { file: '/o.js', line: 1, column: 1 } },
    ] });
    assert.deepEqual((await treeRows(page)).map((r) => r.name), ['main', 'onlyThis']);
    assert.equal(await page.title(), 'Loopscope: other.js');
  });

  it('keeps only the visible rows in the DOM for a 20 000-task tree and stays navigable', async () => {
    const events: TraceEvent[] = [];
    let id = 1;
    for (let p = 0; p < 100; p++) {
      const parent = id++;
      events.push({ type: 'spawn', ts: p, id: parent, parentId: 0, kind: 'async-function', name: `worker${p}`, site: { file: '/w.js', line: 1, column: 1 } });
      for (let c = 0; c < 199; c++) {
        const cid = id++;
        events.push({ type: 'spawn', ts: p + c / 1000, id: cid, parentId: parent, kind: 'then', name: `step${p}_${c}`, site: { file: '/w.js', line: 2, column: 1 } });
        events.push({ type: 'run', ts: p + c / 1000, id: cid, dur: 0.0005 });
        events.push({ type: 'settle', ts: p + c / 1000 + 0.001, id: cid, state: 'resolved' });
      }
    }
    const page = await pages.open(events);
    // Wide parents start folded (a 199-member fan-out) and say how many they hide.
    let rows = await treeRows(page);
    assert.equal(rows[1].name, 'worker0');
    assert.match(rows[1].label, /199 hidden/);
    // Unfold all 100 workers at once through the UI state (clicking 100 twisties adds nothing to this test).
    await page.evaluate(() => {
      const app = (window as unknown as { loopscope: { ui: { folds: Map<number, boolean> }; selectTask(id: number, from: string): void } }).loopscope;
      for (let p = 0; p < 100; p++) app.ui.folds.set(1 + p * 200, true);
      app.selectTask(1, 'test');
    });
    await settle(page);
    const inDom = await page.$$eval('[role=treeitem]', (r) => r.filter((x) => (x as HTMLElement).style.display !== 'none').length);
    assert.ok(inDom < 80, `only visible rows are in the DOM (${inDom})`);
    await page.focus('[role=tree]');
    await page.keyboard.press('End');
    await settle(page);
    rows = await treeRows(page);
    assert.equal(rows.find((r) => r.selected)?.name, 'step99_198');
    assert.match(await status(page), /20001 tasks/);
  });
});
