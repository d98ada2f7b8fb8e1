// The block detector: from heartbeat readings to arm / start / end, with durations measured from the
// beat that was due (one heartbeat period after the last).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BlockDetector } from '../../src/runtime/watchdog/detector.ts';

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

test('detector: after a resync (our own activity held the loop) lateness counts only from the next beat', () => {
  const d = new BlockDetector(50, 10);
  d.poll(1, 0, 0);
  d.resync(1);
  assert.equal(d.poll(1, 0, 300).kind, 'none', 'the stretch we caused is not a block');
  assert.equal(d.poll(2, 305, 306).kind, 'none');
  assert.equal(d.poll(2, 305, 370).kind, 'start', 'a later stretch is');
});
