// Tallies in the view: tasks of a hot call site, counted instead of recorded one by one. A hand-written trace
// (test/fixtures/traces-webview/tallies.ndjson, valid per the protocol) opened in Chromium: tally rows with
// their counts under their task or their parent tally, filters and search, the details of a selected tally,
// its timeline lane, live count updates in place, and hostile names shown as text.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { validateTraceLine, type TraceEvent, type TallyEvent } from '../../src/protocol/index.ts';
import { blockRows, clickLane, colourRuns, details, laneGeometry, problemsOf, ReportPages, settle, treeRows, type TreeRowInfo } from './webview-harness.ts';

const FIXTURE = join(__dirname, '..', 'fixtures', 'traces-webview', 'tallies.ndjson');

function fixtureEvents(): TraceEvent[] {
  const lines = readFileSync(FIXTURE, 'utf8').trim().split('\n');
  const out: TraceEvent[] = [];
  lines.forEach((line, i) => {
    const v = validateTraceLine(JSON.parse(line), `line ${i + 1}`);
    assert.ok(v.ok, `the fixture is a valid trace: ${v.ok ? '' : v.error}`);
    if (v.value.type !== 'header') out.push(v.value);
  });
  return out;
}

const pages = ReportPages.forFile();
let page: Page;
before(async () => { page = await pages.open(fixtureEvents(), { title: 'hot.js' }); });

const rowOf = (rows: TreeRowInfo[], name: string, counted = true): TreeRowInfo => {
  const r = rows.find((x) => x.name === name && /×/.test(x.text) === counted);
  assert.ok(r, `row ${name}${counted ? ' (tally)' : ''} is shown (rows: ${rows.map((x) => x.name).join(', ')})`);
  return r;
};
const tallyRow = (name: string) => page.locator('[role=treeitem].tally', { has: page.locator('.name', { hasText: name }) }).first();

async function check(label: string, on: boolean): Promise<void> {
  if (on) await page.getByLabel(label).check(); else await page.getByLabel(label).uncheck();
  await settle(page);
}

