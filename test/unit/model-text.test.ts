import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TraceModel, renderTaskTree, renderBlockingSummary, formatBlockLine, formatBlockDiagnostic, displayPath, isUserCode, taskLabel, isListedTask, buildSummary,
} from '../../src/model/index.ts';
import type { TallyEvent } from '../../src/protocol/index.ts';
import { CWD, TraceBuilder, at, shopTrace } from './model-builder.ts';

test('the task tree: nesting, group node with member count, marks for rejected / cancelled / pending', () => {
  const m = new TraceModel(shopTrace().spawn(9, 0, 'interval', 'setInterval', at(50)).exit(0).events);
  const text = renderTaskTree(m, { cwd: CWD });
  assert.equal(text, [
    'main module  src/app.js  (exit code 0)',
    '├─ … loadDashboard  src/app.js:20',
    '│  ├─ ✗ Promise.all [2]  src/app.js:22',
    '│  │  ├─ fetchOrders  src/app.js:5',
    '│  │  └─ ✗ fetchUser  src/app.js:9',
    '│  └─ fetchPrices  src/app.js:14',
    '├─ ⊘ setTimeout callback (clearTimeout)  src/app.js:40',
    '├─ setTimeout callback  src/app.js:12',
    '└─ … setInterval callback  src/app.js:50',
    '(2 tasks were still pending at exit, marked …)',
    '',
  ].join('\n'));
});

test('siblings with the same name, kind and site fold into one line with their states; their children fold too', () => {
  const b = new TraceBuilder().spawn(1, 0, 'async-function', 'loadAll', at(1));
  for (let i = 0; i < 1000; i++) {
    const id = 10 + i * 2;
    b.spawn(id, 1, 'async-function', 'fetchItem', at(12)).spawn(id + 1, id, 'async-function', 'parseItem', at(30));
    b.settle(id + 1, 'resolved').settle(id, i % 500 === 7 ? 'rejected' : 'resolved');
  }
  const text = renderTaskTree(new TraceModel(b.events), { cwd: CWD });
  assert.match(text, /^│? *└─ fetchItem ×1000 {2}\(998 resolved, 2 rejected\) {2}src\/app\.js:12$/m);
  assert.match(text, /└─ parseItem ×1000 {2}\(1000 resolved\) {2}src\/app\.js:30$/m);
  assert.ok(text.split('\n').length < 10, text);
});

test('wide levels end in "… N more" and deep chains in "… N more below"', () => {
  const b = new TraceBuilder();
  for (let i = 1; i <= 30; i++) b.spawn(i, 0, 'async-function', `job${i}`, at(i));
  let parent = 1;
  for (let d = 0; d < 20; d++) { b.spawn(100 + d, parent, 'async-function', `level${d}`, at(100 + d)); parent = 100 + d; }
  const text = renderTaskTree(new TraceModel(b.events), { cwd: CWD, maxChildren: 5, maxDepth: 4 });
  assert.match(text, /└─ … 25 more$/m);
  assert.match(text, /level2 /);
  assert.doesNotMatch(text, /level3 /);
  assert.match(text, /… 17 more below$/m);
});

test('a huge tree is cut at maxLines with the total', () => {
  const b = new TraceBuilder();
  for (let i = 1; i <= 500; i++) b.spawn(i, 0, 'async-function', `job${i}`, at(i));
  for (let i = 1; i <= 500; i++) b.spawn(1000 + i, i, 'async-function', `child${i}`, at(i));
  const text = renderTaskTree(new TraceModel(b.events), { maxChildren: 1000, maxLines: 50 });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 51);
  assert.equal(lines[50], '… cut at 50 lines (1000 tasks in all)');
});

