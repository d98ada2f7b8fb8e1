// The block detector: from heartbeat readings to arm / start / end, with durations measured from the
// beat that was due (one heartbeat period after the last).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { afterOwn, BlockDetector, withoutOwn } from '../../src/runtime/watchdog/detector.ts';

test('detector: a loop that keeps beating never blocks', () => {
  const d = new BlockDetector(50, 10);
  for (let t = 0, beat = 0; t < 1000; t += 5) {
    if (t % 10 === 0) beat++;
    const r = d.poll(beat, Math.floor(t / 10) * 10, t);
    assert.ok(r.kind === 'none', `${t}: ${r.kind}`);
  }
});

test('detector: a held loop arms at half the threshold, starts at the threshold, ends when the beat moves', () => {
  const d = new BlockDetector(50, 10);
  assert.equal(d.poll(1, 100, 100).kind, 'none');
  assert.equal(d.poll(1, 100, 130).kind, 'none'); // 20 ms late: below half the threshold
  assert.equal(d.poll(1, 100, 136).kind, 'arm'); // 26 ms late
  const start = d.poll(1, 100, 161); // 51 ms late
  assert.equal(start.kind, 'start');
  assert.ok(start.kind === 'start' && start.since === 110 && start.id === 1 && start.durationMs === 51);
  const going = d.poll(1, 100, 300);
  assert.ok(going.kind === 'ongoing' && going.id === 1 && going.durationMs === 190);
  const end = d.poll(2, 410, 412); // the first beat after the block ran at 410
  assert.ok(end.kind === 'end' && end.id === 1 && end.durationMs === 300 && end.since === 110);
  assert.equal(d.poll(2, 410, 415).kind, 'none');
});

test('detector: watching (the watchdog then looks every POLL_MS, else once a beat) from arm until the block ends', () => {
  const d = new BlockDetector(50, 10);
  assert.equal(d.poll(1, 100, 100).kind, 'none');
  assert.equal(d.watching, false);
  assert.equal(d.poll(1, 100, 136).kind, 'arm');
  assert.equal(d.watching, true);
  assert.equal(d.poll(1, 100, 161).kind, 'start');
  assert.equal(d.watching, true);
  assert.equal(d.poll(2, 200, 201).kind, 'end');
  assert.equal(d.watching, false);
  assert.equal(d.poll(2, 200, 236).kind, 'arm');
  assert.equal(d.poll(3, 240, 241).kind, 'disarm');
  assert.equal(d.watching, false);
});

test('detector: a late beat that recovers before the threshold disarms without a block; ids grow per block', () => {
  const d = new BlockDetector(100, 10);
  d.poll(1, 0, 0);
  assert.equal(d.poll(1, 0, 70).kind, 'arm');
  assert.equal(d.poll(2, 75, 76).kind, 'disarm');
  assert.equal(d.poll(2, 75, 140).kind, 'arm');
  const s1 = d.poll(2, 75, 186);
  assert.ok(s1.kind === 'start' && s1.id === 1);
  assert.equal(d.poll(3, 400, 401).kind, 'end');
  assert.equal(d.poll(3, 400, 460).kind, 'arm');
  const s2 = d.poll(3, 400, 520);
  assert.ok(s2.kind === 'start' && s2.id === 2);
});

test('detector: our own activity (excuse) is not a block; a block right after it is, dated from its end', () => {
  const d = new BlockDetector(50, 10);
  d.poll(1, 0, 0);
  d.excuse(300); // e.g. starting the sampler held the main thread until 300
  assert.equal(d.poll(1, 0, 300).kind, 'none', 'the stretch we caused is not a block');
  assert.equal(d.poll(1, 0, 349).kind, 'arm', 'held past it: late from its end');
  const s = d.poll(1, 0, 352);
  assert.ok(s.kind === 'start' && s.since === 300 && s.durationMs === 52, JSON.stringify(s));
  // A block already found keeps its start: our activity inside it is the block's time.
  d.excuse(400);
  const e = d.poll(2, 420, 421);
  assert.ok(e.kind === 'end' && e.since === 300 && e.durationMs === 120, JSON.stringify(e));
});

