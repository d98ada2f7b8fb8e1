#!/usr/bin/env node
// Webview benchmark, in headless Debian Chromium: a synthetic run of 100k tasks / 1M events.
//   first render  — snapshot posted as JSON text (the VS Code path) → tasks on screen, and → every event applied and drawn;
//                   the CLI HTML report with the same trace inline → fully drawn after navigation  (target ≤ 1.5 s)
//   pan & zoom    — real mouse drags and Ctrl+wheel on the timeline: work per frame and frame intervals
//                   (target median ≤ 16 ms, p95 ≤ 33 ms)
//   live          — 50k events/s posted as 20 JSON batches a second (the host's rate): frame intervals p95 ≤ 33 ms,
//                   and whether ingestion keeps up
//   JS heap after a full load (after a forced GC).
// Medians over --runs runs (default 5). Needs `npm run build` first.
// Usage: node --import tsx bench/webview-bench.mjs [--runs 5] [--tasks 100000] [--live-seconds 6]
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { median } from './lib/stats.mjs';
import { loadWebviewAssets, renderHtmlReport } from '../src/cli/html-report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opt } = parseArgs({ options: {
  runs: { type: 'string', default: '5' }, tasks: { type: 'string', default: '100000' }, 'live-seconds': { type: 'string', default: '6' },
} });
const RUNS = Number(opt.runs);
const TASKS = Number(opt.tasks);
const LIVE_S = Number(opt['live-seconds']);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// The generator runs inside the page (and in Node for the HTML report). Plain source text, so no transpiler
// helper ends up in it. Shape: requests under the main module, each awaiting a Promise.all of 98 tasks; every
// task spawns, runs 7 times, is awaited and settles: 10 events per task; 50 blocks spread over the run.
const GEN_SRC = `(function genTrace(nTasks) {
  const perReq = 100, reqs = Math.max(1, Math.floor(nTasks / perReq));
  const ev = [{ type: 'process', ts: 0, pid: 1, argv: ['node', '/app/server.js'], cwd: '/app', nodeVersion: 'v20', platform: 'linux', mode: 'tree', thresholdMs: 50, timeOrigin: 0 }];
  let id = 1;
  const site = (line) => ({ file: '/app/handlers.js', line, column: 3, function: 'handle' });
  for (let r = 0; r < reqs; r++) {
    const base = r * 10;
    const req = id++, grp = id++;
    ev.push({ type: 'spawn', ts: base, id: req, parentId: 0, kind: 'async-function', name: 'handleRequest', site: site(10) });
    ev.push({ type: 'run', ts: base, id: req, dur: 0.05 });
    const members = [];
    for (let k = 0; k < perReq - 2; k++) {
      const t = id++; members.push(t);
      ev.push({ type: 'spawn', ts: base + 0.001 * k, id: t, parentId: req, kind: k % 3 ? 'async-function' : 'then', name: 'loadItem' + (k % 17), site: site(20 + (k % 17)) });
      for (let j = 0; j < 7; j++) ev.push({ type: 'run', ts: base + 1 + j * 4 + k * 0.03, id: t, dur: 0.02 });
      ev.push({ type: 'await', ts: base + 1.5, id: req, on: t });
      ev.push({ type: 'settle', ts: base + 30 + k * 0.03, id: t, state: k % 50 === 7 ? 'rejected' : 'resolved' });
    }
    ev.push({ type: 'spawn', ts: base + 0.5, id: grp, parentId: req, kind: 'promise-all', name: 'Promise.all', site: site(12) });
    ev.push({ type: 'group', ts: base + 0.5, id: grp, members });
    ev.push({ type: 'settle', ts: base + 33, id: grp, state: 'resolved' });
    ev.push({ type: 'settle', ts: base + 34, id: req, state: 'resolved' });
    if (r % Math.max(1, Math.floor(reqs / 50)) === 3) {
      ev.push({ type: 'block', ts: base + 2, id: r, final: true, durationMs: 60 + (r % 140), cause: 'callback', taskId: req + 2,
        location: { file: '/app/handlers.js', line: 42, column: 7, function: 'parseBody' }, stack: [{ file: '/app/handlers.js', line: 42, column: 7, function: 'parseBody' }] });
    }
  }
  ev.sort((a, b) => a.ts - b.ts);
  return ev;
})`;
const genTrace = (0, eval)(GEN_SRC);