test('names from the program cannot inject terminal control sequences or forge lines', () => {
  const m = new TraceModel(new TraceBuilder().spawn(1, 0, 'async-function', 'evil\u001b[31mred\nFAKE LINE', at(1)).events);
  const text = renderTaskTree(m);
  assert.ok(!text.includes('\u001b'));
  assert.equal(text.trimEnd().split('\n').length, 2);
  assert.match(text, /evil\\x1b\[31mred\\x0aFAKE LINE/);
});

test('formatBlockLine speaks like asyncio debug mode', () => {
  const m = new TraceModel(shopTrace().events);
  assert.equal(formatBlockLine(m.blocks.get(1)!, m, { cwd: CWD }),
    'Executing <setTimeout callback at src/app.js:12> took 0.215 seconds, blocked at src/app.js:7:3 in crunch');
  // Unknown task → main module; a stall says what it is.
  const b = { ts: 1, id: 9, final: true, durationMs: 312.4, cause: 'stall' as const, stack: [at(33, 5, 'step')] };
  assert.equal(formatBlockLine(b, m, { cwd: CWD }),
    'Executing <main module> took 0.312 seconds (a chain of short turns that never yielded to I/O), blocked at src/app.js:33:5 in step');
  // While it is still going on.
  const live = { ...b, cause: 'callback' as const, final: false, taskId: 1, stack: [], location: at(21, 3) };
  assert.equal(formatBlockLine(live, m, { cwd: CWD }),
    'Executing <loadDashboard at src/app.js:20> has taken 0.312 seconds so far, blocked at src/app.js:21:3');
  assert.match(formatBlockLine({ ...b, stack: [] }, m), /blocked at an unknown line/);
});

test('the innermost user frame is chosen over node_modules and node internals', () => {
  const m = new TraceModel();
  const b = { ts: 1, id: 1, final: true, durationMs: 100, cause: 'callback' as const,
    stack: [at(1, 1, 'parse', 'node:internal/json'), at(9, 9, 'x', `${CWD}/node_modules/lib/a.js`), at(5, 2, 'readConfig')] };
  assert.match(formatBlockLine(b, m, { cwd: CWD }), /blocked at src\/app\.js:5:2 in readConfig$/);
});

test('a block in a task the user would not recognise is placed by its nearest listed ancestor', () => {
  const m = new TraceModel(shopTrace().events); // task 5: an anonymous library continuation under loadDashboard
  const b = { ts: 1, id: 7, final: true, durationMs: 90, cause: 'callback' as const, taskId: 5, stack: [at(15, 3, 'parse')] };
  assert.match(formatBlockLine(b, m, { cwd: CWD }), /^Executing <promise callback in loadDashboard at src\/app\.js:20> took 0\.090 seconds/);
  assert.equal(formatBlockDiagnostic(b, m), 'blocked the event loop for 90 ms in parse (promise callback in loadDashboard)');
});

test('a block on a loaded machine says how much of it was spent waiting for a CPU (from 10 ms), in every wording', () => {
  const m = new TraceModel(shopTrace().events);
  const b = { ts: 1, id: 9, final: true, durationMs: 304, queuedMs: 140.2, cause: 'callback' as const, taskId: 1, stack: [at(21, 3, 'spin')] };
  assert.equal(formatBlockLine(b, m, { cwd: CWD }),
    'Executing <loadDashboard at src/app.js:20> took 0.304 seconds (140 ms of it waiting for a CPU), blocked at src/app.js:21:3 in spin');
  assert.equal(formatBlockDiagnostic(b, m), 'blocked the event loop for 304 ms in spin (loadDashboard; 140 ms of it waiting for a CPU)');
  assert.equal(formatBlockLine({ ...b, cause: 'stall' }, m, { cwd: CWD }),
    'Executing <loadDashboard at src/app.js:20> took 0.304 seconds (a chain of short turns that never yielded to I/O; 140 ms of it waiting for a CPU), blocked at src/app.js:21:3 in spin');
  // A few ms of scheduling is noise on any machine: not worth a word.
  assert.equal(formatBlockDiagnostic({ ...b, queuedMs: 6 }, m), 'blocked the event loop for 304 ms in spin (loadDashboard)');
  const summary = buildSummary(new TraceModel(shopTrace().block({ id: 2, durationMs: 304, queuedMs: 140.2, taskId: 1, stack: [at(21, 3, 'spin')] }).events));
  assert.equal(summary.blocks.find((x) => x.durationMs === 304)?.queuedMs, 140.2);
});

test('formatBlockDiagnostic is the editor wording', () => {
  const m = new TraceModel(shopTrace().events);
  assert.equal(formatBlockDiagnostic(m.blocks.get(1)!, m), 'blocked the event loop for 215 ms in crunch (setTimeout callback)');
  const stall = { ts: 1, id: 2, final: false, durationMs: 80, cause: 'stall' as const, taskId: 1, stack: [at(2)] };
  assert.equal(formatBlockDiagnostic(stall, m),
    'blocked the event loop for 80 ms so far (loadDashboard; a chain of short turns that never yielded to I/O)');
});

test('the blocking summary lists blocks longest first with cause, function, line and task', () => {
  const b = shopTrace().block({ id: 2, durationMs: 900, taskId: 1, location: at(25, 7, 'render'), stack: [at(25, 7, 'render')] });
  const text = renderBlockingSummary(new TraceModel(b.events), { cwd: CWD });
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '2 blocks of the event loop over 50 ms, longest first:');
  assert.match(lines[1], /^\s+900 ms {2}callback {2}render {2}src\/app\.js:25:7 {2,}in loadDashboard at src\/app\.js:20$/);
  assert.match(lines[2], /^\s+215 ms {2}callback {2}crunch {2}src\/app\.js:7:3 {2,}in setTimeout callback at src\/app\.js:12$/);
  assert.equal(renderBlockingSummary(new TraceModel(new TraceBuilder().events)), 'No blocks of the event loop over 50 ms.\n');
});

