// One run as the extension host holds it: every event so far (the view's snapshot is rebuilt from them), the
// model built from them, and the live session while the program runs. The host owns this state; views,
// diagnostics, the tree and the status bar are projections of it.
import type { ExitEvent, TraceEvent } from '../protocol/index.ts';
import { RunModel } from './run-model.ts';
import { logError } from './log.ts';

export type RunState = 'running' | 'ended';

/** Above this many events, later ones are counted, not kept: a webview snapshot must stay small enough to send. */
export const MAX_KEPT_EVENTS = 2_000_000;

let nextRun = 1;

export class HostRun {
  readonly id = `run-${Date.now().toString(36)}-${nextRun++}`;
  readonly events: TraceEvent[] = [];
  readonly model = new RunModel();
  state: RunState;
  exit: ExitEvent | undefined;
  /** Ends the program (and what it started); set while a live run can be stopped. */
  stopper: (() => Promise<void>) | undefined;
  /** Why the run could not go on (launch error, channel problem), for the user. */
  readonly warnings: string[] = [];
  /** Events not kept because of MAX_KEPT_EVENTS. */
  notKept = 0;
  private readonly listeners = new Set<(run: HostRun, batch: TraceEvent[]) => void>();

  /**
   * @param title what the user sees (file name, or the trace file's name)
   * @param program absolute path of the program, when this run is one: a new run of it replaces its diagnostics
   */
  constructor(readonly title: string, readonly program: string | undefined, live: boolean) {
    this.state = live ? 'running' : 'ended';
  }

  get live(): boolean { return this.state === 'running'; }

  onChange(listener: (run: HostRun, batch: TraceEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(batch: TraceEvent[]): void {
    if (batch.length === 0) return;
    const room = MAX_KEPT_EVENTS - this.events.length;
    const kept = room >= batch.length ? batch : batch.slice(0, Math.max(0, room));
    for (const e of kept) this.events.push(e);
    this.notKept += batch.length - kept.length;
    this.model.add(batch);
    for (const e of batch) if (e.type === 'exit') this.exit = e;
    this.emit(kept);
  }

  end(exit?: ExitEvent): void {
    if (exit && !this.exit) this.exit = exit;
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.emit([]);
  }

  private emit(batch: TraceEvent[]): void {
    for (const l of [...this.listeners]) {
      try { l(this, batch); } catch (err) { logError(`updating the views of ${this.title}`, err); }
    }
  }
}