const q = (values, p) => { const v = [...values].sort((a, b) => a - b); return v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : NaN; };
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');

const dir = mkdtempSync(path.join(tmpdir(), 'loopscope-webview-bench-'));
const assets = loadWebviewAssets(path.join(root, 'dist/webview'));
const emptyReport = path.join(dir, 'empty.html');
writeFileSync(emptyReport, renderHtmlReport([], assets, { title: 'bench' }));
const events = genTrace(TASKS);
const bigReport = path.join(dir, 'big.html');
writeFileSync(bigReport, renderHtmlReport(events, assets, { title: 'bench' }));
const tasks = events.filter((e) => e.type === 'spawn').length + 1;
console.log(`synthetic trace: ${tasks} tasks, ${events.length} events; HTML report ${(statSync(bigReport).size / 1e6).toFixed(0)} MB`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...ARGS, '--js-flags=--expose-gc'] });

async function newPage(file) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto('file://' + file);
  return page;
}

// Installs a recorder: for every animation frame, the work done in it (time from the frame's start to the end
// of the app's callbacks, measured by a callback queued after them) and the interval since the last frame.
const RECORDER = `(() => {
  const r = window.__frames = { work: [], gaps: [], on: true };
  let last = 0;
  const tick = (ts) => {
    if (!r.on) return;
    if (last) r.gaps.push(ts - last);
    last = ts;
    setTimeout(() => {}, 0);
    requestAnimationFrame(tick);
    // A second rAF callback in the same frame runs after the app's; queueMicrotask lands after all of them.
    requestAnimationFrame(() => {});
    Promise.resolve().then(() => {});
  };
  requestAnimationFrame(tick);
  // Work per frame: wrap the app's scheduler frame; per-view costs from the scheduler's own stats.
  const sched = window.loopscope.sched;
  sched.stats = r.views = new Map();
  const orig = sched.frame.bind(sched);
  sched.frame = (t) => { const a = performance.now(); orig(t); r.work.push(performance.now() - a); };
})()`;

async function loadBySnapshot() {
  const page = await newPage(emptyReport);
  // The host sends a big snapshot as JSON text (eventsJson): serialising it is the host's work, not timed here.
  await page.evaluate(`window.__trace = ${GEN_SRC}(${TASKS}); window.__json = JSON.stringify(window.__trace); window.__trace = undefined; 1`);
  const t = await page.evaluate(`new Promise((resolve) => {
    const app = window.loopscope;
    const t0 = performance.now();
    let first = NaN;
    window.postMessage({ type: 'snapshot', runId: 'bench', title: 'bench', live: false, events: [], eventsJson: window.__json }, '*');
    const check = () => {
      if (Number.isNaN(first) && app.tree.rows.length > 1) first = performance.now() - t0;
      if (app.store.queued === 0 && app.store.model.info.events === ${events.length}) {
        requestAnimationFrame(() => resolve({ first, full: performance.now() - t0 }));
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })`);
  return { page, ...t };
}

async function loadReport() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto('file://' + bigReport, { waitUntil: 'commit' });
  // Times are from navigation start (performance.now() counts from it).
  const t = await page.evaluate(`new Promise((resolve) => {
    let first = NaN;
    const check = () => {
      const app = window.loopscope;
      const ready = app && app.store;
      if (ready && Number.isNaN(first) && app.tree.rows.length > 1) first = performance.now();
      // Every event applied (a report streams its chunks in while the page is parsed: an empty queue is not the end).
      if (ready && app.store.queued === 0 && app.store.model.info.events === ${events.length}) requestAnimationFrame(() => resolve({ first, full: performance.now() }));
      else requestAnimationFrame(check);
    };
    check();
  })`);
  await page.close();
  return t;
}

