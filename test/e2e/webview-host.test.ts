// The view inside VS Code: acquireVsCodeApi() exists, so it talks to the host by messages (ready,
// select-task, open-location) and keeps its UI state (selection, folds) through getState/setState,
// so a panel that was hidden and revived comes back as the person left it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { dashboardTrace } from './webview-traces.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webviewHtml } from '../../src/host/webview-html.ts';
import { ReportPages, settle, treeRows, problemsOf } from './webview-harness.ts';

const pages = ReportPages.forFile();

/** Opens the page with a stand-in for VS Code's webview API that records what the view sends. */
async function openInFakeVsCode(savedState: unknown): Promise<Page> {
  const page = await (await pages.browser()).newPage({ viewport: { width: 1200, height: 700 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  (page as Page & { problems: string[] }).problems = problems;
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  await page.addInitScript(`(() => {
    window.sent = []; window.state = ${JSON.stringify(savedState ?? null)};
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => window.state, setState: (s) => { window.state = s; } });
  })();`);
  // The report page minus its inline data: in VS Code the data only comes from the host.
  const file = await pages.open([], {});
  const url = file.url();
  await file.close();
  await page.goto(url);
  await settle(page);
  return page;
}

const sent = (page: Page) => page.evaluate(() => (window as unknown as { sent: { type: string }[] }).sent);
const host = async (page: Page, m: unknown) => { await page.evaluate((msg) => window.postMessage(msg, '*'), m); await page.waitForTimeout(30); await settle(page); };

describe('in VS Code', () => {
  it('says ready, reports selection and asks the host to open locations', async () => {
    const page = await openInFakeVsCode(undefined);
    assert.deepEqual((await sent(page))[0], { type: 'ready', version: 1 });
    await host(page, { type: 'hello', version: 1, theme: 'dark' });
    assert.equal(await page.evaluate(() => document.body.dataset.theme), 'dark');
    // One 'ready' only: the host answers it with hello + snapshot, so a reply to hello would loop.
    assert.equal((await sent(page)).filter((m) => m.type === 'ready').length, 1);
    await host(page, { type: 'snapshot', runId: 'r1', title: 'server.js', live: false, events: dashboardTrace() });
    await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: /^fetchPosts$/ }) }).click();
    await settle(page);
    assert.deepEqual((await sent(page)).at(-1), { type: 'select-task', taskId: 3 });
    await page.locator('.blocks [role=option]', { hasText: 'renderMarkdown' }).dblclick();
    const open = (await sent(page)).filter((m) => m.type === 'open-location').at(-1) as unknown as { location: { file: string; line: number } };
    assert.equal(open.location.file, '/home/dev/app/posts.js');
    assert.equal(open.location.line, 42);
    assert.equal(await page.textContent('.location-out'), '', 'the editor opens it; no text fallback');
    assert.deepEqual(problemsOf(page), []);
    await page.close();
  });

  it('restores selection and folds from the saved state when the panel is revived', async () => {
    const first = await openInFakeVsCode(undefined);
    await host(first, { type: 'snapshot', runId: 'r1', title: 'server.js', live: false, events: dashboardTrace() });
    await first.locator('[role=treeitem]', { has: first.locator('.name', { hasText: /^withTimeout$/ }) }).locator('.twistie').click();
    await settle(first);
    const hb = first.locator('[role=treeitem]', { has: first.locator('.name', { hasText: /^heartbeat$/ }) });
    await hb.click();
    await first.waitForFunction(() => { const s = (window as unknown as { state?: { selectedTask?: number } }).state; return s?.selectedTask === 21; });
    const saved = await first.evaluate(() => (window as unknown as { state: unknown }).state);
    await first.close();

    const revived = await openInFakeVsCode(saved);
    await host(revived, { type: 'snapshot', runId: 'r1', title: 'server.js', live: false, events: dashboardTrace() });
    const rows = await treeRows(revived);
    assert.deepEqual(rows.filter((r) => r.selected).map((r) => r.name), ['heartbeat']);
    assert.equal(rows.find((r) => r.name === 'withTimeout')?.expanded, 'false');
    // Another run starts fresh.
    await host(revived, { type: 'snapshot', runId: 'r2', title: 'server.js', live: false, events: dashboardTrace() });
    assert.deepEqual((await treeRows(revived)).filter((r) => r.selected), []);
  });

  it('runs inside the page and CSP the extension serves (src/host/webview-html.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopscope-hostpage-'));
    const dist = join(__dirname, '..', '..', 'dist', 'webview');
    const file = join(dir, 'panel.html');
    writeFileSync(file, webviewHtml({ cspSource: 'file:', scriptUri: `file://${dist}/webview.js`, styleUri: `file://${dist}/webview.css` }));
    const page = await (await pages.browser()).newPage({ viewport: { width: 1000, height: 600 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.addInitScript(`(() => {
      window.sent = []; window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => undefined, setState: () => {} });
    })();`);
    await page.goto('file://' + file);
    await settle(page);
    await host(page, { type: 'hello', version: 1, theme: 'light' });
    await host(page, { type: 'snapshot', runId: 'r', title: 't', live: false, events: dashboardTrace() });
    assert.ok((await treeRows(page)).some((r) => r.name === 'fetchPosts'));
    // The stylesheet applied (the layout depends on it) and nothing was blocked.
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.loopscope')!).display), 'flex');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
    assert.deepEqual(problems, []);
    rmSync(dir, { recursive: true, force: true });
  });
});
