// Each blocking fixture, run with the real agent over a real socket: the block must be reported at the
// EXACT line that held the loop (the line marked `// BLOCK` in the fixture), live while it goes on and
// once more when it ends, and the program's output and exit code must be what they are without us.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { BlockEvent } from '../../src/protocol/index.ts';
import { blocks, fixture, markedLine, runPlain, runWithAgent } from './agent-harness.ts';

const THRESHOLD_MS = 100;

interface Case {
  file: string;
  /** Where the column must point: the start of this text on the marked line (omit when the column is not meaningful). */
  columnAt?: string;
  /** Capture mode; 'blocking' unless said. */
  mode?: 'tree' | 'blocking';
  /** The cause the final report must give (only the sampler, on in tree mode, tells them apart). */
  cause?: 'callback' | 'stall';
}

const CASES: Case[] = [
  { file: 'busy-loop.js', columnAt: 'while' },
  { file: 'read-file-sync.js', columnAt: 'readFileSync' },
  { file: 'pbkdf2-sync.js', columnAt: 'pbkdf2Sync' },
  // JSON.parse cannot be interrupted: no snapshot is answered until it returns. Tree mode's rewrite marks
  // the call, which names it (line and column); blocking mode places it at the statement after it (test below).
  { file: 'json-parse.js', mode: 'tree', columnAt: 'parse' },
  { file: 'regex.js', columnAt: 'test' },
  { file: 'gzip-sync.js', columnAt: 'gzipSync' },
  { file: 'exec-sync.js', columnAt: 'execSync' },
  { file: 'loop-after-await.js', columnAt: 'while' },
  // One long slice resumed from an await is a callback; 300 ms of short awaits is a stall. The line of
  // a stall is the await loop; the column is wherever the turns were caught.
  { file: 'loop-after-await.js', columnAt: 'while', mode: 'tree', cause: 'callback' },
  { file: 'await-stall.js', mode: 'tree', cause: 'stall' },
];

for (const c of CASES) {
  test(`blocking: ${c.file} is reported at its exact line, live then final (${c.mode ?? 'blocking'} mode)`, async () => {
    const file = fixture('blocking', c.file);
    const want = markedLine(file);
    const r = await runWithAgent(file, { config: { mode: c.mode ?? 'blocking', thresholdMs: THRESHOLD_MS } });
    const plain = runPlain(file);
    assert.equal(r.code, plain.code, `exit code unchanged (stderr: ${r.stderr})`);
    assert.equal(r.stdout, plain.stdout, 'output unchanged');
    assert.equal(r.stderr, plain.stderr, 'stderr unchanged');

    const all = blocks(r.events);
    const finals = all.filter((b) => b.final && b.location?.file === file && b.location.line === want.line);
    assert.ok(finals.length >= 1, `a final block at ${c.file}:${want.line}; got ${JSON.stringify(all.map((b) => [b.final, b.location?.line, b.location?.file]))}`);
    const fin = finals[0]!;
    assert.ok(fin.durationMs >= THRESHOLD_MS, `duration ${fin.durationMs} ≥ threshold`);
    if (c.columnAt) assert.equal(fin.location!.column, want.text.indexOf(c.columnAt) + 1, `column at "${c.columnAt}"`);
    if (c.cause) assert.equal(fin.cause, c.cause);
    assert.ok(fin.stack.length >= 1 && fin.stack.some((f) => f.file === file && f.line === want.line), 'the stack contains the blocking frame');
    assert.ok(!fin.stack.some((f) => /dist[\\/]runtime[\\/]/.test(f.file)), `no frame of the agent itself in the stack: ${JSON.stringify(fin.stack)}`);

    // Live: a report with the same id went out before the final one, while the block was still going on.
    const liveIndex = r.events.findIndex((e) => e.type === 'block' && e.id === fin.id && !e.final);
    const finalIndex = r.events.indexOf(fin);
    assert.ok(liveIndex >= 0 && liveIndex < finalIndex, 'live report before the final one');
    const live = r.events[liveIndex] as BlockEvent;
    assert.ok(live.durationMs >= THRESHOLD_MS && live.durationMs < fin.durationMs, `live duration ${live.durationMs} is a block still in progress (final ${fin.durationMs})`);
    assert.equal(live.ts, fin.ts, 'live and final describe the same block');

    // The run ends with the exit event, after the final block.
    const exit = r.events[r.events.length - 1];
    assert.equal(exit?.type, 'exit');
    assert.equal(exit.type === 'exit' && exit.reason, 'exit');
  });
}

