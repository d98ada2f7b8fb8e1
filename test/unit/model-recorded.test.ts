// Traces recorded by the real CLI and agent running the fixture programs beside them (test/fixtures/traces/*.js):
// what a user would see for those programs, read through the model. Re-record with
//   node bin/loopscope.js run --trace test/fixtures/traces/shop.ndjson test/fixtures/traces/shop.js
// Timing varies between recordings, so the assertions are about meaning (nesting, states, lines), not numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseTrace } from '../../src/protocol/index.ts';
import type { Summary } from '../../src/protocol/index.ts';
import {
  TraceModel, buildSummary, renderTaskTree, formatBlockLine, formatBlockDiagnostic, toChromeTrace, baseName,
} from '../../src/model/index.ts';
import { assertValidChromeTrace } from './model-builder.ts';

function load(name: string): { model: TraceModel; summary: Summary; cwd: string; events: ReturnType<typeof parseTrace>['events'] } {
  const parsed = parseTrace(readFileSync(path.join(__dirname, '..', 'fixtures', 'traces', name), 'utf8'));
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.truncated, false);
  const model = new TraceModel(parsed.events);
  return { model, summary: buildSummary(model), cwd: model.info.process!.cwd, events: parsed.events };
}

function ancestorNames(s: Summary, id: string): string[] {
  const byId = new Map(s.tasks.map((t) => [t.id, t]));
  const out: string[] = [];
  for (let p = byId.get(id)?.parentId ?? null; p !== null; p = byId.get(p)!.parentId) out.push(byId.get(p)!.name);
  return out;
}

test('shop.js: fetches nest under loadDashboard through their combinators; states as the program left them', () => {
  const { model, summary: s } = load('shop.ndjson');
  assert.equal(model.root.name, 'shop.js');
  assert.equal(s.exitCode, 0);
  assert.equal(model.info.orphanEvents, 0, 'every event names a task the agent spawned');
  const items = s.tasks.filter((t) => t.name === 'fetchItem');
  assert.equal(items.length, 100);
  assert.equal(items.filter((t) => t.state === 'rejected').length, 2, 'items 7 and 57 throw');
  for (const t of items) assert.deepEqual(ancestorNames(s, t.id).slice(0, 3), ['Promise.allSettled', 'loadDashboard', 'main']);
  assert.equal(s.tasks.find((t) => t.name === 'fetchUser')!.state, 'rejected');
  const settled100 = s.tasks.find((t) => t.kind === 'promise-allSettled' && t.location?.line === 22)!;
  assert.equal(model.tasks.get(Number(settled100.id))!.members!.length, 100);
  const cleared = model.tasks.get(Number(s.tasks.find((t) => t.kind === 'timeout' && t.location?.line === 32)!.id))!;
  assert.equal(cleared.state, 'cancelled');
  assert.equal(cleared.cancelReason, 'clearTimeout');
  assert.ok([...model.tasks.values()].some((t) => t.cancelReason === 'abort'), 'the aborted wait');
  assert.equal(s.tasks.find((t) => t.kind === 'interval')!.state, 'pending', 'the interval is still pending at exit');
});

test('shop.js: the block is located in crunch and credited to the timer that ran it', () => {
  const { model, summary: s, cwd } = load('shop.ndjson');
  const block = model.blocksByDuration().find((b) => b.location?.function === 'crunch');
  assert.ok(block, JSON.stringify(model.blockList()));
  assert.ok(block.final);
  assert.ok(block.durationMs >= 100, String(block.durationMs));
  const task = model.tasks.get(block.taskId!)!;
  assert.equal(task.kind, 'timeout');
  assert.equal(task.site?.line, 36);
  assert.match(formatBlockLine(block, model, { cwd }),
    /^Executing <setTimeout callback at test\/fixtures\/traces\/shop\.js:36> took 0\.\d{3} seconds, blocked at test\/fixtures\/traces\/shop\.js:12:3 in crunch$/);
  assert.match(formatBlockDiagnostic(block, model), /^blocked the event loop for \d+ ms in crunch \(setTimeout callback\)$/);
  const sb = s.blocks.find((b) => b.location?.function === 'crunch')!;
  assert.equal(baseName(sb.location!.file), 'shop.js');
  assert.ok(sb.location!.file.startsWith('/'), 'absolute path');
  assert.equal(s.tasks.find((t) => t.id === sb.taskId)?.location?.line, 36);
});

test('shop.js: the text tree folds the 100 fetches and keeps different timers apart', () => {
  const { model, cwd } = load('shop.ndjson');
  const text = renderTaskTree(model, { cwd });
  assert.match(text, /^main module {2}test\/fixtures\/traces\/shop\.js {2}\(exit code 0\)$/m);
  assert.match(text, /Promise\.allSettled \[100\] {2}test\/fixtures\/traces\/shop\.js:22$/m);
  assert.match(text, /fetchItem ×100 {2}\(98 resolved, 2 rejected\) {2}test\/fixtures\/traces\/shop\.js:18$/m);
  assert.match(text, /✗ fetchUser {2}test\/fixtures\/traces\/shop\.js:17$/m);
  assert.match(text, /⊘ setTimeout callback \(clearTimeout\) {2}test\/fixtures\/traces\/shop\.js:32$/m);
  assert.match(text, /… setInterval callback {2}test\/fixtures\/traces\/shop\.js:40$/m);
});

test('stall.js: a crash rejects the main module; hundreds of awaited steps fold; the loop was held in step', () => {
  const { model, summary: s, cwd } = load('stall.ndjson');
  assert.equal(s.exitCode, 1);
  assert.equal(model.info.exit?.reason, 'crash');
  assert.equal(model.root.state, 'rejected');
  assert.equal(s.tasks.find((t) => t.name === 'loadConfig')!.state, 'rejected');
  assert.match(renderTaskTree(model, { cwd }), /└─ step ×\d+ {2}\(\d+ resolved\) {2}test\/fixtures\/traces\/stall\.js:5$/m);
  const longest = model.blocksByDuration()[0];
  assert.ok(longest.durationMs >= 200, String(longest.durationMs));
  assert.match(formatBlockLine(longest, model, { cwd }), /blocked at test\/fixtures\/traces\/stall\.js:\d+:\d+ in (step|chain)$/);
});

test('both recordings export to a valid Chrome trace with one span per task', () => {
  for (const name of ['shop.ndjson', 'stall.ndjson']) {
    const { model, events } = load(name);
    const trace = toChromeTrace(events);
    assertValidChromeTrace(trace.traceEvents);
    assert.equal(trace.traceEvents.filter((e) => e.ph === 'b').length, model.tasks.size, name);
    assert.equal(trace.traceEvents.filter((e) => e.cat === 'block').length, model.blocks.size, name);
  }
});