test('detector: before the worker asked for a beat, a quiet heartbeat is not late (watchFrom)', () => {
  const d = new BlockDetector(50, 10);
  d.watchFrom(200); // the agent beat at 0; the worker came up and asked at 200
  assert.equal(d.poll(1, 0, 200).kind, 'none');
  assert.equal(d.poll(1, 0, 224).kind, 'none', 'a free loop answers within a moment');
  assert.equal(d.poll(2, 201, 225).kind, 'none');
  assert.equal(d.poll(2, 201, 230).kind, 'none', 'and from there on the beats are measured as always');
});

test('detector: a block in progress when the worker came up counts from the last beat once the threshold passed since the request', () => {
  const d = new BlockDetector(50, 10);
  d.watchFrom(200);
  d.poll(1, 0, 200);
  assert.equal(d.poll(1, 0, 224).kind, 'none', 'unanswered for 24 ms: not yet');
  assert.equal(d.poll(1, 0, 240).kind, 'arm', 'unanswered for 40 ms: armed, not yet a block');
  const s = d.poll(1, 0, 251);
  assert.ok(s.kind === 'start' && s.since === 10 && s.durationMs === 241, JSON.stringify(s));
  const e = d.poll(2, 400, 401);
  assert.ok(e.kind === 'end' && e.since === 10 && e.durationMs === 390, JSON.stringify(e));
});

test('detector: heldSince (the loop seen held at boot) counts lateness from the beat that was due, dated no earlier than notBefore', () => {
  const d = new BlockDetector(50, 10);
  d.watchFrom(200);
  d.poll(1, 0, 200);
  d.heldSince(1, 30); // a callback runs since the loop was last idle at 30
  const s = d.poll(1, 0, 205);
  assert.ok(s.kind === 'start' && s.since === 30 && s.durationMs === 175, JSON.stringify(s));
  // Once the beat moved on, a stale confirmation changes nothing.
  const d2 = new BlockDetector(50, 10);
  d2.watchFrom(200);
  d2.poll(1, 0, 200);
  d2.poll(2, 201, 201);
  d2.heldSince(1, -Infinity);
  assert.equal(d2.poll(2, 201, 230).kind, 'none');
});

test('detector: our own stretch inside a block is taken off its duration, one outside it is not', () => {
  // A block from 100 for 150 ms, the sampler restart 205-250 inside it.
  assert.equal(withoutOwn(100, 150, 205, 250), 105);
  // Partly outside (before the block began, or after it ended), empty, or reversed: left as it is.
  assert.equal(withoutOwn(100, 150, 90, 130), 150);
  assert.equal(withoutOwn(100, 150, 240, 260), 150);
  assert.equal(withoutOwn(100, 150, 200, 200), 150);
  assert.equal(withoutOwn(100, 150, 230, 210), 150);
});

test('detector: a block found while our own sampler restart ran keeps only what came after the restart', () => {
  // The restart (90-200) began before the block's start (100): the block is the program's from 200 on.
  assert.equal(afterOwn(100, 150, 90, 200), 50);
  assert.equal(afterOwn(100, 80, 90, 175), 5, 'over soon after the restart: not the program\'s block');
  assert.equal(afterOwn(100, 80, 90, 200), 0, 'the loop came back as the restart ended');
  assert.equal(afterOwn(100, 150, 40, 95), 150, 'a restart over before the block began takes nothing');
  assert.equal(afterOwn(100, 150, 120, 110), 150, 'times that make no sense take nothing');
});

// A loaded machine: the scheduler's counters for the main thread (thread-sched.ts) tell starvation from a block.
const sched = (runMs: number, queuedMs: number, runnable = true) => ({ runMs, queuedMs, runnable });
/** A look as the watchdog makes it: the counters are read (and given) only when the detector wants them. */
const look = (d: BlockDetector, beat: number, beatTs: number, now: number, s: ReturnType<typeof sched>) =>
  d.poll(beat, beatTs, now, d.wantsSched(beat) ? s : undefined);