test('paths: user code and display relative to cwd', () => {
  assert.equal(isUserCode('/a/src/x.js'), true);
  assert.equal(isUserCode('file:///a/src/x.mjs'), true);
  assert.equal(isUserCode('node:fs'), false);
  assert.equal(isUserCode('node:internal/timers'), false);
  assert.equal(isUserCode('internal/process/task_queues'), false);
  assert.equal(isUserCode('/a/node_modules/lodash/x.js'), false);
  assert.equal(isUserCode('C:\\a\\node_modules\\x.js'), false);
  assert.equal(isUserCode(''), false);
  assert.equal(displayPath('/home/dev/shop/src/x.js', '/home/dev/shop'), 'src/x.js');
  assert.equal(displayPath('/home/dev/shop/src/x.js', '/home/dev/shop/'), 'src/x.js');
  assert.equal(displayPath('/home/dev/shopping/x.js', '/home/dev/shop'), '/home/dev/shopping/x.js');
  assert.equal(displayPath('file:///home/dev/shop/a%20b.mjs', '/home/dev/shop'), 'a b.mjs');
  assert.equal(displayPath('C:\\Work\\app\\src\\x.js', 'c:\\work\\app'), 'src\\x.js');
  assert.equal(displayPath('node:fs', '/x'), 'node:fs');
  assert.equal(displayPath('/srv/app.js', '/'), '/srv/app.js');
  assert.equal(displayPath('C:\\app.js', 'C:\\'), 'C:\\app.js');
});

test('task labels name callbacks after the API they were handed to', () => {
  assert.equal(taskLabel({ kind: 'timeout', name: 'setTimeout' }), 'setTimeout callback');
  assert.equal(taskLabel({ kind: 'io', name: 'fs.readFile' }), 'fs.readFile callback');
  assert.equal(taskLabel({ kind: 'then', name: 'then' }), 'promise callback');
  assert.equal(taskLabel({ kind: 'async-function', name: '(anonymous)' }), 'async function');
  assert.equal(taskLabel({ kind: 'async-function', name: 'Cart.checkout' }), 'Cart.checkout');
  assert.equal(taskLabel({ kind: 'promise-allSettled', name: 'Promise.allSettled' }), 'Promise.allSettled');
  // A task spawned from untransformed code is named after its kind by the agent; a function may still be called main or timeout.
  assert.equal(taskLabel({ kind: 'timeout', name: 'timeout' }), 'setTimeout callback');
  assert.equal(taskLabel({ kind: 'async-function', name: 'main' }), 'main');
  assert.equal(taskLabel({ kind: 'async-function', name: 'timeout' }), 'timeout');
});

test('listed tasks: what a user would recognise', () => {
  const m = new TraceModel(new TraceBuilder()
    .spawn(1, 0, 'then', 'then')
    .spawn(2, 0, 'io', 'io')
    .spawn(3, 0, 'async-function', 'main', at(3))
    .spawn(4, 0, 'then', 'then', at(9, 1, 'x', `${CWD}/node_modules/lib/index.js`))
    .spawn(5, 0, 'then', 'p.then', at(5))
    .spawn(6, 0, 'promise-race', 'Promise.race').events);
  assert.deepEqual([...m.tasks.values()].filter(isListedTask).map((t) => t.id), [0, 3, 5, 6]);
});

test('the tree says how the program ended and what the agent dropped', () => {
  const first = (b: TraceBuilder) => renderTaskTree(new TraceModel(b.events), { cwd: CWD }).split('\n')[0];
  assert.equal(first(new TraceBuilder()), 'main module  src/app.js  (no exit recorded)');
  assert.equal(first(new TraceBuilder().exit(1, 'crash')), 'main module  src/app.js  (crashed, exit code 1)');
  assert.equal(first(new TraceBuilder().exit(null, 'killed', 'SIGTERM')), 'main module  src/app.js  (killed by SIGTERM)');
  assert.equal(first(new TraceBuilder().exit(null, 'lost')), 'main module  src/app.js  (lost contact with the program)');
  const text = renderTaskTree(new TraceModel(new TraceBuilder().drop(120, 'task cap').exit().events));
  assert.match(text, /\(the agent dropped 120 events to stay within its memory caps: 120 task cap\)\n$/);
});