test('blocking mode: a first uninterruptible block (JSON.parse) is still reported, inside the right function', async () => {
  const file = fixture('blocking', 'json-parse.js');
  const want = markedLine(file);
  const r = await runWithAgent(file, { config: { mode: 'blocking', thresholdMs: THRESHOLD_MS } });
  assert.equal(r.code, 0, r.stderr);
  const fin = blocks(r.events).find((b) => b.final && b.location?.function === 'parse');
  assert.ok(fin, `a final block in parse(); got ${JSON.stringify(blocks(r.events).map((b) => b.location))}`);
  // The statement right after the parse, where the stack snapshot landed (the marked line itself with
  // LOOPSCOPE_SAMPLER=always|late, or when an earlier late beat had started the sampler).
  assert.ok(fin.location!.file === file && [want.line, want.line + 1].includes(fin.location!.line), `line ${fin.location!.line}`);
  assert.ok(fin.durationMs >= THRESHOLD_MS);
});

// Each program times the blocking call itself (Date.now() right before and after it). Tree mode: JSON.parse
// is named by its mark; with the sampler, an unmarked builtin by the samples, which cost a profiler restart
// the watchdog queues as the block begins: served the moment the call returns, it holds the main thread
// 6-200 ms, and used to be counted in the block.
const TIMED = [
  { file: 'json-parse-timed.js', fn: 'parse', key: 'parseMs', sampler: undefined },
  { file: 'structured-clone.js', fn: 'copy', key: 'cloneMs', sampler: 'always' },
] as const;
for (const c of TIMED) {
  test(`tree mode${c.sampler ? ', sampler always' : ''}: an uninterruptible block (${c.file}) lasts what the call lasted, at its line`, async () => {
    const file = fixture('blocking', c.file);
    const want = markedLine(file);
    const r = await runWithAgent(file, { config: { mode: 'tree', thresholdMs: 50, ...(c.sampler ? { sampler: c.sampler } : {}) } });
    assert.equal(r.code, 0, r.stderr);
    const took = (JSON.parse(r.stdout) as Record<string, number>)[c.key]!;
    const fin = blocks(r.events).find((b) => b.final && b.location?.function === c.fn);
    assert.ok(fin, `a final block in ${c.fn}(); got ${JSON.stringify(blocks(r.events).map((b) => b.location))}`);
    assert.equal(fin.location!.line, want.line);
    // The heartbeat dates a block to within a period (10 ms) at each end.
    assert.ok(Math.abs(fin.durationMs - took) <= 25, `block ${fin.durationMs} ms, the call ${took} ms`);
  });
}

test('sampler always, a big heap: the profiler restarts that read a block\'s samples are not blocks of their own', async () => {
  const file = fixture('blocking', 'structured-clone-big-heap.js');
  const want = markedLine(file);
  const r = await runWithAgent(file, { config: { mode: 'tree', thresholdMs: 50, sampler: 'always' } });
  assert.equal(r.code, 0, r.stderr);
  const took = (JSON.parse(r.stdout) as { cloneMs: number }).cloneMs;
  const finals = blocks(r.events).filter((b) => b.final);
  const clone = finals.find((b) => b.location?.function === 'copy');
  assert.ok(clone, `a final block in copy(); got ${JSON.stringify(finals.map((b) => b.location))}`);
  assert.equal(clone.location!.line, want.line);
  assert.ok(Math.abs(clone.durationMs - took) <= 25, `block ${clone.durationMs} ms, the call ${took} ms`);
  // 3 s of an idle loop follow: nothing in them held it (a cascade showed a block every 0.2 s).
  const after = blocks(r.events).filter((b) => b.ts > clone.ts);
  assert.deepEqual(after.map((b) => [b.final, b.durationMs, b.location?.line]), [], 'no block after the clone');
});

test('tree mode: the live report of a block inside JSON.parse names the call while it still runs', async () => {
  const file = fixture('blocking', 'json-parse.js');
  const want = markedLine(file);
  const r = await runWithAgent(file, { config: { mode: 'tree', thresholdMs: 100 } });
  assert.equal(r.code, 0, r.stderr);
  const live = blocks(r.events).find((b) => !b.final && b.location?.function === 'parse');
  assert.ok(live, `a live report in parse(); got ${JSON.stringify(blocks(r.events).map((b) => [b.final, b.location]))}`);
  assert.equal(live.location!.file, file);
  assert.equal(live.location!.line, want.line);
  assert.equal(live.location!.column, want.text.indexOf('parse(') + 1);
  const fin = blocks(r.events).find((b) => b.final && b.id === live.id)!;
  // Sent while the parse ran (the main thread answered nothing until it returned): its duration so far is
  // well short of the whole.
  assert.ok(live.durationMs < fin.durationMs - 50, `live ${live.durationMs} ms, final ${fin.durationMs} ms`);
});
