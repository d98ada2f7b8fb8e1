// Traces recorded from real runs of fixture programs (test/fixtures/traces/*.js, recorded with
// `loopscope run --trace`), turned into a page by the real CLI (`loopscope report <trace> --html`) and opened
// in Chromium: what a person sees for those programs. Timings vary between recordings, so the checks are
// about meaning (nesting, marks, lines), not numbers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ReportPages, settle, treeRows, blockRows, details, problemsOf, allRows, laneGeometry, colourRuns } from './webview-harness.ts';

const ROOT = join(__dirname, '..', '..');
const TRACES = join(ROOT, 'test', 'fixtures', 'traces');
const OURS = join(ROOT, 'test', 'fixtures', 'traces-webview');
const pages = ReportPages.forFile();
const dir = mkdtempSync(join(tmpdir(), 'loopscope-recorded-'));

/** `loopscope report <trace> --html <file>`, then open the file. */
async function openRecorded(trace: string, folder = TRACES): Promise<Page> {
  const out = join(dir, trace.replace(/\W/g, '_') + '.html');
  execFileSync(process.execPath, [join(ROOT, 'bin', 'loopscope.js'), 'report', join(folder, trace), '--html', out], { stdio: 'pipe' });
  return pages.openFile(out);
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('shop.js (combinators, a reject, a cleared timer, an abort, a pending interval, a block)', () => {
  let page: Page;
  before(async () => { page = await openRecorded('shop.ndjson'); });

  it('shows the fetches under loadDashboard through their combinator groups', async () => {
    const rows = await treeRows(page);
    assert.equal(rows[0].name, 'shop.js');
    const ld = rows.findIndex((r) => r.name === 'loadDashboard');
    assert.ok(ld > 0);
    const under = rows.slice(ld + 1).filter((r) => r.level === rows[ld].level + 1).map((r) => r.name);
    assert.ok(under.filter((n) => n === 'Promise.allSettled').length === 2 && under.includes('Promise.race'), `groups under loadDashboard: ${under.join(', ')}`);
    // The 100-member allSettled starts folded and says what it hides.
    const big = rows.find((r) => r.name === 'Promise.allSettled' && r.expanded === 'false');
    assert.ok(big, 'the wide group is folded');
    assert.match(big.label, /\d{3} hidden/);
    assert.match(rows.find((r) => r.name === 'fetchUser')!.label, /rejected/);
    assert.ok(rows.some((r) => /cancelled: clearTimeout/.test(r.text)), 'the cleared timer');
    assert.ok(rows.some((r) => /cancelled: abort/.test(r.text)), 'the aborted wait');
    assert.match(rows.find((r) => r.name === 'setInterval callback')!.label, /pending/);
    assert.deepEqual(problemsOf(page), []);
  });

  it('unfolding the big group shows its hundred fetchItem tasks; search finds them all', async () => {
    // Rows of the whole (virtualised) tree, by task name: the DOM only holds the visible ones.
    const rowNames = () => page.evaluate(() => {
      const app = (window as unknown as { loopscope: { tree: { rows: { id: number; match: boolean }[] }; store: { task(id: number): { name: string } } } }).loopscope;
      return app.tree.rows.map((r) => ({ name: app.store.task(r.id).name, match: r.match }));
    });
    assert.equal((await rowNames()).filter((r) => r.name === 'fetchItem').length, 0);
    await page.locator('[role=treeitem][aria-expanded=false]', { has: page.locator('.name', { hasText: 'Promise.allSettled' }) }).locator('.twistie').click();
    await settle(page);
    assert.equal((await rowNames()).filter((r) => r.name === 'fetchItem').length, 100);
    await page.fill('input[type=search]', 'fetchitem');
    await page.waitForTimeout(300);
    await settle(page);
    const found = await rowNames();
    assert.equal(found.filter((r) => r.match).length, 100, 'search is case-insensitive and finds every one');
    assert.ok(found.every((r) => r.match || r.name !== 'fetchOrders'), 'non-matching leaves are hidden');
    await page.fill('input[type=search]', '');
    await page.waitForTimeout(300);
  });

  it('lists the block in crunch at shop.js:12 and selecting it selects the timer that ran it', async () => {
    const blocks = await blockRows(page);
    const crunch = blocks.find((b) => /crunch/.test(b.text));
    assert.ok(crunch, blocks.map((b) => b.text).join(' | '));
    assert.match(crunch.text, /test\/fixtures\/traces\/shop\.js:12/);
    await page.locator('.blocks [role=option]', { hasText: 'crunch' }).click();
    await settle(page);
    const d = await details(page);
    assert.equal(d.Kind, 'setTimeout callback');
    assert.match(d.Spawned, /shop\.js:36/);
    const selected = (await treeRows(page)).filter((r) => r.selected);
    assert.equal(selected.length, 1);
    assert.match(selected[0].text, /1 block/);
  });
});

describe('stall.js (an await chain that holds the loop, then a crash)', () => {
  it('marks the crash and shows the blocking line', async () => {
    const page = await openRecorded('stall.ndjson');
    assert.match(await page.textContent('.statusbar .status') ?? '', /exited \(crash, code 1\)/);
    const rows = await treeRows(page);
    assert.match(rows[0].label, /rejected/, 'the main module failed');
    assert.match(rows.find((r) => r.name === 'loadConfig')!.label, /rejected/);
    const blocks = await blockRows(page);
    assert.ok(blocks.some((b) => /(step|chain).*stall\.js:\d+/.test(b.text)), blocks.map((b) => b.text).join(' | '));
    assert.deepEqual(problemsOf(page), []);
  });
});

describe('dashboard.js (recorded for these tests: every combinator, a library calling back, two blocks)', () => {
  let page: Page;
  before(async () => { page = await openRecorded('dashboard.ndjson', OURS); });

  it('shows each combinator as a group node with its members under it', async () => {
    const rows = await treeRows(page);
    const names = rows.map((r) => r.name);
    for (const g of ['Promise.all', 'Promise.allSettled', 'Promise.any', 'Promise.race']) assert.ok(rows.find((r) => r.name === g)?.group, `${g} as a group node in ${names.join(', ')}`);
    const all = rows.findIndex((r) => r.name === 'Promise.all');
    const members = rows.slice(all + 1).filter((r) => r.level === rows[all].level + 1).slice(0, 2).map((r) => r.name);
    assert.deepEqual(members, ['fetchUser', 'fetchPosts']);
    const settled = rows.findIndex((r) => r.name === 'Promise.allSettled');
    assert.equal(rows[settled + 1].name, 'fetchAds');
    assert.match(rows[settled + 1].label, /rejected/);
    assert.match(rows.find((r) => r.name === 'main')!.label, /resolved/);
  });

  it('marks the cleared timer, the aborted wait and what was still pending at exit', async () => {
    const rows = await allRows(page);
    const wt = rows.findIndex((r) => r.name === 'withTimeout');
    assert.deepEqual([rows[wt + 1].state, rows[wt + 1].cancelReason], ['cancelled', 'clearTimeout']);
    const dl = rows.findIndex((r) => r.name === 'downloadReport');
    assert.deepEqual([rows[dl + 1].state, rows[dl + 1].cancelReason], ['cancelled', 'abort']);
    assert.equal(rows.find((r) => r.name === 'setInterval callback')?.state, 'pending');
    // And on screen, in words, once scrolled to.
    await page.locator('[role=tree]').evaluate((t) => { t.scrollTop = t.scrollHeight; });
    await settle(page);
    assert.match((await treeRows(page)).find((r) => r.name === 'setInterval callback')!.label, /pending/);
    await page.locator('[role=tree]').evaluate((t) => { t.scrollTop = 0; });
    await settle(page);
  });

  it('lists both blocks in renderMarkdown at dashboard.js:14 and draws them on the event-loop lane', async () => {
    const blocks = await blockRows(page);
    assert.equal(blocks.length, 2);
    for (const b of blocks) assert.match(b.text, /renderMarkdown.*traces-webview\/dashboard\.js:14/);
    assert.match(blocks[0].text, /loadDashboard/, 'the longest ran in loadDashboard');
    assert.match(blocks[1].text, /setImmediate callback/, 'the other in the callback the library scheduled');
    const g = await laneGeometry(page);
    const red = (await colourRuns(page, g.loopMid, '--ls-block')).filter(([a, b]) => b - a >= 2);
    assert.equal(red.length, 2, JSON.stringify(red));
  });

  it('hiding node_modules & internals hides the library callback; its block still selects it', async () => {
    const before = (await treeRows(page)).map((r) => r.name);
    assert.ok(before.includes('setImmediate callback'));
    await page.getByLabel('Hide node_modules & internals').check();
    await settle(page);
    const after = (await treeRows(page)).map((r) => r.name);
    assert.ok(!after.includes('setImmediate callback'), after.join(', '));
    assert.ok(after.includes('loadDashboard') && after.includes('fetchAds'), 'user code stays');
    await page.locator('.blocks [role=option]', { hasText: 'setImmediate callback' }).click();
    await settle(page);
    assert.equal((await details(page)).Kind, 'setImmediate callback');
    assert.match(await page.textContent('.block-detail') ?? '', /renderMarkdown/);
    await page.getByLabel('Hide node_modules & internals').uncheck();
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['setImmediate callback']);
    assert.deepEqual(problemsOf(page), []);
  });
});