const firstRender = [], fullLoad = [], reportFirst = [], reportLoad = [];
let loaded;
for (let i = 0; i < RUNS; i++) {
  // Alternate the two load paths so background noise hits both alike.
  const s = await loadBySnapshot();
  firstRender.push(s.first); fullLoad.push(s.full);
  if (i < RUNS - 1) await s.page.close(); else loaded = s.page;
  const r = await loadReport();
  reportFirst.push(r.first); reportLoad.push(r.full);
}

// Heap after the full load.
const cdp = await loaded.context().newCDPSession(loaded);
await loaded.evaluate('window.__json = undefined; 1');
await cdp.send('HeapProfiler.collectGarbage');
const heap = await cdp.send('Runtime.getHeapUsage');

// Pan and zoom with real input. Unfold a few groups first so many lanes have bars.
await loaded.evaluate(`(() => { const a = window.loopscope; for (let i = 0; i < 10; i++) a.ui.folds.set(2 + i * 100, true); a.selectTask(3, 'bench'); })()`);
await loaded.waitForTimeout(300);
await loaded.evaluate(RECORDER);
const box = await loaded.locator('canvas.timeline-canvas').boundingBox();
const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
await loaded.mouse.move(cx, cy);
await loaded.keyboard.down('Control');
for (let i = 0; i < 40; i++) await loaded.mouse.wheel(0, -120);
await loaded.keyboard.up('Control');
for (let round = 0; round < 3; round++) {
  await loaded.mouse.move(cx, cy);
  await loaded.mouse.down();
  for (let i = 0; i < 40; i++) await loaded.mouse.move(cx - (round % 2 ? -1 : 1) * i * 8, cy);
  await loaded.mouse.up();
}
await loaded.keyboard.down('Control');
for (let i = 0; i < 40; i++) await loaded.mouse.wheel(0, 120);
await loaded.keyboard.up('Control');
const pz = await loaded.evaluate('(() => { const r = window.__frames; r.on = false; return { work: r.work, gaps: r.gaps, views: [...r.views] }; })()');
await loaded.close();

// Live: 50k events/s as 20 batches a second, generated ahead in the page and posted by a timer in the page.
const live = await newPage(emptyReport);
const liveStats = await live.evaluate(`(async () => {
  const all = ${GEN_SRC}(${TASKS});
  const perBatch = 2500, seconds = ${LIVE_S};
  // The host serialises batches in its own process; here they are serialised ahead so the page's main
  // thread only does what the view does (receive, parse, validate, apply, draw).
  const batches = [];
  for (let at = 1000; at < all.length && batches.length < seconds * 20 + 20; at += perBatch) batches.push(JSON.stringify(all.slice(at, at + perBatch)));
  window.postMessage({ type: 'snapshot', runId: 'live', title: 'live', live: true, events: all.slice(0, 1000) }, '*');
  await new Promise((r) => setTimeout(r, 300));
  ${RECORDER};
  const app = window.loopscope;
  let b = 0, sent = 0, maxQueued = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      if (b >= batches.length) { clearInterval(timer); resolve(); return; }
      sent += perBatch;
      window.postMessage({ type: 'events', runId: 'live', events: [], eventsJson: batches[b++] }, '*');
      maxQueued = Math.max(maxQueued, app.store.queued);
      if (performance.now() - t0 >= seconds * 1000) { clearInterval(timer); resolve(); }
    }, 50);
  });
  const sentAt = performance.now();
  while (app.store.queued > 0) await new Promise((r) => requestAnimationFrame(r));
  const drainMs = performance.now() - sentAt;
  const elapsed = (performance.now() - t0) / 1000;
  const r = window.__frames; r.on = false;
  return { work: r.work, gaps: r.gaps, views: [...r.views], sent, rate: sent / ((sentAt - t0) / 1000), drainMs, maxQueued, elapsed, tasks: app.store.model.tasks.size };
})()`);
await live.close();
await browser.close();
rmSync(dir, { recursive: true, force: true });

