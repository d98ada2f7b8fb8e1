// --summary, --trace, `report` and `export --chrome` through the real CLI.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Summary } from '../../src/protocol/index.ts';
import { cli, fixture } from './cli-helpers.ts';
import { blockRows, launchChromium, problemsOf, ReportPages } from './webview-harness.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'loopscope-cli-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('--summary: tasks with parent chains, blocks with absolute paths and the exact line', async () => {
  const out = path.join(tmp, 'summary.json');
  const r = await cli(['run', '--summary', out, fixture('blocking.js')]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(readFileSync(out, 'utf8')) as Summary;
  assert.equal(s.schema, 'loopscope.summary/1');
  assert.equal(s.exitCode, 0);
  assert.equal(s.thresholdMs, 50);
  // Every parent id resolves, and the chain from the timer callback reaches the root.
  const byId = new Map(s.tasks.map((t) => [t.id, t]));
  for (const t of s.tasks) if (t.parentId !== null) assert.ok(byId.has(t.parentId), `parent ${t.parentId} of ${t.id} is listed`);
  const loads = s.tasks.filter((t) => t.name === 'load');
  assert.equal(loads.length, 2, JSON.stringify(s.tasks));
  const all = s.tasks.find((t) => t.kind === 'promise-all');
  assert.ok(all, 'the Promise.all group is a task');
  for (const l of loads) assert.equal(byId.get(l.parentId!)?.kind, 'promise-all', 'load() runs are members of the Promise.all');
  const main = byId.get(all.parentId!);
  assert.equal(main?.name, 'main');
  assert.equal(s.blocks.length, 1);
  const b = s.blocks[0];
  assert.ok(b.durationMs >= 150, String(b.durationMs));
  assert.equal(b.location?.file, fixture('blocking.js'));
  assert.equal(b.location?.line, 6);
  assert.equal(b.location?.function, 'spin');
});

test('--trace is readable by `report`, which prints the tree and the blocks', async () => {
  const trace = path.join(tmp, 'run.ndjson');
  const r = await cli(['run', '--quiet', '--trace', trace, fixture('blocking.js')]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '', '--quiet: nothing from Loopscope');
  const lines = readFileSync(trace, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
  assert.equal(lines[0].type, 'header');
  assert.equal(lines[1].type, 'process');
  assert.equal(lines[lines.length - 1].type, 'exit');
  const rep = await cli(['report', trace]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.equal(rep.stderr, '');
  assert.match(rep.stdout, /^main module {2}test\/fixtures\/cli\/blocking\.js/m);
  assert.match(rep.stdout, /1 block of the event loop over 50 ms/);
  assert.match(rep.stdout, /the program exited with code 0/);
});

test('`report` on a trace cut mid-line names the line, and still reports what was readable', async () => {
  const trace = path.join(tmp, 'whole.ndjson');
  await cli(['run', '--quiet', '--trace', trace, fixture('blocking.js')]);
  const text = readFileSync(trace, 'utf8');
  const lines = text.split('\n');
  const cutAt = lines.findIndex((l) => l.includes('"type":"block"'));
  assert.ok(cutAt > 1);
  const cut = path.join(tmp, 'cut.ndjson');
  writeFileSync(cut, lines.slice(0, cutAt).join('\n') + '\n' + lines[cutAt].slice(0, 25));
  const rep = await cli(['report', cut]);
  assert.equal(rep.code, 0);
  assert.match(rep.stderr, new RegExp(`line ${cutAt + 1} is cut off .*using the ${cutAt - 1} events before it`));
  assert.match(rep.stderr, /no exit event/);
  assert.match(rep.stdout, /^main module/m, 'the tree of what was readable');
  assert.match(rep.stdout, /No blocks of the event loop/);
});

test('`report` on a damaged line names the line and field, and skips only that line', async () => {
  const trace = path.join(tmp, 'damaged.ndjson');
  await cli(['run', '--quiet', '--trace', trace, fixture('blocking.js')]);
  const lines = readFileSync(trace, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('"type":"block"'));
  lines[i] = lines[i].replace(/"durationMs":[\d.]+/, '"durationMs":"slow"');
  const bad = path.join(tmp, 'bad.ndjson');
  writeFileSync(bad, lines.join('\n'));
  const rep = await cli(['report', bad]);
  assert.equal(rep.code, 0);
  assert.match(rep.stderr, new RegExp(`line ${i + 1} \\(block\\): field "durationMs": expected a finite number \\(line skipped\\)`));
  assert.match(rep.stdout, /the program exited with code 0/);
});

test('`report` on a file that is not a trace: a clear error, exit code 2', async () => {
  const notTrace = path.join(tmp, 'not-a-trace.json');
  writeFileSync(notTrace, '{"hello": "world"}\n');
  const rep = await cli(['report', notTrace]);
  assert.equal(rep.code, 2);
  assert.match(rep.stderr, /not-a-trace\.json is not a Loopscope trace: line 1: field "type"/);
  const missing = await cli(['report', path.join(tmp, 'missing.ndjson')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot find the trace .*missing\.ndjson/);
});

test('export --chrome writes Chrome Trace Event JSON with the run\'s slices and the block', async () => {
  const trace = path.join(tmp, 'for-chrome.ndjson');
  await cli(['run', '--quiet', '--trace', trace, fixture('blocking.js')]);
  const out = path.join(tmp, 'chrome.json');
  const r = await cli(['export', '--chrome', out, trace]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote \d+ trace events to/);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: Array<Record<string, unknown>> };
  assert.ok(Array.isArray(doc.traceEvents));
  for (const e of doc.traceEvents) {
    assert.equal(typeof e.name, 'string');
    assert.match(String(e.ph), /^[XBEbenMiI]$/);
    assert.ok(Number.isFinite(e.ts) && Number.isInteger(e.pid) && Number.isInteger(e.tid), JSON.stringify(e));
  }
  const blocks = doc.traceEvents.filter((e) => e.ph === 'X' && Number(e.dur) >= 150_000);
  assert.ok(blocks.length >= 1, 'the 200 ms block is a complete event of ≥ 150 000 µs');
});

test('`report --html` writes a page that shows the run in Chromium', async () => {
  const trace = path.join(tmp, 'for-html.ndjson');
  await cli(['run', '--quiet', '--trace', trace, fixture('blocking.js')]);
  const html = path.join(tmp, 'report.html');
  const r = await cli(['report', trace, '--html', html]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /wrote .*report\.html/);
  const browser = await launchChromium();
  const pages = new ReportPages(browser);
  try {
    const page = await pages.openFile(html);
    assert.deepEqual(problemsOf(page), []);
    const rows = await blockRows(page);
    assert.ok(rows.some((b) => /spin/.test(b.text) && /blocking\.js:6/.test(b.text)), JSON.stringify(rows));
  } finally {
    await browser.close();
    pages.close();
  }
});

test('`report --html` into a folder that does not exist: a clear error, exit code 2, the text report still printed', async () => {
  const trace = path.join(tmp, 'for-html-2.ndjson');
  await cli(['run', '--quiet', '--trace', trace, fixture('exit5.js')]);
  const r = await cli(['report', trace, '--html', path.join(tmp, 'no', 'such', 'dir', 'r.html')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /loopscope: --html .*r\.html: .*no such file or directory/i);
  assert.match(r.stdout, /the program exited with code 5/);
});

test('loopscope itself killed mid-run: the trace so far is a valid prefix that `report` reads', { skip: process.platform === 'win32' }, async () => {
  const trace = path.join(tmp, 'killed-mid-run.ndjson');
  let killed = false;
  const r = await cli(['run', '--trace', trace, fixture('wait-for-signal.js')], {
    onStdout: (text, child) => {
      if (killed || !text.includes('ready')) return;
      killed = true;
      // Once the process event is on disk, kill loopscope (not the program) without warning.
      const poll = setInterval(() => {
        if (readFileSync(trace, 'utf8').includes('"type":"process"')) { clearInterval(poll); child.kill('SIGKILL'); }
      }, 20);
    },
  });
  assert.equal(r.signal, 'SIGKILL');
  const lines = readFileSync(trace, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; pid?: number });
  assert.equal(lines[0].type, 'header');
  const proc = lines.find((l) => l.type === 'process');
  assert.ok(proc?.pid, 'the process event was written as it arrived');
  try { process.kill(proc.pid, 'SIGKILL'); } catch { /* already gone */ }
  const rep = await cli(['report', trace]);
  assert.equal(rep.code, 0);
  assert.match(rep.stderr, /no exit event: the trace ends before the program did/);
  assert.match(rep.stdout, /^main module {2}test\/fixtures\/cli\/wait-for-signal\.js/m);
});
