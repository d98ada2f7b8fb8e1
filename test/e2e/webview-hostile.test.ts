// Hostile and malformed input: strings from the traced program are text, never markup; a damaged report,
// another schema, malformed events or another protocol version give a clear message and nothing runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Page } from 'playwright-core';
import { renderHtmlReport, loadWebviewAssets } from '../../src/cli/html-report.ts';
import { dashboardTrace, hostileTrace } from './webview-traces.ts';
import { ReportPages, settle, treeRows, blockRows, details, problemsOf } from './webview-harness.ts';

const pages = ReportPages.forFile();

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
const banner = async (page: Page) => (await page.isVisible('.banner')) ? (await page.textContent('.banner')) ?? '' : '';

describe('hostile trace', () => {
  it('shows HTML and script in names, paths and frames as inert text', async () => {
    const page = await pages.open(hostileTrace(), { title: '</title><script>window.__pwned=9</script>' });
    const rows = await treeRows(page);
    assert.ok(rows.some((r) => r.name.startsWith('</script><script>window.__pwned=1</script><img')), 'the name is shown literally');
    await page.locator('.blocks [role=option]').first().click();
    await settle(page);
    assert.match((await blockRows(page))[0].text, /<svg onload=/);
    assert.match((await details(page)).Name, /^<\/script><script>/);
    await page.locator('.details .link').first().click();
    assert.match(await page.textContent('.location-out') ?? '', /<b>/);
    assert.equal(await pwned(page), undefined, 'nothing ran');
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    assert.equal(await page.locator('#loopscope svg').count(), 1, 'the only SVG is the time axis');
    assert.deepEqual(problemsOf(page), []);
  });

  it('clips a 200 000-character name on screen', async () => {
    const page = await pages.open(hostileTrace());
    const long = (await treeRows(page)).find((r) => r.name.startsWith('xxxx'));
    assert.ok(long && long.name.length <= 300 && long.name.endsWith('…'), `clipped (${long?.name.length})`);
  });

  it('a task named </script> in the report cannot end the data block', async () => {
    const assets = loadWebviewAssets();
    const html = renderHtmlReport(hostileTrace(), assets, { title: 't' });
    const blocks = [...html.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    assert.equal(blocks.length, 2, 'the header and one chunk of events');
    for (const b of blocks) assert.ok(!b.includes('<'), 'no "<" inside a JSON block');
    assert.ok(blocks[1].includes('\\u003c/script>\\u003cscript>window.__pwned=1'), 'the name is kept, escaped');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'nonce-/);
    assert.ok(!/\bsrc=["']?https?:|href=["']?https?:/.test(html), 'nothing remote');
  });
});

describe('damaged input', () => {
  async function openEdited(edit: (html: string) => string): Promise<Page> {
    const html = renderHtmlReport(dashboardTrace(), loadWebviewAssets(), { title: 'x' });
    const file = join(tmpdir(), `loopscope-damaged-${process.pid}-${Math.random().toString(36).slice(2)}.html`);
    writeFileSync(file, edit(html));
    return pages.openFile(file);
  }

  it('says so when the embedded trace is not JSON', async () => {
    const page = await openEdited((h) => h.replace('id="loopscope-trace">{', 'id="loopscope-trace">{{'));
    assert.match(await banner(page), /not valid JSON.*loopscope report/s);
    assert.deepEqual(problemsOf(page), []);
  });

  it('says so when the report is cut off, and shows what is there', async () => {
    const page = await openEdited((h) => h.replace(/<script type="application\/json" class="loopscope-events">[\s\S]*?<\/script>/, ''));
    assert.match(await banner(page), /cut off.*1 blocks of events but holds 0/s);
    assert.deepEqual(problemsOf(page), []);
  });

  it('names both schemas when the trace is of another version', async () => {
    const page = await openEdited((h) => h.replace('"schema":"loopscope.trace/1"', '"schema":"loopscope.trace/9"'));
    assert.match(await banner(page), /loopscope\.trace\/9.*reads loopscope\.trace\/1/s);
    assert.equal((await treeRows(page)).length <= 1, true, 'nothing half-shown');
  });

  it('skips malformed events with a message and keeps the good ones', async () => {
    const page = await pages.open([]);
    await page.evaluate(() => window.postMessage({ type: 'snapshot', runId: 'r', title: 't', live: false, events: [
      { type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'async-function', name: 'good' },
      { type: 'spawn', ts: 2, id: 'two', parentId: 0, kind: 'async-function', name: 'bad' },
      { type: 'explode', ts: 3 },
      '<img src=x onerror=window.__pwned=4>',
    ] }, '*'));
    await page.waitForTimeout(50);
    await settle(page);
    assert.deepEqual((await treeRows(page)).map((r) => r.name), ['main', 'good']);
    assert.match(await banner(page), /Skipped 3 malformed events \(first: event 2 \(spawn\): field "id"/);
    assert.equal(await pwned(page), undefined);
  });

  it('asks for a reload when the host speaks another protocol version', async () => {
    const page = await pages.open(dashboardTrace());
    await page.evaluate(() => window.postMessage({ type: 'hello', version: 99 }, '*'));
    await page.waitForTimeout(50);
    assert.match(await banner(page), /view protocol 99.*speaks 1.*Reload/s);
    await page.evaluate(() => window.postMessage('not an object', '*'));
    await page.waitForTimeout(50);
    assert.match(await banner(page), /not an object/);
    assert.ok((await treeRows(page)).some((r) => r.name === 'loadDashboard'), 'what was shown stays');
  });

  it('ignores messages from other windows', async () => {
    const page = await pages.open(dashboardTrace());
    // A page that holds a reference to the report (an opener, a frame) must not feed it.
    await page.evaluate(() => { const f = document.createElement('iframe'); f.name = 'other'; document.body.appendChild(f); });
    const other = page.frame({ name: 'other' })!;
    await other.evaluate(() => parent.postMessage({ type: 'snapshot', runId: 'evil', title: 'evil', live: false, events: [] }, '*'));
    await page.waitForTimeout(100);
    await settle(page);
    assert.ok((await treeRows(page)).some((r) => r.name === 'loadDashboard'));
  });
});
