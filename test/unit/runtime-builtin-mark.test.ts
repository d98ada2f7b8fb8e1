// The JSON.parse/stringify mark the rewrite puts around each call (core.ts m/u): the watchdog reads it from
// shared memory while the main thread is stuck inside the call, so it must be there for exactly that long,
// carry the heartbeat it began in, and its site's location must reach the watchdog once.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SourceLocation } from '../../src/protocol/index.ts';
import { SHARED_BUILTIN_BEAT, SHARED_BUILTIN_SITE, SHARED_HEARTBEAT, SHARED_SLOTS, type RecordSink } from '../../src/runtime/contracts.ts';
import { createTaskCore } from '../../src/runtime/tasks/core.ts';
import type { SiteTable } from '../../src/runtime/tasks/sites.ts';

test('m() marks the call site with the heartbeat, u() clears it; each site is announced once, with its location', () => {
  const announced: [number, SourceLocation][] = [];
  const sink: RecordSink = { records: () => {}, control: () => {}, dropped: () => {}, builtinSite: (site, location) => { announced.push([site, location]); } };
  const shared = new Float64Array(SHARED_SLOTS);
  const core = createTaskCore({ sink, shared, taskCap: 10, runMinMs: 1, ticks: () => 0, exactPerSite: 100, exactPerSecond: 100 });
  // file, then per site: line, column, name, enclosing function
  const tbl: SiteTable = () => ['/srv/app.js', 3, 9, 'main', 'main', 11, 22, 'JSON.parse', 'parse', 14, 5, 'JSON.stringify', ''];
  shared[SHARED_HEARTBEAT] = 41;
  const arg = { text: '[1]' };
  assert.equal(core.m(arg, tbl, 1), arg, 'the argument passes through');
  const site = shared[SHARED_BUILTIN_SITE]!;
  assert.ok(site > 0);
  assert.equal(shared[SHARED_BUILTIN_BEAT], 41);
  assert.deepEqual(announced, [[site, { file: '/srv/app.js', line: 11, column: 22, function: 'parse' }]]);
  const result = [1];
  assert.equal(core.u(result), result, 'the result passes through');
  assert.equal(shared[SHARED_BUILTIN_SITE], 0);

  shared[SHARED_HEARTBEAT] = 42;
  core.m('x', tbl, 1);
  assert.equal(shared[SHARED_BUILTIN_BEAT], 42, 'a later call carries its own heartbeat');
  assert.equal(announced.length, 1, 'a site is announced once');
  core.m('y', tbl, 2);
  assert.equal(shared[SHARED_BUILTIN_SITE], site + 1, 'the next site of the same table');
  assert.deepEqual(announced[1], [site + 1, { file: '/srv/app.js', line: 14, column: 5 }], 'no function name at the top level');
});
