// Untrusted input → typed messages. Host messages and inline report data are checked before the model sees
// them: bad JSON, another schema or protocol version, or malformed events become a clear message, never a crash.
import { TRACE_SCHEMA, VIEW_PROTOCOL_VERSION, validateTraceLine, type HostToView, type TraceEvent } from '../src/protocol/index.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export interface CheckedEvents { events: TraceEvent[]; rejected: number; firstError?: string }

/** Keeps the events that validate; counts and describes the rest. */
export function checkEvents(raw: unknown): CheckedEvents {
  const out: CheckedEvents = { events: [], rejected: 0 };
  if (!Array.isArray(raw)) return { events: [], rejected: 1, firstError: 'events: expected an array' };
  for (let i = 0; i < raw.length; i++) {
    const v = validateTraceLine(raw[i], `event ${i + 1}`);
    if (v.ok && v.value.type !== 'header') out.events.push(v.value);
    else { out.rejected++; if (!out.firstError) out.firstError = v.ok ? `event ${i + 1}: a header inside the events` : v.error; }
  }
  return out;
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
    case 'snapshot':
      return { ok: true, value: { type: 'snapshot', runId: str(m.runId), title: str(m.title), live: m.live === true, events: m.events as TraceEvent[] } };
    case 'events':
      return { ok: true, value: { type: 'events', runId: str(m.runId), events: m.events as TraceEvent[] } };
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
