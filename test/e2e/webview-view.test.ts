// The standalone view in real Chromium: what a person sees in the tree, the timeline, the blocking list and
// the details pane, and that selecting in one selects in all.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dashboardTrace } from './webview-traces.ts';
import { clickLane, blockRows, colourRuns, details, laneGeometry, problemsOf, ReportPages, settle, treeRows } from './webview-harness.ts';

const pages = ReportPages.forFile();
let page: Page;
before(async () => { page = await pages.open(dashboardTrace(), { title: 'server.js' }); });

describe('task tree', () => {
  it('shows the tasks nested under the main module, combinators as group nodes', async () => {
    const rows = await treeRows(page);
    const at = (name: string) => { const r = rows.find((x) => x.name === name); assert.ok(r, `row ${name} is shown (rows: ${rows.map((x) => x.name).join(', ')})`); return r; };
    assert.equal(rows[0].name, 'server.js');
    assert.equal(rows[0].level, 1);
    assert.equal(at('loadDashboard').level, 2);
    // Screen readers hear "1 of 5" though only the visible rows exist.
    assert.deepEqual([at('loadDashboard').pos, at('loadDashboard').of], ['1', '5']);
    assert.deepEqual([at('flushLogs').pos, at('flushLogs').of], ['5', '5']);
    // Promise.all's members are moved under the group node.
    assert.equal(at('Promise.all').level, 3);
    assert.ok(at('Promise.all').group && at('Promise.race').group, 'combinators are drawn as group nodes');
    assert.ok(!at('loadDashboard').group && !at('fetchUser').group);
    assert.equal(at('fetchUser').level, 4);
    assert.equal(at('fetchPosts').level, 4);
    assert.equal(at('fetchComments').level, 4);
    assert.equal(at('Promise.race').level, 3);
    assert.equal(at('timeoutAfter').level, 4);
    const order = rows.map((r) => r.name);
    assert.ok(order.indexOf('Promise.all') < order.indexOf('fetchUser') && order.indexOf('fetchUser') < order.indexOf('withTimeout'));
    assert.deepEqual(problemsOf(page), []);
  });

  it('marks cancelled, failed and pending tasks, in text and in the accessible label', async () => {
    const rows = await treeRows(page);
    const t = rows.find((r) => r.name === 'timeoutAfter')!;
    assert.match(t.text, /cancelled: clearTimeout/);
    assert.match(t.label, /cancelled clearTimeout/);
    assert.match(rows.find((r) => r.name === 'downloadReport')!.text, /cancelled: abort/);
    assert.match(rows.find((r) => r.name === 'fetchComments')!.label, /rejected/);
    assert.match(rows.find((r) => r.name === 'heartbeat')!.label, /pending/);
    assert.match(rows.find((r) => r.name === 'fetchPosts')!.text, /1 block/);
  });

  it('folds a subtree and shows how many tasks it hides', async () => {
    await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: /^loadDashboard$/ }) }).locator('.twistie').click();
    await settle(page);
    let rows = await treeRows(page);
    const ld = rows.find((r) => r.name === 'loadDashboard')!;
    assert.equal(ld.expanded, 'false');
    assert.match(ld.label, /6 hidden/); // Promise.all, fetchUser, socket read, parseUser, fetchPosts, fetchComments
    assert.ok(!rows.some((r) => r.name === 'fetchUser'));
    await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: /^loadDashboard$/ }) }).locator('.twistie').click();
    await settle(page);
    rows = await treeRows(page);
    assert.ok(rows.some((r) => r.name === 'fetchUser'));
  });

  it('is driven by the keyboard like a VS Code tree', async () => {
    await page.focus('[role=tree]');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await settle(page);
    let sel = (await treeRows(page)).find((r) => r.selected);
    assert.equal(sel?.name, 'loadDashboard');
    assert.equal(await page.getAttribute('[role=tree]', 'aria-activedescendant'), 'task-1');
    await page.keyboard.press('ArrowLeft'); // folds it
    await settle(page);
    assert.equal((await treeRows(page)).find((r) => r.name === 'loadDashboard')?.expanded, 'false');
    await page.keyboard.press('ArrowRight'); // unfolds
    await page.keyboard.press('ArrowRight'); // to the first child
    await settle(page);
    sel = (await treeRows(page)).find((r) => r.selected);
    assert.equal(sel?.name, 'Promise.all');
    await page.keyboard.press('End');
    await settle(page);
    assert.equal((await treeRows(page)).find((r) => r.selected)?.name, 'flushLogs');
    await page.keyboard.press('Enter'); // standalone: the location is shown as text
    await settle(page);
    assert.match(await page.textContent('.location-out') ?? '', /log\.js:12:5/);
  });
});

