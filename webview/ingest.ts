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

/** The events of a snapshot/events message: `eventsJson` text when the host sent it, else `events`. */
function eventsOf(m: Record<string, unknown>): Checked<unknown[]> {
  let ev: unknown = m.events;
  if (typeof m.eventsJson === 'string') {
    try { ev = JSON.parse(m.eventsJson); } catch { return { ok: false, error: `a "${String(m.type)}" message whose eventsJson is not valid JSON` }; }
  }
  if (!Array.isArray(ev)) return { ok: false, error: `a "${String(m.type)}" message without an events array` };
  return { ok: true, value: ev };
}

const str = (v: unknown, max = 500): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** Checks a host → view message's shape (events are checked separately, in the same pass that applies them). */
export function checkHostMessage(data: unknown): Checked<HostToView> {
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
      return { ok: true, value: { type: 'snapshot', runId: str(m.runId), title: str(m.title), live: m.live === true, events: ev.value as TraceEvent[] } };
    }
    case 'events': {
      const ev = eventsOf(m);
      if (!ev.ok) return ev;
      return { ok: true, value: { type: 'events', runId: str(m.runId), events: ev.value as TraceEvent[] } };
    }
    case 'ended':
      return { ok: true, value: { type: 'ended', runId: str(m.runId) } };
    case 'error':
      return { ok: true, value: { type: 'error', message: str(m.message, 2000) } };
    default:
      return { ok: false, error: `a message of unknown type ${JSON.stringify(m.type)?.slice(0, 40)}` };
  }
}

export interface InlineTrace { title: string; events: unknown }

/** Parses the inline report data: {schema, title, events}. */
export function parseInlineTrace(text: string): Checked<InlineTrace> {
  let data: unknown;
  try { data = JSON.parse(text); } catch { return { ok: false, error: 'The embedded trace is not valid JSON: the report file is damaged. Write it again with `loopscope report <trace> --html <file>`.' }; }
  if (typeof data !== 'object' || data === null) return { ok: false, error: 'The embedded trace is not an object.' };
  const d = data as Record<string, unknown>;
  if (d.schema !== TRACE_SCHEMA) {
    return { ok: false, error: `The embedded trace is ${JSON.stringify(d.schema)?.slice(0, 60) ?? 'of no known schema'}, but this viewer reads ${TRACE_SCHEMA}. Write the report again with this Loopscope version.` };
  }
  return { ok: true, value: { title: str(d.title), events: d.events } };
}
