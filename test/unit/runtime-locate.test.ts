// Picking the blocking line from the two witnesses (paused frames, sampled profile), on profiles shaped
// like the ones V8 returns (node ids, children, positionTicks, timeDeltas in µs).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SourceLocation } from '../../src/protocol/index.ts';
import { classifyCause } from '../../src/runtime/watchdog/cause.ts';
import type { Profile, ProfileNode } from '../../src/runtime/watchdog/inspector-probe.ts';
import { blockWitness, builtinWitness, choose, classify, pickLocation, sampledWitness, stallLocation, urlToFile, type PausedWitness } from '../../src/runtime/watchdog/locate.ts';

const APP = '/srv/my app/server.js';
const APP_URL = 'file:///srv/my%20app/server.js';
const filter = { ownFiles: new Set(['/opt/loopscope/dist/runtime/agent.cjs']) };

function node(id: number, functionName: string, url: string, line0: number, children: number[] = [], ticks?: Array<[number, number]>): ProfileNode {
  const n: ProfileNode = { id, callFrame: { functionName, url, lineNumber: line0, columnNumber: 4, scriptId: String(id) }, children };
  if (ticks) n.positionTicks = ticks.map(([line, t]) => ({ line, ticks: t }));
  return n;
}

/** A profile whose samples are `leaves`, one every 1 ms from startUs. */
function profile(nodes: ProfileNode[], leaves: number[], startUs = 1_000_000): Profile {
  return { nodes, samples: leaves, timeDeltas: leaves.map(() => 1000), startTime: startUs, endTime: startUs + leaves.length * 1000 };
}

const loc = (file: string, line: number, column: number, fn?: string): SourceLocation => (fn ? { file, line, column, function: fn } : { file, line, column });
const paused = (stack: SourceLocation[]): PausedWitness => ({ stack, location: pickLocation(stack, filter)!, functionName: stack[0]?.function });

test('locate: file URLs become paths users know; frames are classified', () => {
  assert.equal(urlToFile(APP_URL), APP);
  assert.equal(urlToFile('node:internal/timers'), 'node:internal/timers');
  assert.equal(classify(APP, filter), 'user');
  assert.equal(classify('/srv/app/node_modules/lib/index.js', filter), 'library');
  assert.equal(classify('node:fs', filter), 'internal');
  assert.equal(classify('', filter), 'internal');
  assert.equal(classify('/opt/loopscope/dist/runtime/agent.cjs', filter), 'own');
});

test('locate: the innermost user frame wins over libraries and internals; a library over internals', () => {
  const stack = [loc('node:fs', 10, 1, 'readSync'), loc('/srv/app/node_modules/x/i.js', 3, 2, 'lib'), loc(APP, 7, 9, 'handler'), loc('node:internal/timers', 1, 1)];
  assert.deepEqual(pickLocation(stack, filter), loc(APP, 7, 9, 'handler'));
  assert.deepEqual(pickLocation(stack.filter((f) => f.file !== APP), filter)?.file, '/srv/app/node_modules/x/i.js');
  assert.equal(pickLocation([loc('/opt/loopscope/dist/runtime/agent.cjs', 1, 1), loc('node:internal/x', 2, 2)], filter)?.file, 'node:internal/x');
});

test('locate: JSON.parse: the pause landed on the next line; the samples charge the parse line, and win', () => {
  // root → listOnTimeout → parse (user). Builtins inlined into `parse`: its own ticks are on line 11.
  const nodes = [node(1, '(root)', '', -1, [2]), node(2, 'listOnTimeout', 'node:internal/timers', 500, [3]), node(3, 'parse', APP_URL, 8, [], [[11, 24], [10, 5]])];
  const sampled = sampledWitness(profile(nodes, Array(29).fill(3)), filter)!;
  assert.equal(sampled.exactLine, true);
  assert.equal(sampled.location.line, 11);
  const p = paused([loc(APP, 12, 11, 'parse'), loc('node:internal/timers', 581, 17, 'listOnTimeout')]);
  const chosen = choose(p, sampled, filter);
  assert.equal(chosen.from, 'samples');
  assert.equal(chosen.location?.line, 11);
  assert.equal(chosen.stack[0]?.line, 11, 'the paused stack is kept, with the blocking line');
  assert.equal(chosen.stack[1]?.function, 'listOnTimeout');
});

