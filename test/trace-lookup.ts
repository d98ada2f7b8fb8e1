// Finding tasks in a recorded event list, for the task tests at both layers (the agent run directly in
// test/unit/tasks.test.ts, the same fixtures through the CLI's trace file in test/e2e/tasks-cli.test.ts).
import { strict as assert } from 'node:assert';
import type { SpawnEvent, TraceEvent } from '../src/protocol/index.ts';

export const spawns = (ev: TraceEvent[]): SpawnEvent[] => ev.filter((e): e is SpawnEvent => e.type === 'spawn');

/** The one task named `name` (fails the test, listing the names there are, when there is not exactly one). */
export function taskNamed(ev: TraceEvent[], name: string): SpawnEvent {
  const found = spawns(ev).filter((s) => s.name === name);
  assert.equal(found.length, 1, `expected one task named ${name}, got ${found.length}: ${spawns(ev).map((s) => s.name).join(', ')}`);
  return found[0]!;
}

/** How task `id` ended: its settle or cancel event (undefined while pending). */
export const endOf = (ev: TraceEvent[], id: number): TraceEvent | undefined =>
  ev.find((e) => (e.type === 'settle' || e.type === 'cancel') && e.id === id);
