// One agent's connection: decodes its frames into TraceEvents and tells listeners. Events that arrive
// before anyone listens are held until the first listener registers, so nothing is lost to timing.
import type { Socket } from 'node:net';
import { WireDecoder, WireError, type ExitEvent, type ProcessEvent, type TraceEvent } from '../protocol/index.ts';
import { EventRelay } from './event-relay.ts';
import type { AgentRun, RunEnd } from './types.ts';

export class AgentConnection implements AgentRun {
  private readonly decoder = new WireDecoder();
  private readonly events = new EventRelay<TraceEvent[]>();
  private readonly endListeners: Array<(end: RunEnd) => void> = [];
  private exitEvent: ExitEvent | undefined;
  private readonly problems: string[] = [];
  private ended: RunEnd | undefined;
  private helloResolve!: (p: ProcessEvent | undefined) => void;
  /** The agent's `process` event, or undefined if the channel closed before it came. */
  readonly hello: Promise<ProcessEvent | undefined> = new Promise((r) => { this.helloResolve = r; });
  private processEvent: ProcessEvent | undefined;
  /** Largest event timestamp seen (for a synthesised exit that must not go back in time). */
  lastTs = 0;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.problems.push(`channel error: ${err.message}`));
    socket.on('close', () => this.finish());
  }

  get process(): ProcessEvent {
    if (!this.processEvent) throw new Error('AgentConnection.process read before the hello');
    return this.processEvent;
  }

  get exit(): ExitEvent | undefined { return this.exitEvent; }
  get isEnded(): boolean { return this.ended !== undefined; }

  onEvents(listener: (events: TraceEvent[]) => void): void {
    this.events.on(listener);
  }

  onEnd(listener: (end: RunEnd) => void): void {
    if (this.ended) listener(this.ended);
    else this.endListeners.push(listener);
  }

  /** Stops reading this agent (a process we do not trace); its program carries on unaffected. */
  reject(): void {
    this.socket.destroy();
  }

  /** Hands an event of our own making (a synthesised exit) to the listeners, in stream order. */
  inject(events: TraceEvent[]): void {
    this.events.emit(events);
  }

  private receive(chunk: Buffer): void {
    if (this.problems.some((p) => p.startsWith('corrupt'))) return;
    let events: TraceEvent[];
    try {
      events = this.decoder.push(chunk);
    } catch (err) {
      // A corrupt stream cannot be resynchronised: keep what was decoded, say where it broke.
      events = err instanceof WireError ? err.decoded : [];
      this.problems.push(`corrupt stream from the agent: ${(err as Error).message}; events after it are lost`);
      this.socket.destroy();
    }
    if (events.length === 0) return;
    for (const e of events) {
      if ('ts' in e && e.ts > this.lastTs) this.lastTs = e.ts;
      if (e.type === 'process' && !this.processEvent) { this.processEvent = e; this.helloResolve(e); }
      if (e.type === 'exit') this.exitEvent = e;
    }
    this.events.emit(events);
  }

  private finish(): void {
    if (this.ended) return;
    const cut = this.decoder.pendingBytes;
    if (cut > 0) this.problems.push(`the agent's stream ended in the middle of a frame (${cut} bytes cut off); every event before it was kept`);
    this.ended = { exit: this.exitEvent, problems: this.problems };
    this.helloResolve(undefined);
    for (const l of this.endListeners) l(this.ended);
  }
}