describe('tally rows', () => {
  it('sit after their task\'s children, nested under the tally whose tasks spawned them, with their counts', async () => {
    const rows = await treeRows(page);
    assert.deepEqual(rows.map((r) => `${r.level} ${r.name}${/×/.test(r.text) ? ' ×' : ''}`), [
      '1 hot.js', '2 handleRequests', '3 leaf', '3 leaf', '3 leaf ×', '4 parseChunk ×', '5 retryLater ×', '6 onRetry ×', '3 flushMetrics ×',
      '2 warmCache', '3 loadEntry ×', '2 subscribeAll', '3 socket.on data ×',
      '2 <img src=x onerror="window.__pwned=4"> ×',
    ]);
    const leaf = rowOf(rows, 'leaf');
    // The latest cumulative counts replaced the early ones (500 then 98,000).
    assert.match(leaf.text, /leaf×98,000/);
    assert.match(leaf.text, /✓97,000✗10⊘5◌985/);
    assert.match(leaf.text, /work\.js:12/, 'the call site, relative to the run\'s cwd');
    assert.match(leaf.label, /^leaf, 98,000 counted async function tasks: 97,000 resolved, 10 rejected, 5 cancelled, 985 pending, at work\.js:12$/);
    assert.equal(leaf.expanded, 'true', 'a tally with child tallies is expandable');
    assert.deepEqual([leaf.pos, leaf.of], ['3', '4'], 'third of handleRequests\' four shown children');
    assert.equal(rowOf(rows, 'flushMetrics').expanded, null, 'no child tallies: nothing to expand');
    assert.match(rowOf(rows, 'flushMetrics').text, /×3,000✓3,000metrics\.js:9/, 'settled counts only show what is non-zero');
    assert.match(await page.textContent('.statusbar') ?? '', /107521 counted at hot call sites/);
    assert.deepEqual(problemsOf(page), []);
  });

  it('fold to the number of counted tasks below, and are driven by the keyboard', async () => {
    await tallyRow('leaf').locator('.twistie').click();
    await settle(page);
    let rows = await treeRows(page);
    assert.equal(rowOf(rows, 'leaf').expanded, 'false');
    assert.match(rowOf(rows, 'leaf').label, /1,520 counted below hidden/); // 1,000 + 400 + 120
    assert.ok(!rows.some((r) => r.name === 'parseChunk'));
    // A folded task counts the tasks tallied below it too: 2 recorded + 98,000 + 1,520 + 3,000 counted.
    await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: /^handleRequests$/ }) }).locator('.twistie').click();
    await settle(page);
    assert.match(rowOf(await treeRows(page), 'handleRequests', false).label, /102522 hidden/);
    await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: /^handleRequests$/ }) }).locator('.twistie').click();
    await settle(page);

    await tallyRow('leaf').click();
    await settle(page);
    await page.focus('[role=tree]');
    assert.equal(await page.getAttribute('[role=tree]', 'aria-activedescendant'), 'tally-1');
    await page.keyboard.press('ArrowRight'); // unfolds
    await page.keyboard.press('ArrowRight'); // to the first child tally
    await settle(page);
    rows = await treeRows(page);
    assert.deepEqual(rows.filter((r) => r.selected).map((r) => r.name), ['parseChunk']);
    assert.equal(await page.getAttribute('[role=tree]', 'aria-activedescendant'), 'tally-2');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['onRetry']);
    await page.keyboard.press('ArrowDown'); // to the next tally of handleRequests
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['flushMetrics']);
    await page.keyboard.press('ArrowLeft'); // to its parent task
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['handleRequests']);
    assert.equal(await page.getAttribute('[role=tree]', 'aria-activedescendant'), 'task-1');
    await page.keyboard.press('ArrowDown'); // the first recorded leaf task
    await page.keyboard.press('ArrowDown'); // the second
    await page.keyboard.press('ArrowDown'); // the leaf tally
    await page.keyboard.press('Enter'); // standalone: its call site is shown as text
    await settle(page);
    assert.match(await page.textContent('.location-out') ?? '', /work\.js:12:5/);
  });

  it('hide settled keeps tallies with pending tasks (and the way to them), and settled tasks they are under', async () => {
    await check('Hide settled', true);
    assert.deepEqual((await treeRows(page)).map((r) => r.name), [
      'hot.js', 'handleRequests', 'leaf', 'parseChunk', 'retryLater', 'onRetry', 'subscribeAll', 'socket.on data',
    ]);
    await check('Hide settled', false);
  });

  it('hide node_modules & internals hides a tally by its site and lifts its child tallies', async () => {
    await check('Hide node_modules & internals', true);
    const rows = await treeRows(page);
    assert.ok(!rows.some((r) => r.name === 'retryLater'), 'the node_modules tally is hidden');
    assert.equal(rowOf(rows, 'onRetry').level, 5, 'onRetry now sits directly under parseChunk');
    assert.equal(rowOf(rows, 'parseChunk').level, 4);
    await check('Hide node_modules & internals', false);
    assert.equal(rowOf(await treeRows(page), 'onRetry').level, 6);
  });

  it('search matches tally names and unfolds the way to them', async () => {
    await page.fill('input[type=search]', 'retry');
    await page.waitForFunction(() => document.querySelectorAll('[role=treeitem]:not([style*="display: none"])').length < 8);
    await settle(page);
    const rows = await treeRows(page);
    assert.deepEqual(rows.map((r) => r.name), ['hot.js', 'handleRequests', 'leaf', 'parseChunk', 'retryLater', 'onRetry']);
    assert.equal(await page.locator('[role=treeitem].tally.match').count(), 2, 'both matching tallies are marked');
    await page.fill('input[type=search]', '');
    await page.waitForFunction(() => document.querySelectorAll('[role=treeitem]:not([style*="display: none"])').length > 8);
    await settle(page);
  });
});

