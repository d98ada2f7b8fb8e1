// The run's time span and the visible window over it (ms since the traced process's time origin).
import type { RunStore } from './store.ts';

/** From the run's first event (Node's start-up before the agent loaded is not the program's time) to its last. */
export function runSpan(s: RunStore): [number, number] {
  const start = Number.isFinite(s.startTs) ? s.startTs : 0;
  return [start, Math.max(s.endTs, s.model.info.endTs, start + 1)];
}

/** The same width, moved so that it ends at the live edge. */
export function atLiveEdge(w: [number, number] | undefined, end: number): [number, number] | undefined {
  return w ? [end - (w[1] - w[0]), end] : undefined;
}

/** A window the person moved counts as following when its right edge is (within 2 %) at the live edge. */
export function isAtLiveEdge(w: [number, number], end: number): boolean {
  return w[1] >= end - (w[1] - w[0]) * 0.02;
}
