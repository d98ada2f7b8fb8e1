// The agent → launcher wire: a byte stream of frames on the per-run socket.
//   frame = u32 LE payload length | u8 frame kind | payload
// Kind CONTROL carries one JSON message (UTF-8). Kind RECORDS carries task records as little-endian
// float64s, RECORD_SLOTS per record: text per event is what makes tracing expensive, so the hot
// events travel as numbers and strings travel once per call site ("site" messages).
import type { CaptureMode, ProcessEvent, SourceLocation, TallyEvent, TaskKind, TraceEvent } from './events.ts';
import { WIRE_VERSION } from './version.ts';

export const FRAME_HEADER_BYTES = 5;
export const FRAME_CONTROL = 1;
export const FRAME_RECORDS = 2;
/** A frame larger than this is a corrupt stream, not data. */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export const RECORD_SLOTS = 8;
// Record layouts, slot by slot: [op, a, b, c, d, e, ts, unused]
export const OP_SPAWN = 1; // [op, id, parentId, siteId, 0, 0, ts]
export const OP_RUN = 2; // [op, id, dur, 0, 0, 0, ts(start)]
export const OP_AWAIT = 3; // [op, id, onId, 0, 0, 0, ts]
export const OP_SETTLE = 4; // [op, id, state 1=resolved 2=rejected, runs, runMs, awaits, ts]
export const OP_CANCEL = 5; // [op, id, reason code (index into CANCEL_CODES), 0, 0, 0, ts]
export const OP_MEMBER = 6; // [op, groupId, memberId, 0, 0, 0, ts]
/**
 * A spawn and its settle in one record, written when nothing was recorded between them (an async function
 * that returned without awaiting, a lone timer): decodes to exactly the spawn and settle events (runs 1, awaits 0).
 */
export const OP_SPAWN_SETTLE = 7; // [op, id, parentId, siteId, state 1=resolved 2=rejected, runMs, ts(spawn), ts(settle)]
/**
 * A spawn followed by its PARENT's settle (a timer callback that schedules the next one and returns), when
 * nothing came between: decodes to the spawn event, then the parent's settle (runs 1, awaits 0).
 */
export const OP_SPAWN_SETTLE_PARENT = 8; // [op, id, parentId, siteId, parent's state, parent's runMs, ts(spawn), ts(settle)]
/** A tally (see TallyEvent): its place and count; always followed by its OP_TALLY_STATE record. */
export const OP_TALLY = 9; // [op, tallyId, parentId, siteId, parentTallyId (0: none), count, ts, firstTs]
export const OP_TALLY_STATE = 10; // [op, tallyId, resolved, rejected, cancelled, runMs, ts, runs]
export const CANCEL_CODES = ['clearTimeout', 'clearInterval', 'clearImmediate', 'abort', 'destroyed'] as const;

/** What a call site is: sent once, before the first record that names it. */
export interface SiteMessage {
  type: 'site'; site: number; kind: TaskKind; name: string;
  file?: string; line?: number; column?: number; function?: string;
}
export interface HelloMessage { type: 'hello'; wire: number; process: ProcessEvent; mode: CaptureMode }
/** Rare events (blocks, drops, exit) travel as JSON, already in trace form. */
export interface EventMessage { type: 'event'; event: TraceEvent }
export type ControlMessage = HelloMessage | SiteMessage | EventMessage;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeControlFrame(msg: ControlMessage): Uint8Array {
  const body = encoder.encode(JSON.stringify(msg));
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(out.buffer).setUint32(0, body.length + 1, true);
  out[4] = FRAME_CONTROL;
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

/** The 5-byte header for a records frame whose payload is `count` records (little-endian float64s). */
export function recordsFrameHeader(count: number): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES);
  new DataView(out.buffer).setUint32(0, count * RECORD_SLOTS * 8 + 1, true);
  out[4] = FRAME_RECORDS;
  return out;
}

export class WireError extends Error {
  /** Events decoded from the same chunk before the corruption: they are valid and must not be lost. */
  decoded: TraceEvent[] = [];
}

/**
 * Turns the byte stream back into trace events. Feed it chunks as they arrive; it keeps partial
 * frames between calls and remembers call sites.
 */
