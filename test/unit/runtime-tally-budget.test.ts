// The exact-task budget of a call site (tally.ts, TallyBook.exact): its first tasks are exact; each second
// every site earns exactPerSecond more, never more than the full budget (a token bucket). Budgets refill at
// the flush (emit) that sees a new second, so counting itself reads no clock.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DEFAULT_AGENT_CONFIG } from '../../src/protocol/index.ts';
import { TallyBook } from '../../src/runtime/tasks/tally.ts';

const TICKS_PER_MS = 1000;
const SITE = 7;

function book(perSite: number, perSecond: number): { tallies: TallyBook; at(seconds: number): void } {
  const tallies = new TallyBook({ perSite, perSecond, ticks: () => 0, ticksPerMs: TICKS_PER_MS });
  return { tallies, at: (seconds) => tallies.emit(() => {}, (t) => t / TICKS_PER_MS, seconds * 1000 * TICKS_PER_MS) };
}

/** How many of `tries` tasks of SITE are exact now. */
function exactOf(tallies: TallyBook, tries: number): number {
  let n = 0;
  for (let i = 0; i < tries; i++) if (tallies.exact(SITE)) n++;
  return n;
}

test('a site records its budget exactly, then earns exactPerSecond more per second passed, capped at the budget', () => {
  const { tallies, at } = book(100, 10);
  assert.equal(exactOf(tallies, 150), 100, 'the first 100 are exact');
  at(0.5);
  assert.equal(exactOf(tallies, 50), 0, 'nothing earned within the same second');
  at(1.2);
  assert.equal(exactOf(tallies, 50), 10, 'one second passed: 10 more');
  at(1.9);
  assert.equal(exactOf(tallies, 50), 0);
  at(4.1);
  assert.equal(exactOf(tallies, 50), 30, 'three seconds passed: 30 more');
  at(60);
  assert.equal(exactOf(tallies, 500), 100, 'a long pause earns back the budget, no more');
  const other = book(100, 10);
  assert.equal(exactOf(other.tallies, 95), 95);
  other.at(1);
  assert.equal(exactOf(other.tallies, 50), 15, 'a site not yet out earns too: 5 left + 10');
  assert.equal(exactOf(new TallyBook({ perSite: 0, perSecond: 10, ticks: () => 0, ticksPerMs: 1 }), 1000), 1000, 'budget 0: every task is exact');
});

test('the default budget: 100 exact tasks per site, then 10 more a second', () => {
  assert.equal(DEFAULT_AGENT_CONFIG.exactPerSite, 100);
  assert.equal(DEFAULT_AGENT_CONFIG.exactPerSecond, 10);
  const { tallies, at } = book(DEFAULT_AGENT_CONFIG.exactPerSite, DEFAULT_AGENT_CONFIG.exactPerSecond);
  let exact = exactOf(tallies, 1000);
  for (let s = 1; s <= 10; s++) { at(s); exact += exactOf(tallies, 1000); }
  assert.equal(exact, 100 + 10 * 10, 'ten busy seconds: 200 exact tasks of 11,000');
});