const rows = [
  ['first render, snapshot posted → tasks on screen (median)', ms(median(firstRender)), '≤ 1500 ms', median(firstRender) <= 1500],
  ['snapshot posted → all events applied and drawn', ms(median(fullLoad)), '', true],
  ['HTML report (events inline): navigation → tasks on screen', ms(median(reportFirst)), '≤ 1500 ms', median(reportFirst) <= 1500],
  ['HTML report: navigation → all events applied and drawn', ms(median(reportLoad)), '', true],
  ['pan & zoom: work per frame, median', ms(median(pz.work)), '≤ 16 ms', median(pz.work) <= 16],
  ['pan & zoom: work per frame, p95', ms(q(pz.work, 0.95)), '≤ 33 ms', q(pz.work, 0.95) <= 33],
  ['pan & zoom: frame interval, median', ms(median(pz.gaps)), '≤ 16.7 ms', median(pz.gaps) <= 17.5],
  ['pan & zoom: frame interval, p95', ms(q(pz.gaps, 0.95)), '≤ 33 ms', q(pz.gaps, 0.95) <= 33],
  [`live ${Math.round(liveStats.rate)} events/s: frame interval p95`, ms(q(liveStats.gaps, 0.95)), '≤ 33 ms', q(liveStats.gaps, 0.95) <= 33],
  ['live: work per frame p95', ms(q(liveStats.work, 0.95)), '≤ 33 ms', q(liveStats.work, 0.95) <= 33],
  ['live: backlog drained after the last batch in', ms(liveStats.drainMs), 'keeps up', liveStats.drainMs < 500],
  ['JS heap after full load (after GC)', `${(heap.usedSize / 1048576).toFixed(0)} MiB`, '', true],
];
console.log(`\nload average while measuring: ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} (2 cores)`);
console.log(`\nwebview benchmark: ${tasks} tasks / ${events.length} events, ${RUNS} runs, Chromium headless (--disable-gpu), 1400x900\n`);
const w = Math.max(...rows.map((r) => r[0].length));
for (const [name, value, target, ok] of rows) console.log(`${name.padEnd(w)}  ${String(value).padStart(10)}  ${target.padEnd(10)} ${target ? (ok ? 'ok' : 'MISSED') : ''}`);
console.log(`\nruns: first render ${firstRender.map((v) => v.toFixed(0)).join(', ')} ms; full ${fullLoad.map((v) => v.toFixed(0)).join(', ')} ms; report first ${reportFirst.map((v) => v.toFixed(0)).join(', ')} ms, full ${reportLoad.map((v) => v.toFixed(0)).join(', ')} ms`);
console.log(`pan/zoom frames: ${pz.work.length}; live frames: ${liveStats.work.length}, ${liveStats.sent} events sent over ${liveStats.elapsed.toFixed(1)} s, max queued ${liveStats.maxQueued}, ${liveStats.tasks} tasks at the end`);
const views = (list) => list.map(([n, v]) => `${n} ${median(v).toFixed(1)}/${q(v, 0.95).toFixed(1)}`).join(', ');
console.log(`per-view ms per frame (median/p95): pan & zoom: ${views(pz.views)}`);
console.log(`                                    live: ${views(liveStats.views)}`);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/webview.json'), JSON.stringify({ date: new Date().toISOString(), tasks, events: events.length, firstRender, fullLoad, reportFirst, reportLoad,
  panZoom: { workMedian: median(pz.work), workP95: q(pz.work, 0.95), gapMedian: median(pz.gaps), gapP95: q(pz.gaps, 0.95) },
  live: { rate: liveStats.rate, gapP95: q(liveStats.gaps, 0.95), workP95: q(liveStats.work, 0.95), drainMs: liveStats.drainMs }, heapBytes: heap.usedSize }, null, 2));