describe('search and filters', () => {
  it('search keeps matches and the way to them', async () => {
    await page.fill('input[type=search]', 'fetchC');
    await page.waitForFunction(() => document.querySelectorAll('[role=treeitem]:not([style*="display: none"])').length < 8);
    await settle(page);
    const names = (await treeRows(page)).map((r) => r.name);
    assert.deepEqual(names, ['server.js', 'loadDashboard', 'Promise.all', 'fetchComments', 'withTimeout', 'Promise.race', 'fetchConfig']);
    await page.fill('input[type=search]', '');
    await page.waitForFunction(() => document.querySelectorAll('[role=treeitem]:not([style*="display: none"])').length > 8);
  });

  it('hide settled keeps pending tasks and their ancestors', async () => {
    await page.getByLabel('Hide settled').check();
    await settle(page);
    assert.deepEqual((await treeRows(page)).map((r) => r.name), ['server.js', 'heartbeat']);
    await page.getByLabel('Hide settled').uncheck();
    await settle(page);
  });

  it('hide node_modules & internals lifts user tasks out of library tasks', async () => {
    await page.getByLabel('Hide node_modules & internals').check();
    await settle(page);
    const rows = await treeRows(page);
    assert.ok(!rows.some((r) => r.name === 'socket read'), 'the undici socket read is hidden');
    assert.equal(rows.find((r) => r.name === 'parseUser')?.level, 5, 'parseUser now sits directly under fetchUser');
    await page.getByLabel('Hide node_modules & internals').uncheck();
    await settle(page);
    assert.equal((await treeRows(page)).find((r) => r.name === 'parseUser')?.level, 6);
  });
});