export class WireDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly sites = new Map<number, SiteMessage>();
  process: ProcessEvent | undefined;

  /** Decodes every complete frame in `chunk` (plus what was pending). Throws WireError on a corrupt stream. */
  push(chunk: Uint8Array): TraceEvent[] {
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending, 0);
      buf.set(chunk, this.pending.length);
    }
    const out: TraceEvent[] = [];
    try {
      return this.frames(buf, out);
    } catch (err) {
      // A control frame that is not JSON is as corrupt as a bad length: one error type for callers.
      const e = err instanceof WireError ? err : new WireError(`corrupt frame: ${(err as Error).message}`);
      e.decoded = out;
      throw e;
    }
  }

  private frames(buf: Uint8Array, out: TraceEvent[]): TraceEvent[] {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    while (buf.length - at >= FRAME_HEADER_BYTES) {
      const len = view.getUint32(at, true);
      if (len < 1 || len > MAX_FRAME_BYTES) throw new WireError(`corrupt frame length ${len} at byte ${at}`);
      if (buf.length - at - 4 < len) break;
      const kind = buf[at + 4];
      const start = at + FRAME_HEADER_BYTES;
      const end = at + 4 + len;
      if (kind === FRAME_CONTROL) this.control(JSON.parse(decoder.decode(buf.subarray(start, end))) as ControlMessage, out);
      else if (kind === FRAME_RECORDS) this.records(view, start, end, out);
      else throw new WireError(`unknown frame kind ${kind}`);
      at = end;
    }
    this.pending = at === buf.length ? new Uint8Array(0) : buf.slice(at);
    return out;
  }

  /** Bytes of an incomplete frame still waiting for the rest: non-zero at end of stream means it was cut. */
  get pendingBytes(): number { return this.pending.length; }

  private control(msg: ControlMessage, out: TraceEvent[]): void {
    switch (msg.type) {
      case 'hello':
        // Agent and launcher come from one build; a different wire is a stale install, not data to guess at.
        if (msg.wire !== WIRE_VERSION) throw new WireError(`the agent speaks wire version ${msg.wire}, this Loopscope reads ${WIRE_VERSION}: reinstall or rebuild so both come from the same build`);
        this.process = msg.process; out.push(msg.process); break;
      case 'site': this.sites.set(msg.site, msg); break;
      case 'event': out.push(msg.event); break;
    }
  }

  private spawn(id: number, parentId: number, siteId: number, ts: number, out: TraceEvent[]): void {
    const site = this.sites.get(siteId);
    const ev: TraceEvent = { type: 'spawn', ts, id, parentId, kind: site?.kind ?? 'async-function', name: site?.name ?? '(unknown)' };
    if (site?.file !== undefined) ev.site = siteLocation(site);
    out.push(ev);
  }

  /** The tally whose OP_TALLY was read and whose OP_TALLY_STATE (next record, maybe next frame) completes it. */
  private openTally: TallyEvent | undefined;

  private tally(view: DataView, p: number): void {
    const f = (slot: number): number => view.getFloat64(p + slot * 8, true);
    const site = this.sites.get(f(3));
    const t: TallyEvent = {
      type: 'tally', ts: f(6), id: f(1), parentId: f(2), kind: site?.kind ?? 'async-function', name: site?.name ?? '(unknown)',
      count: f(5), resolved: 0, rejected: 0, cancelled: 0, runs: 0, runMs: 0, firstTs: f(7),
    };
    if (f(4) > 0) t.parentTally = f(4);
    if (site?.file !== undefined) t.site = siteLocation(site);
    this.openTally = t;
  }

  private records(view: DataView, start: number, end: number, out: TraceEvent[]): void {
    const bytes = RECORD_SLOTS * 8;
    if ((end - start) % bytes !== 0) throw new WireError('records frame is not a whole number of records');
    for (let p = start; p < end; p += bytes) {
      const op = view.getFloat64(p, true);
      const a = view.getFloat64(p + 8, true);
      const b = view.getFloat64(p + 16, true);
      const c = view.getFloat64(p + 24, true);
      const ts = view.getFloat64(p + 48, true);
      switch (op) {
        case OP_SPAWN: this.spawn(a, b, c, ts, out); break;
        case OP_SPAWN_SETTLE: case OP_SPAWN_SETTLE_PARENT: {
          this.spawn(a, b, c, ts, out);
          out.push({
            type: 'settle', ts: view.getFloat64(p + 56, true), id: op === OP_SPAWN_SETTLE ? a : b, state: view.getFloat64(p + 32, true) === 2 ? 'rejected' : 'resolved',
            runs: 1, runMs: view.getFloat64(p + 40, true), awaits: 0,
          });
          break;
        }
        case OP_RUN: out.push({ type: 'run', ts, id: a, dur: b }); break;
        case OP_AWAIT: out.push({ type: 'await', ts, id: a, on: b }); break;
        case OP_SETTLE: out.push({
          type: 'settle', ts, id: a, state: b === 2 ? 'rejected' : 'resolved',
          runs: c, runMs: view.getFloat64(p + 32, true), awaits: view.getFloat64(p + 40, true),
        }); break;
        case OP_CANCEL: out.push({ type: 'cancel', ts, id: a, reason: CANCEL_CODES[b] ?? 'destroyed' }); break;
        case OP_TALLY: this.tally(view, p); break;
        case OP_TALLY_STATE: {
          const t = this.openTally;
          this.openTally = undefined;
          if (!t || t.id !== a) throw new WireError(`tally state for ${a} without its tally record`);
          t.resolved = b; t.rejected = c; t.cancelled = view.getFloat64(p + 32, true);
          t.runMs = view.getFloat64(p + 40, true); t.runs = view.getFloat64(p + 56, true);
          out.push(t);
          break;
        }
        case OP_MEMBER: {
          const last = out[out.length - 1];
          if (last && last.type === 'group' && last.id === a) last.members.push(b);
          else out.push({ type: 'group', ts, id: a, members: [b] });
          break;
        }
        default: throw new WireError(`unknown record op ${op}`);
      }
    }
  }
}

function siteLocation(s: SiteMessage): SourceLocation {
  const loc: SourceLocation = { file: s.file ?? '', line: s.line ?? 0, column: s.column ?? 0 };
  if (s.function) loc.function = s.function;
  return loc;
}