describe('selected tally', () => {
  it('shows what was counted, where, how the tasks ended, how long they ran, when, and why it is counted', async () => {
    await tallyRow('leaf').click();
    await settle(page);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => `${r.name} ${/×/.test(r.text)}`), ['leaf true']);
    const d = await details(page);
    assert.equal(d.Name, 'leaf');
    assert.match(d.Kind, /async function \(counted\)/);
    assert.equal(d.Spawned, 'handleRequests work.js:12:5');
    assert.equal(d.Count, '98,000 tasks');
    assert.equal(d.States, '97,000 resolved, 10 rejected, 5 cancelled, 985 pending');
    assert.equal(d.Runs, '98,000 runs, 813 ms on the event loop in all');
    assert.equal(d.Seen, 'first 10.0 ms, last 150 ms (140 ms)');
    assert.equal(d.Under, 'handleRequests');
    assert.equal(await page.textContent('.tally-note'), 'Counted, not recorded one by one: this call site passed its budget of exact tasks; run with --exact all to record every task.');
    // The details link to the tally above and to the task above.
    await tallyRow('parseChunk').click();
    await settle(page);
    assert.match((await details(page)).Under, /^leaf ×98,000/);
    await page.locator('.details .task-links .link', { hasText: 'leaf' }).click();
    await settle(page);
    assert.equal((await details(page)).Count, '98,000 tasks');
    await page.locator('.details .task-links .link', { hasText: 'handleRequests' }).click();
    await settle(page);
    assert.equal((await details(page)).Name, 'handleRequests');
    assert.equal(await page.locator('.tally-note').count(), 0);
  });

  it('has a lane on the timeline: a faint band from its first counted task to its latest counts', async () => {
    const g = await laneGeometry(page);
    const rows = await treeRows(page);
    const i = rows.findIndex((r) => r.name === 'onRetry'); // counted from 16 ms to 45 ms of a 151 ms run
    assert.ok(!rows[i].selected);
    const y = g.lanesTop + i * g.rowHeight + g.rowHeight / 2;
    // Pixels of the lane's middle line that differ from its left edge (the lane's own background).
    const band = await page.evaluate((y) => {
      const canvas = document.querySelector('canvas.timeline-canvas') as HTMLCanvasElement;
      const dpr = canvas.width / canvas.clientWidth;
      const px = canvas.getContext('2d')!.getImageData(0, Math.round(y * dpr), canvas.width, 1).data;
      const runs: [number, number][] = [];
      let start = -1;
      for (let x = 0; x <= canvas.width; x++) {
        const differs = x < canvas.width && [0, 1, 2].some((c) => Math.abs(px[x * 4 + c] - px[2 * 4 + c]) > 6);
        if (differs && start < 0) start = x;
        if (!differs && start >= 0) { runs.push([start / dpr, x / dpr]); start = -1; }
      }
      return { runs, width: canvas.clientWidth };
    }, y);
    const at = (ms: number) => 12 + (ms / 151) * (band.width - 24); // the view's 12 px padding at both ends
    assert.equal(band.runs.length, 1, `one band: ${JSON.stringify(band.runs)}`);
    assert.ok(Math.abs(band.runs[0][0] - at(16)) < 3 && Math.abs(band.runs[0][1] - at(45)) < 3, `band ${JSON.stringify(band.runs[0])} spans ${at(16)}..${at(45)}`);
  });

  it('has a lane on the timeline: highlighted when selected, a click on it selects it', async () => {
    const g = await laneGeometry(page);
    const rows = await treeRows(page);
    const i = rows.findIndex((r) => r.name === 'flushMetrics');
    await clickLane(page, i);
    assert.deepEqual((await treeRows(page)).filter((r) => r.selected).map((r) => r.name), ['flushMetrics']);
    assert.equal((await details(page)).Count, '3,000 tasks');
    const lane = await colourRuns(page, g.lanesTop + i * g.rowHeight + 2, '--ls-selection');
    assert.ok(lane.some(([a, b]) => b - a > 200), `the flushMetrics lane is highlighted: ${JSON.stringify(lane)}`);
    assert.match(await page.textContent('.cursor-readout') ?? '', /flushMetrics ×3000 \(counted\)/);
    assert.deepEqual(problemsOf(page), []);
  });
});

describe('live tallies', () => {
  it('update their counts in place as cumulative tally events arrive', async () => {
    const p = await pages.open([]);
    const post = async (m: unknown) => { await p.evaluate((x) => window.postMessage(x, '*'), m); await p.waitForTimeout(30); await settle(p); };
    const all = fixtureEvents();
    const firstLeaf = all.findIndex((e) => e.type === 'tally' && e.id === 1);
    await post({ type: 'snapshot', runId: 'live-1', title: 'hot.js', live: true, events: all.slice(0, firstLeaf + 1) });
    let leaf = (await treeRows(p)).find((r) => r.name === 'leaf' && /×/.test(r.text));
    assert.match(leaf?.text ?? '', /×500✓400◌100/);
    const latest = all.filter((e): e is TallyEvent => e.type === 'tally' && e.id === 1).at(-1)!;
    for (const count of [5000, 20000]) {
      await post({ type: 'events', runId: 'live-1', events: [{ ...latest, ts: 100 + count / 1000, count, resolved: count - 50, rejected: 0, cancelled: 0 }] });
      leaf = (await treeRows(p)).find((r) => r.name === 'leaf' && /×/.test(r.text));
      assert.match(leaf?.text ?? '', new RegExp(`×${count.toLocaleString('en-US')}✓${(count - 50).toLocaleString('en-US')}◌50`));
    }
    // Its last pending task settles: "hide settled" now hides it.
    await p.getByLabel('Hide settled').check();
    await settle(p);
    assert.ok((await treeRows(p)).some((r) => r.name === 'leaf'));
    await post({ type: 'events', runId: 'live-1', events: [{ ...latest, ts: 130, count: 20000, resolved: 20000, rejected: 0, cancelled: 0 }] });
    assert.ok(!(await treeRows(p)).some((r) => r.name === 'leaf' && /×/.test(r.text)), 'a tally with nothing pending is hidden');
    // A new tally is a new row.
    await p.getByLabel('Hide settled').uncheck();
    await post({ type: 'events', runId: 'live-1', events: [{ ...latest, ts: 140, id: 42, name: 'lateComer', count: 7, resolved: 0, rejected: 0, cancelled: 0 }] });
    assert.match((await treeRows(p)).find((r) => r.name === 'lateComer')?.text ?? '', /×7◌7/);
    assert.deepEqual(problemsOf(p), []);
  });
});