test('locate: a busy loop: pause and samples agree; the pause wins (it knows the column)', () => {
  const nodes = [node(1, '(root)', '', -1, [2]), node(2, 'spin', APP_URL, 1, [], [[4, 30], [3, 1]])];
  const sampled = sampledWitness(profile(nodes, Array(31).fill(2)), filter)!;
  const chosen = choose(paused([loc(APP, 4, 3, 'spin')]), sampled, filter);
  assert.equal(chosen.from, 'pause');
  assert.deepEqual(chosen.location, loc(APP, 4, 3, 'spin'));
});

test('locate: a native call under node internals: samples only know the function, the pause names the line', () => {
  // root → handler (user) → readFileSync (node:fs) → (native); samples sit in readFileSync.
  const nodes = [node(1, '(root)', '', -1, [2]), node(2, 'handler', APP_URL, 5, [3], [[9, 1]]), node(3, 'readFileSync', 'node:fs', 430, [], [[450, 40]])];
  const sampled = sampledWitness(profile(nodes, Array(40).fill(3)), filter)!;
  assert.equal(sampled.exactLine, false);
  assert.equal(sampled.location.function, 'handler');
  const chosen = choose(paused([loc('node:fs', 452, 3, 'readFileSync'), loc(APP, 10, 21, 'handler')]), sampled, filter);
  assert.equal(chosen.from, 'pause');
  assert.deepEqual(chosen.location, loc(APP, 10, 21, 'handler'));
});

test('locate: only samples inside the span count; several profiles covering one block are merged', () => {
  const nodes = [node(1, '(root)', '', -1, [2, 3]), node(2, 'before', APP_URL, 1, [], [[2, 50]]), node(3, 'during', APP_URL, 20, [], [[22, 10]])];
  const leaves = [...Array(50).fill(2), ...Array(10).fill(3)];
  const p1 = profile(nodes, leaves, 0); // samples at 1..60 ms
  const inSpan = sampledWitness(p1, filter, { fromUs: 50_500, toUs: 61_000 })!;
  assert.equal(inSpan.location.function, 'during');
  assert.equal(inSpan.location.line, 22);
  // The same function seen in a second profile (restarted mid-block): counts add up across node ids.
  const nodes2 = [node(7, '(root)', '', -1, [9]), node(9, 'during', APP_URL, 20, [], [[22, 5]])];
  const p2 = profile(nodes2, Array(5).fill(9), 61_000);
  const merged = sampledWitness([p1, p2], filter, { fromUs: 50_500, toUs: 70_000 })!;
  assert.equal(merged.location.function, 'during');
  assert.equal(merged.lineTicks.get(22), 15);
  assert.equal(merged.spanSamples, 15);
});

test('locate: no witness at all gives no location, never a made-up one', () => {
  assert.deepEqual(choose(undefined, undefined, filter), { stack: [], from: 'none' });
  const idle = profile([node(1, '(root)', '', -1, [2]), node(2, '(idle)', '', -1)], [2, 2, 2]);
  assert.equal(sampledWitness(idle, filter), undefined);
});