describe('blocking and timeline', () => {
  it('lists every block, longest first, with duration, function and file:line', async () => {
    const rows = await blockRows(page);
    assert.equal(rows.length, 2);
    assert.match(rows[0].text, /120 ms.*renderMarkdown.*posts\.js:42/);
    assert.match(rows[1].text, /70\.0 ms.*flushLogs.*log\.js:17/);
    // Part of it the program only waited for a CPU (a loaded machine): said on its row, and only there.
    assert.match(rows[1].text, /30\.0 ms CPU wait/);
    assert.doesNotMatch(rows[0].text, /CPU wait/);
    assert.match(await page.textContent('.blocks .pane-title') ?? '', /Blocking \(2\).*threshold 50/);
  });

  it('draws the blocks on the event-loop lane in proportion to their duration', async () => {
    const g = await laneGeometry(page);
    const runs = (await colourRuns(page, g.loopMid, '--ls-block')).filter(([a, b]) => b - a > 3);
    assert.equal(runs.length, 2, `two red blocks in the event-loop lane, got ${JSON.stringify(runs)}`);
    const ratio = (runs[0][1] - runs[0][0]) / (runs[1][1] - runs[1][0]);
    assert.ok(Math.abs(ratio - 120 / 70) < 0.15, `widths follow 120:70, got ${ratio}`);
  });

  it('selecting a block selects its task in the tree, the timeline lane and the details', async () => {
    await page.locator('.blocks [role=option]', { hasText: 'renderMarkdown' }).click();
    await settle(page);
    const sel = (await treeRows(page)).filter((r) => r.selected).map((r) => r.name);
    assert.deepEqual(sel, ['fetchPosts']);
    assert.ok((await blockRows(page))[0].selected);
    const d = await details(page);
    assert.equal(d.Name, 'fetchPosts');
    assert.match(d.Parents, /Promise\.all/);
    assert.match(await page.textContent('.block-detail') ?? '', /Blocked the event loop for 120 ms[\s\S]*renderMarkdown[\s\S]*posts\.js:42/);
    // The selected task's lane is highlighted on the canvas.
    const g = await laneGeometry(page);
    const index = (await treeRows(page)).findIndex((r) => r.name === 'fetchPosts');
    const laneRuns = await colourRuns(page, g.lanesTop + index * g.rowHeight + 2, '--ls-selection');
    assert.ok(laneRuns.some(([a, b]) => b - a > 200), `the fetchPosts lane is highlighted: ${JSON.stringify(laneRuns)}`);
    // Opening the block shows where it happened (standalone has no editor).
    await page.locator('.blocks [role=option]', { hasText: 'renderMarkdown' }).dblclick();
    assert.match(await page.textContent('.location-out') ?? '', /posts\.js:42/);
  });

  it('the blocking list is driven by the keyboard', async () => {
    await page.focus('.blocks [role=listbox]');
    await page.keyboard.press('End');
    await settle(page);
    assert.deepEqual((await blockRows(page)).map((b) => b.selected), [false, true]);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['flushLogs']);
    await page.keyboard.press('ArrowUp');
    await page.$eval('.location-out', (n) => { n.textContent = ''; }); // an earlier test showed the same place
    await page.keyboard.press('Enter');
    await settle(page);
    assert.deepEqual((await blockRows(page)).map((b) => b.selected), [true, false]);
    assert.match(await page.textContent('.location-out') ?? '', /posts\.js:42/);
  });

  it('clicking a block on the timeline selects it in the list and its task in the tree', async () => {
    const g = await laneGeometry(page);
    const runs = (await colourRuns(page, g.loopMid, '--ls-block')).filter(([a, b]) => b - a > 3);
    const box = (await page.locator('canvas.timeline-canvas').boundingBox())!;
    const flush = runs[runs.length - 1];
    await page.mouse.click(box.x + (flush[0] + flush[1]) / 2, box.y + g.loopMid);
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['flushLogs']);
    assert.ok((await blockRows(page)).find((b) => /flushLogs/.test(b.text))?.selected);
    assert.match(await page.textContent('.cursor-readout') ?? '', /block 70\.0 ms/);
  });

  it('clicking a task lane selects the task', async () => {
    const rows = await treeRows(page);
    await clickLane(page, rows.findIndex((r) => r.name === 'withTimeout'));
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['withTimeout']);
    assert.equal((await details(page)).Name, 'withTimeout');
    // loadDashboard awaited its Promise.all: the details link to it.
    await clickLane(page, rows.findIndex((r) => r.name === 'loadDashboard'));
    assert.equal((await details(page)).Awaited, 'Promise.all');
    await page.locator('.details .task-links .link', { hasText: 'Promise.all' }).last().click();
    await settle(page);
    assert.equal((await details(page)).Name, 'Promise.all');
  });

  it('zooms with Ctrl+wheel and the axis follows', async () => {
    const before = await page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent));
    const box = (await page.locator('canvas.timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + 100, box.y + 200);
    await page.keyboard.down('Control');
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await settle(page);
    const afterTicks = await page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent));
    assert.notDeepEqual(afterTicks, before);
    await page.getByLabel('Show the whole run').click();
    await settle(page);
    assert.deepEqual(await page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent)), before);
    // Double-click zooms in at once (no animation loop of its own); the keyboard zooms out again.
    await page.mouse.dblclick(box.x + 300, box.y + 200);
    await settle(page);
    assert.notDeepEqual(await page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent)), before);
    await page.focus('canvas.timeline-canvas');
    await page.keyboard.press('0');
    await settle(page);
    assert.deepEqual(await page.$$eval('.axis .tick text', (t) => t.map((x) => x.textContent)), before);
  });

  it('ran without page errors or CSP violations', async () => {
    assert.deepEqual(problemsOf(page), []);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });
});