describe('a block in a counted task', () => {
  // What the agent sends for a block that ran in one of flushMetrics' counted callbacks (tally 5): the block
  // names its recorded ancestor (handleRequests, task 1) and the tally. Sent before the tally, as a live run does.
  const blockEv: TraceEvent = {
    type: 'block', ts: 60, id: 1, final: true, durationMs: 120, cause: 'callback', taskId: 1, tallyId: 5,
    location: { file: '/home/dev/app/metrics.js', line: 14, column: 5, function: 'serialize' },
    stack: [{ file: '/home/dev/app/metrics.js', line: 14, column: 5, function: 'serialize' }],
  };

  it('is on the tally\'s row, in the blocking list by the tally\'s name, and selecting it selects the tally', async () => {
    const all = fixtureEvents();
    const at = all.findIndex((e) => e.type === 'tally' && e.id === 5);
    const p = await pages.open([...all.slice(0, at), blockEv, ...all.slice(at)], { title: 'hot.js' });
    const rows = await treeRows(p);
    const flush = rows.find((r) => r.name === 'flushMetrics');
    assert.match(flush?.text ?? '', /⚠ 1 block/, 'the tally\'s row carries the block');
    assert.doesNotMatch(rows.find((r) => r.name === 'handleRequests')?.text ?? '', /block/, 'not its recorded ancestor');
    const blocks = await blockRows(p);
    assert.equal(blocks.length, 1);
    assert.match(blocks[0].text, /120 ms.*serialize.*metrics\.js:14.*flushMetrics callback, counted/);

    await p.locator('.blocks [role=option]', { hasText: 'serialize' }).click();
    await settle(p);
    assert.deepEqual((await treeRows(p)).filter((r) => r.selected).map((r) => `${r.name} ${/×/.test(r.text)}`), ['flushMetrics true']);
    assert.ok((await blockRows(p))[0].selected, 'the block stays selected');
    assert.equal((await details(p)).Count, '3,000 tasks');
    assert.match(await p.textContent('.block-detail') ?? '', /Blocked the event loop for 120 ms[\s\S]*serialize[\s\S]*metrics\.js:14/);
    // The block is drawn on the tally's lane too, over its time (60 → 180 ms of a 180 ms span): the red columns
    // of the lane's rows taken together (its label and its selection outline each cover part of any one row).
    const g = await laneGeometry(p);
    const i = (await treeRows(p)).findIndex((r) => r.name === 'flushMetrics');
    const cols = new Set<number>();
    for (let dy = 3; dy < g.rowHeight - 3; dy++) {
      for (const [a, b] of await colourRuns(p, g.lanesTop + i * g.rowHeight + dy, '--ls-block')) for (let c = Math.round(a); c < b; c++) cols.add(c);
    }
    const sorted = [...cols].sort((a, b) => a - b);
    const red: [number, number][] = [];
    for (const c of sorted) { const last = red.at(-1); if (last && c <= last[1] + 1) last[1] = c + 1; else red.push([c, c + 1]); }
    const width = await p.evaluate(() => (document.querySelector('canvas.timeline-canvas') as HTMLCanvasElement).clientWidth);
    const x = (ms: number) => 12 + (ms / 180) * (width - 24);
    assert.ok(red.length > 0 && Math.abs(red[0][0] - x(60)) < 4 && Math.abs(red.at(-1)![1] - x(180)) < 4, `red from ${x(60)} to ${x(180)}: ${JSON.stringify(red)}`);
    assert.ok(red.reduce((n, [a, b]) => n + b - a, 0) > 0.8 * (x(180) - x(60)), `mostly red: ${JSON.stringify(red)}`);
    assert.deepEqual(problemsOf(p), []);
  });
});

describe('hostile tally', () => {
  it('shows HTML in a tally\'s name, path and function as inert text', async () => {
    const rows = await treeRows(page);
    assert.ok(rows.some((r) => r.name === '<img src=x onerror="window.__pwned=4">'), 'the name is shown literally');
    await tallyRow('<img').click();
    await settle(page);
    const d = await details(page);
    assert.equal(d.Name, '<img src=x onerror="window.__pwned=4">');
    assert.match(d.Spawned, /<svg onload="window.__pwned=5"> <b>evil<\/b>\.js:1:1/);
    await page.locator('.details .link').first().click();
    assert.match(await page.textContent('.location-out') ?? '', /<b>evil<\/b>\.js/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'nothing ran');
    assert.equal(await page.locator('img, iframe, object, embed').count(), 0);
    assert.equal(await page.locator('#loopscope svg').count(), 1, 'the only SVG is the time axis');
    assert.deepEqual(problemsOf(page), []);
  });
});