test('cause: a stall spends samples in V8 with no JS frame ((program)); one callback does not', () => {
  const nodes = [node(1, '(root)', '', -1, [2, 3]), node(2, 'stall', APP_URL, 3, [], [[7, 24]]), node(3, '(program)', '', -1)];
  const stall = sampledWitness(profile(nodes, [...Array(24).fill(2), ...Array(6).fill(3)]), filter)!;
  assert.equal(classifyCause(stall), 'stall');
  const busy = sampledWitness(profile(nodes, Array(30).fill(2)), filter)!;
  assert.equal(classifyCause(busy), 'callback');
  assert.equal(classifyCause(undefined), 'callback');
  assert.equal(classifyCause({ spanSamples: 20, programSamples: 1 }), 'callback', 'one stray sample is not a stall');
  // Tree mode: our task hooks run between the turns, from the microtask runner (no user frame below).
  const hooks = [node(1, '(root)', '', -1, [2, 4]), node(2, 'stall', APP_URL, 3, [], [[7, 28]]), node(4, 'hook', 'file:///opt/loopscope/dist/runtime/agent.cjs', 10)];
  const treeStall = sampledWitness(profile(hooks, [...Array(28).fill(2), 4, 4, 4, 4]), filter)!;
  assert.equal(treeStall.noUserSamples, 4);
  assert.equal(classifyCause(treeStall), 'stall');
  // One long callback on a loaded machine: 2 stray samples of 29 (the turn counter decides tree-mode stalls first).
  assert.equal(classifyCause({ spanSamples: 29, programSamples: 2 }), 'callback');
});

test('locate: when the samples name the line, the stack\'s top frame says the same line', () => {
  const nodes = [node(1, '(root)', '', -1, [2]), node(2, 'stall', APP_URL, 3, [], [[7, 20], [6, 2]])];
  const sampled = sampledWitness(profile(nodes, Array(22).fill(2)), filter)!;
  const chosen = choose(undefined, sampled, filter);
  assert.equal(chosen.location?.line, 7);
  assert.equal(chosen.stack[0]?.line, 7);
});

// The await stall of test/fixtures/blocking/await-stall.js, as V8 profiles it: stall() (defined on line 4,
// its loop on line 7) resumed from the microtask queue, calling tick() (line 3) on every turn. A profile
// node's line is where its FUNCTION starts: only positionTicks (ticks while it was the top frame) say
// which line ran.
const stallNodes = (stallTicks?: Array<[number, number]>): ProfileNode[] => [
  node(1, '(root)', '', -1, [2, 4]),
  node(2, 'stall', APP_URL, 3, [3], stallTicks), // 0-based 3: line 4, the definition
  node(3, 'tick', APP_URL, 2, []),
  node(4, '(program)', '', -1),
];

test('locate: samples that cannot name a line give no location, never the function\'s first line', () => {
  const sampled = sampledWitness(profile(stallNodes(), [...Array(20).fill(3), ...Array(5).fill(4)]), filter)!;
  assert.equal(sampled.exactLine, false);
  const chosen = choose(undefined, sampled, filter);
  assert.equal(chosen.location, undefined);
  assert.ok(chosen.stack.length > 0, 'the stack still names the functions');
});

test('locate: a stall is placed at the outer loop, at a line that ran, never at a definition line', () => {
  // No snapshot; stall() was on top for some samples, on line 7: that is the line.
  const sampled = sampledWitness(profile(stallNodes([[7, 6]]), [...Array(14).fill(3), ...Array(6).fill(2), ...Array(5).fill(4)]), filter)!;
  assert.equal(sampled.location.function, 'tick', 'the innermost user frame holds most samples');
  assert.deepEqual(sampled.outer && [sampled.outer.function, sampled.outer.line], ['stall', 7]);
  const placed = stallLocation(undefined, sampled, choose(undefined, sampled, filter), filter);
  assert.equal(placed.location?.line, 7);
  assert.equal(placed.location?.function, 'stall');
  assert.ok(placed.stack.some((f) => f.function === 'stall' && f.line === 7), 'the stack shows stall() at the loop too');
  assert.ok(!placed.stack.some((f) => f.function === 'stall' && f.line === 4), 'and not at its definition');

  // stall() never on top: the profile knows only where it starts. Nothing exact: no location at all.
  const blind = sampledWitness(profile(stallNodes(), [...Array(20).fill(3), ...Array(5).fill(4)]), filter)!;
  assert.equal(blind.outer, undefined);
  const none = stallLocation(undefined, blind, choose(undefined, blind, filter), filter);
  assert.equal(none.location, undefined);

  // A snapshot has real lines for every frame: its outermost user frame wins over the samples.
  const p = paused([loc('/opt/loopscope/dist/runtime/agent.cjs', 414, 3, 'ticks'), loc(APP, 3, 40, 'tick'), loc(APP, 7, 30, 'stall')]);
  const fromPause = stallLocation(p, blind, choose(p, blind, filter), filter);
  assert.deepEqual(fromPause.location, loc(APP, 7, 30, 'stall'));
  assert.equal(fromPause.from, 'pause');

  // A snapshot that caught stall() as it resumed (V8 files that at its first line): the samples' line wins.
  const resuming = paused([loc(APP, 4, 1, 'stall')]);
  const fromSamples = stallLocation(resuming, sampled, choose(resuming, sampled, filter), filter);
  assert.equal(fromSamples.location?.line, 7);
  assert.deepEqual(fromSamples.stack.map((f) => [f.function, f.line]), [['stall', 7]]);
});