test('the blocking summary keeps columns aligned with hostile names and cuts long lists', () => {
  const b = new TraceBuilder();
  for (let i = 1; i <= 25; i++) b.block({ id: i, durationMs: 50 + i, location: at(i, 1, i === 25 ? 'a\u001b[2Jb' : `f${i}`) });
  const lines = renderBlockingSummary(new TraceModel(b.events), { max: 20 }).trimEnd().split('\n');
  assert.equal(lines.length, 22);
  assert.ok(!lines.join('\n').includes('\u001b'));
  assert.match(lines[1], /^ {2}75 ms {2}callback {2}a\\x1b\[2Jb {2}/);
  const locColumn = lines[1].indexOf('/home/');
  for (const l of lines.slice(1, 21)) assert.equal(l.indexOf('/home/'), locColumn, l);
  assert.equal(lines[21], '  … 5 more');
});

/** A tally event as the agent sends it (cumulative counts; a later one with the same id replaces). */
function tally(b: TraceBuilder, ev: Partial<TallyEvent> & Pick<TallyEvent, 'id' | 'parentId' | 'name' | 'count'>): TraceBuilder {
  b.events.push({ type: 'tally', ts: ++b.ts, kind: 'async-function', resolved: ev.count, rejected: 0, cancelled: 0, runs: ev.count, runMs: 1, firstTs: b.ts, ...ev });
  return b;
}

test('tallies: a "×N counted" line after the site\'s exact tasks, child tallies nested, lifted from unlisted spawners, totals at the end', () => {
  const b = new TraceBuilder().spawn(1, 0, 'async-function', 'loadAll', at(1));
  for (let i = 0; i < 3; i++) b.spawn(10 + i, 1, 'async-function', 'leaf', at(12)).settle(10 + i, 'resolved');
  b.spawn(20, 1, 'then', '(anonymous)').spawn(21, 0, 'timeout', 'setTimeout', at(50)).settle(21, 'resolved');
  tally(b, { id: 1, parentId: 1, name: 'leaf', site: at(12), count: 50_000, resolved: 49_000 });
  tally(b, { id: 2, parentId: 20, name: 'hidden', site: at(30), count: 7 });
  tally(b, { id: 3, parentId: 1, parentTally: 1, kind: 'timeout', name: 'setTimeout', site: at(40), count: 90_000, resolved: 89_990 });
  tally(b, { id: 1, parentId: 1, name: 'leaf', site: at(12), count: 98_000, resolved: 97_990 });
  b.settle(20, 'resolved').settle(1, 'resolved').exit(0);
  const text = renderTaskTree(new TraceModel(b.events), { cwd: CWD });
  assert.equal(text, [
    'main module  src/app.js  (exit code 0)',
    '├─ loadAll  src/app.js:1',
    '│  ├─ leaf ×3  (3 resolved)  src/app.js:12',
    '│  ├─ leaf ×98,000 counted  (10 pending, 97,990 resolved)  src/app.js:12',
    '│  │  └─ setTimeout callback ×90,000 counted  (10 pending, 89,990 resolved)  src/app.js:40',
    '│  └─ hidden ×7 counted  (7 resolved)  src/app.js:30',
    '└─ setTimeout callback  src/app.js:50',
    '(20 counted tasks were still pending at exit)',
    '(188,007 tasks from 3 hot call sites were counted rather than recorded one by one: the "counted" lines;'
      + ' `loopscope run --exact <n|all>` sets how many each site records first)',
    '',
  ].join('\n'));
});

test('tallies of one site under many folded spawners read as one line with the summed counts; a huge run stays compact', () => {
  // 1000 exact workers (folded), each of which spawned leaf tasks beyond leaf's budget: one tally per (spawner, site).
  const b = new TraceBuilder().spawn(1, 0, 'async-function', 'loadAll', at(1));
  for (let i = 0; i < 1000; i++) {
    const id = 100 + i;
    b.spawn(id, 1, 'async-function', 'worker', at(5));
    tally(b, { id: i + 1, parentId: id, name: 'leaf', site: at(12), count: 98, resolved: i === 0 ? 97 : 98 });
    tally(b, { id: 5000 + i, parentId: id, parentTally: i + 1, kind: 'immediate', name: 'setImmediate', site: at(13), count: 2 });
    b.settle(id, 'resolved');
  }
  tally(b, { id: 9999, parentId: 1, name: 'worker', site: at(5), count: 4000 });
  b.exit(0);
  const m = new TraceModel(b.events);
  const text = renderTaskTree(m, { cwd: CWD });
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length <= 8, text);
  assert.match(text, /^│? *├─ worker ×1000 {2}\(1000 resolved\) {2}src\/app\.js:5$/m);
  assert.match(text, /^│? *│ {2}└─ leaf ×98,000 counted {2}\(1 pending, 97,999 resolved\) {2}src\/app\.js:12$/m);
  assert.match(text, /^│? *│ {5}└─ setImmediate callback ×2,000 counted {2}\(2,000 resolved\) {2}src\/app\.js:13$/m);
  assert.match(text, /^│? *└─ worker ×4,000 counted {2}\(4,000 resolved\) {2}src\/app\.js:5$/m);
  assert.match(text, /\(104,000 tasks from 3 hot call sites were counted/);

  // Depth and width limits count what they hide, counted tasks included.
  const deep = renderTaskTree(m, { cwd: CWD, maxDepth: 2 });
  assert.match(deep, /└─ … 100,000 counted below$/m, deep);
  const narrow = renderTaskTree(m, { cwd: CWD, maxChildren: 1 });
  assert.match(narrow, /└─ … 4,000 counted$/m, narrow);
  const cut = renderTaskTree(m, { cwd: CWD, maxLines: 2 });
  assert.match(cut, /^… cut at 2 lines \(1001 tasks in all, and 104,000 counted\)$/m, cut);
});

test('a tree without tallies says nothing about counting', () => {
  const text = renderTaskTree(new TraceModel(shopTrace().exit(0).events), { cwd: CWD });
  assert.doesNotMatch(text, /counted/);
});

test('a block in a counted task is named after its tally, filed under it once the tally came, and in the summary', () => {
  // The agent sends the block as it happens, the tally's counts only once the loop is free: the block comes first.
  const b = new TraceBuilder().spawn(1, 0, 'timeout', 'setTimeout', at(10));
  b.block({ id: 1, durationMs: 120, taskId: 1, tallyId: 2, final: false, location: at(3, 50, 'work'), stack: [at(3, 50, 'work')] });
  const early = new TraceModel(b.events);
  assert.equal(formatBlockLine(early.blocks.get(1)!, early, { cwd: CWD }),
    'Executing <counted task in setTimeout callback at src/app.js:10> has taken 0.120 seconds so far, blocked at src/app.js:3:50 in work');
  assert.deepEqual(early.tasks.get(1)!.blocks, [1], 'until its tally is known, the block stays with the recorded ancestor');

  tally(b, { id: 1, parentId: 1, name: 'handle', site: at(6), count: 201 });
  tally(b, { id: 2, parentId: 1, parentTally: 1, name: 'work', site: at(1), count: 201 });
  b.block({ id: 1, durationMs: 123, taskId: 1, tallyId: 2, location: at(3, 50, 'work'), stack: [at(3, 50, 'work')] });
  for (const m of [new TraceModel(b.events), (() => { const x = new TraceModel(); for (const ev of b.events) x.apply([ev]); return x; })()]) {
    const block = m.blocks.get(1)!;
    assert.equal(formatBlockLine(block, m, { cwd: CWD }),
      'Executing <work at src/app.js:1, counted> took 0.123 seconds, blocked at src/app.js:3:50 in work');
    assert.equal(formatBlockDiagnostic(block, m), 'blocked the event loop for 123 ms in work (work, counted)');
    assert.match(renderBlockingSummary(m, { cwd: CWD }), /123 ms {2}callback {2}work {2}src\/app\.js:3:50 {2}in work at src\/app\.js:1, counted$/m);
    assert.deepEqual(m.tallies.get(2)!.blocks, [1]);
    assert.deepEqual(m.tasks.get(1)!.blocks, [], 'moved, not copied');
    assert.equal(m.blockTally(block)?.name, 'work');
    const summary = buildSummary(m);
    assert.equal(summary.blocks[0].tallyId, '2');
    assert.equal(summary.blocks[0].taskId, '1');
    assert.ok(summary.tallies?.some((t) => t.id === summary.blocks[0].tallyId));
  }
  // A tally that never came (a run cut short) still leaves the block readable, under its recorded ancestor.
  const cut = new TraceBuilder().spawn(1, 0, 'timeout', 'setTimeout', at(10)).block({ id: 1, durationMs: 60, taskId: 1, tallyId: 7, stack: [] });
  const m = new TraceModel(cut.events);
  assert.equal(buildSummary(m).blocks[0].tallyId, undefined, 'only tallies the summary lists are named');
  assert.deepEqual(m.tasks.get(1)!.blocks, [1]);
});
