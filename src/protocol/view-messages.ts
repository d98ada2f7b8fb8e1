// Host ↔ webview messages: one discriminated union per direction. The host owns the state; a webview
// can be rebuilt at any time from a `snapshot` followed by `events` deltas.
import type { SourceLocation, TraceEvent } from './events.ts';

export type HostToView =
  | { type: 'hello'; version: number; theme?: 'light' | 'dark' | 'high-contrast' }
  /** Replace everything the view shows with this run (events so far). */
  | { type: 'snapshot'; runId: string; title: string; live: boolean; events: TraceEvent[] }
  /** Append a batch of events to the current run. */
  | { type: 'events'; runId: string; events: TraceEvent[] }
  /** The run ended (no more events will come). */
  | { type: 'ended'; runId: string }
  | { type: 'error'; message: string };

export type ViewToHost =
  | { type: 'ready'; version: number }
  | { type: 'open-location'; location: SourceLocation }
  | { type: 'select-task'; taskId: number };