test('locate: a profile restarted inside a block is asked only when the one running at its start saw none of it', () => {
  // tick() calls crunch(), whose loop spins. The profile running when the block began sees crunch's line 6; the one
  // a restart started mid-block cannot resolve crunch's loop (compiled before it) and charges tick's call line.
  const before = profile([node(1, '(root)', '', -1, [2]), node(2, 'tick', APP_URL, 14, [3], [[16, 1]]), node(3, 'crunch', APP_URL, 2, [], [[6, 8]])],
    Array(8).fill(3), 0); // 1..8 ms
  const after = profile([node(1, '(root)', '', -1, [2]), node(2, 'tick', APP_URL, 14, [], [[16, 30]])], Array(30).fill(2), 9_000); // 10..39 ms
  const span = { fromUs: 500, toUs: 40_000 };
  assert.equal(sampledWitness([before, after], filter, span)!.location.line, 16, 'taken together the restarted profile outvotes the first');
  const w = blockWitness([before, after], filter, span)!;
  assert.deepEqual([w.location.function, w.location.line, w.exactLine], ['crunch', 6, true]);
  // A block the first profile saw none of (the sampler started inside it): the later one is all there is.
  const late = { fromUs: 8_500, toUs: 40_000 };
  assert.equal(blockWitness([before, after], filter, late)!.location.line, 16);
  assert.equal(blockWitness([after], filter, span)!.location.line, 16);
});

test('locate: a block held by a marked JSON.parse is named at the call, keeping the snapshot\'s callers', () => {
  const site = loc(APP, 11, 22, 'parse');
  // No snapshot (the call still runs: the live report): the mark alone.
  assert.deepEqual(builtinWitness(site, undefined), { location: site, stack: [site], from: 'mark' });
  // The snapshot landed after the call, on the next line of the same function: the call's own line and
  // column, the snapshot's function name, and its callers below.
  const after = paused([loc('/opt/loopscope/dist/runtime/agent.cjs', 7333, 3, 'u'), loc(APP, 12, 11, 'parse'), loc('node:internal/timers', 581, 17, 'listOnTimeout')]);
  const w = builtinWitness(site, after)!;
  assert.equal(w.from, 'mark');
  assert.deepEqual(w.location, loc(APP, 11, 22, 'parse'));
  assert.equal(w.stack[1], w.location, 'the location is the frame in the stack (it is not mapped again)');
  assert.equal(w.stack[2]?.function, 'listOnTimeout');
  // The snapshot is somewhere the call cannot explain: above the call's line, or in another file (a
  // reviver the call ran, interruptible): that snapshot is the witness, not the mark.
  assert.equal(builtinWitness(site, paused([loc(APP, 9, 3, 'parse')])), undefined);
  assert.equal(builtinWitness(site, paused([loc('/srv/my app/reviver.js', 40, 5, 'revive'), loc(APP, 11, 22, 'parse')])), undefined);
});
