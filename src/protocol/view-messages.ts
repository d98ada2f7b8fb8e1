// Host ↔ webview messages: one discriminated union per direction. The host owns the state; a webview
// can be rebuilt at any time from a `snapshot` followed by `events` deltas.
// Big batches: put the events in `eventsJson` (a JSON array, as text) and send `events: []`. postMessage
// copies one string in milliseconds but takes seconds to clone a million event objects (measured in Chromium:
// 1M events cloned in ~3 s, the same as JSON text parsed in ~0.5 s). The view validates every event either way.
import type { SourceLocation, TraceEvent } from './events.ts';

export type HostToView =
  | { type: 'hello'; version: number; theme?: 'light' | 'dark' | 'high-contrast' }
  /** Replace everything the view shows with this run (events so far). */
  | { type: 'snapshot'; runId: string; title: string; live: boolean; events: TraceEvent[]; eventsJson?: string }
  /** Append a batch of events to the current run. */
  | { type: 'events'; runId: string; events: TraceEvent[]; eventsJson?: string }
  /** The run ended (no more events will come). */
  | { type: 'ended'; runId: string }
  | { type: 'error'; message: string };

export type ViewToHost =
  | { type: 'ready'; version: number }
  | { type: 'open-location'; location: SourceLocation }
  | { type: 'select-task'; taskId: number };