test('detector: the scheduler\'s counters are wanted only while the loop is late or a block is open', () => {
  const d = new BlockDetector(50, 10);
  assert.equal(d.wantsSched(1), false, 'the first beat: it moved');
  d.poll(1, 100, 100, undefined);
  assert.equal(d.wantsSched(2), false, 'the loop answered: an idle look reads nothing');
  assert.equal(d.wantsSched(1), true, 'the beat did not move: late');
  for (let t = 105; t <= 160; t += 5) look(d, 1, 100, t, sched(t - 100, 0)); // running all along
  assert.equal(d.blocking, true);
  assert.equal(d.wantsSched(2), true, 'the block\'s end says how long it waited');
  assert.equal(look(d, 2, 170, 171, sched(10, 0)).kind, 'end');
  assert.equal(d.wantsSched(3), false);
});

test('detector: a main thread that waits for a CPU is not a block, counted (the wait ended) or still going on', () => {
  // The wait is in the counters: the thread ran briefly now and then, without reaching the beat.
  const d = new BlockDetector(50, 10);
  look(d, 1, 100, 100, sched(10, 0));
  for (let t = 105, q = 0; t <= 400; t += 5) {
    q += 4.5; // 0.5 ms of every 5 on the CPU, the rest waiting
    const r = look(d, 1, 100, t, sched(10 + (t - 100) / 10, q));
    assert.equal(r.kind === 'start' || r.kind === 'arm', false, `${t}: ${r.kind}`);
  }
  // The wait still going on: runnable, its run time frozen (the kernel counts the wait only when it ends).
  const d2 = new BlockDetector(50, 10);
  look(d2, 1, 100, 100, sched(10, 0));
  for (let t = 105; t <= 400; t += 5) assert.equal(look(d2, 1, 100, t, sched(10, 0)).kind, 'none', `${t}`);
  // Then it runs: the wait lands in the counters, and the beat it answers ends nothing (there was no block).
  assert.equal(look(d2, 2, 401, 402, sched(10.5, 300)).kind, 'none');
});

test('detector: code that runs (or sleeps in a syscall) while the machine is loaded is still a block, with its wait inside', () => {
  // Half the time on the CPU, half waiting: 50 ms of the program's own time after 110 ms.
  const d = new BlockDetector(50, 10);
  look(d, 1, 100, 100, sched(0, 0));
  let start;
  for (let t = 105; t <= 300 && !start; t += 5) {
    const r = look(d, 1, 100, t, sched((t - 100) / 2, (t - 100) / 2));
    if (r.kind === 'start') start = { t, r };
  }
  assert.ok(start && start.r.kind === 'start', 'reported');
  // 105 ms late at 215, 52.5 of them waiting: counted from the first late look (105), whose 2.5 ms before it are missed.
  assert.equal(start.t, 215, 'once 50 ms of the lateness were not waiting');
  assert.equal(start.r.since, 110);
  const end = look(d, 2, 400, 401, sched(150, 150));
  assert.ok(end.kind === 'end' && end.durationMs === 290 && end.queuedMs === 147.5, JSON.stringify(end));
  // Asleep in a syscall (execSync): not runnable, nothing waits for a CPU: a block at the threshold as always.
  const d2 = new BlockDetector(50, 10);
  look(d2, 1, 100, 100, sched(5, 2));
  let kinds = '';
  for (let t = 105; t <= 160; t += 5) kinds += look(d2, 1, 100, t, sched(5, 2, false)).kind[0];
  assert.equal(kinds, 'nnnnnnannnns', 'armed at 25 ms late, a block at 50');
  const e2 = look(d2, 2, 200, 201, sched(5.1, 2));
  assert.ok(e2.kind === 'end' && e2.queuedMs === undefined, JSON.stringify(e2));
});

test('detector: without the counters (not Linux) lateness alone decides, as before', () => {
  const d = new BlockDetector(50, 10);
  d.poll(1, 100, 100, undefined);
  assert.equal(d.poll(1, 100, 161, undefined).kind, 'start');
});
