// Untrusted input → typed messages. Host messages and inline report data are checked before the model sees
// them (events in the store, chunk by chunk, as they are applied): bad JSON, another schema or protocol version, or malformed events become a clear message, never a crash.
import { TRACE_SCHEMA, VIEW_PROTOCOL_VERSION, validateTraceLine, type HostToView, type TraceEvent } from '../src/protocol/index.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CheckedEvents { events: TraceEvent[]; rejected: number; firstError?: string }

/** Keeps the events that validate; counts and describes the rest. `offset` numbers them within their batch. */
export function checkEvents(raw: readonly unknown[], offset = 0): CheckedEvents {
  const out: CheckedEvents = { events: [], rejected: 0 };
  for (let i = 0; i < raw.length; i++) {
    const v = validateTraceLine(raw[i], `event ${offset + i + 1}`);
    if (v.ok && v.value.type !== 'header') out.events.push(v.value);
    else { out.rejected++; if (!out.firstError) out.firstError = v.ok ? `event ${offset + i + 1}: a header inside the events` : v.error; }
  }
  return out;
}

/** The events of a snapshot/events message: `eventsJson` text when the host sent it (parsed later, by the store), else `events`. */
function eventsOf(m: Record<string, unknown>): Checked<unknown[] | string> {
  if (typeof m.eventsJson === 'string') return { ok: true, value: m.eventsJson };
  if (!Array.isArray(m.events)) return { ok: false, error: `a "${String(m.type)}" message without an events array` };
  return { ok: true, value: m.events };
}

const str = (v: unknown, max = 500): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** Checks a host → view message's shape (events are checked separately, in the same pass that applies them). */
/** A host message after the shape check; snapshot/events carry their events unchecked in `raw`. */
export type CheckedHostMessage =
  | Exclude<HostToView, { type: 'snapshot' } | { type: 'events' }>
  | (Extract<HostToView, { type: 'snapshot' }> & { raw: unknown[] | string })
  | (Extract<HostToView, { type: 'events' }> & { raw: unknown[] | string });

export function checkHostMessage(data: unknown): Checked<CheckedHostMessage> {
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'a message that is not an object' };
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'hello':
      if (m.version !== VIEW_PROTOCOL_VERSION) {
        return { ok: false, error: `The extension speaks view protocol ${JSON.stringify(m.version)?.slice(0, 20)}, this view speaks ${VIEW_PROTOCOL_VERSION}. Reload the window (Developer: Reload Window) so both come from the same Loopscope version.` };
      }
      return { ok: true, value: { type: 'hello', version: VIEW_PROTOCOL_VERSION, theme: m.theme === 'light' || m.theme === 'dark' || m.theme === 'high-contrast' ? m.theme : undefined } };
    // Events stay unchecked here (typed as what they should be): the store validates each one as it applies it.
    case 'snapshot': {
      const ev = eventsOf(m);
      if (!ev.ok) return ev;
      return { ok: true, value: { type: 'snapshot', runId: str(m.runId), title: str(m.title), live: m.live === true, events: [], raw: ev.value } };
    }
    case 'events': {
      const ev = eventsOf(m);
      if (!ev.ok) return ev;
      return { ok: true, value: { type: 'events', runId: str(m.runId), events: [], raw: ev.value } };
    }
    case 'ended':
      return { ok: true, value: { type: 'ended', runId: str(m.runId) } };
    case 'error':
      return { ok: true, value: { type: 'error', message: str(m.message, 2000) } };
    default:
      return { ok: false, error: `a message of unknown type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

export interface InlineTrace { title: string; events: unknown[] | undefined; chunks: number | undefined }

/**
 * Parses the inline report header: {schema, title, chunks} (events follow in `chunks` separate JSON elements,
 * so the page can show the first ones while it parses the rest) or, from older writers, {schema, title, events}.
 */
export function parseInlineTrace(text: string): Checked<InlineTrace> {
  let data: unknown;
  try { data = JSON.parse(text); } catch { return { ok: false, error: 'The embedded trace is not valid JSON: the report file is damaged. Write it again with `loopscope report <trace> --html <file>`.' }; }
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'The embedded trace is not an object.' };
  const d = data as Record<string, unknown>;
  if (d.schema !== TRACE_SCHEMA) {
    return { ok: false, error: `The embedded trace is ${JSON.stringify(d.schema)?.slice(0, 60) ?? 'of no known schema'}, but this viewer reads ${TRACE_SCHEMA}. Write the report again with this Loopscope version.` };
  }
  const chunks = Number.isInteger(d.chunks) && (d.chunks as number) >= 0 ? d.chunks as number : undefined;
  const events = Array.isArray(d.events) ? d.events : undefined;
  if (chunks === undefined && events === undefined) return { ok: false, error: 'The embedded trace has no events: the report file is damaged.' };
  return { ok: true, value: { title: str(d.title), events, chunks } };
}
