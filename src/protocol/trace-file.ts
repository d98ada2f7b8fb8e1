// The trace file: NDJSON, append-only and streamable. Line 1 is a header carrying the schema version;
// every further line is one TraceEvent. A reader can start on a file that is still being written.
import type { HeaderEvent, TraceEvent } from './events.ts';
import { validateTraceLine } from './validate.ts';
import { TRACE_SCHEMA } from './version.ts';

export function traceHeader(createdBy: string): HeaderEvent {
  return { type: 'header', schema: TRACE_SCHEMA, createdBy };
}

export function serializeTraceLine(line: HeaderEvent | TraceEvent): string {
  return JSON.stringify(line) + '\n';
}

export interface ParsedTrace {
  header: HeaderEvent;
  events: TraceEvent[];
  /** True when the last line was cut off (a trace whose writer died): everything before it is kept. */
  truncated: boolean;
  /** Lines that failed validation (1-based line number and message); they are skipped. */
  errors: string[];
}

export class TraceFormatError extends Error {}

const MAX_ERRORS = 20;

/**
 * Parses a whole trace. Throws TraceFormatError when the file is not a Loopscope trace at all
 * (no header, or another schema); otherwise keeps every valid line and reports the rest.
 */
export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const endsWithNewline = text.endsWith('\n');
  if (lines.length === 0 || lines[0].trim() === '') throw new TraceFormatError('line 1: the file is empty; expected a Loopscope trace header');
  let first: unknown;
  try { first = JSON.parse(lines[0]); } catch {
    throw new TraceFormatError('line 1: not JSON; expected a Loopscope trace header such as {"type":"header","schema":"' + TRACE_SCHEMA + '"}');
  }
  const h = validateTraceLine(first, 'line 1');
  if (!h.ok || h.value.type !== 'header') throw new TraceFormatError(h.ok ? 'line 1: expected the header ({"type":"header",…}) first' : h.error);
  if (h.value.schema !== TRACE_SCHEMA) {
    throw new TraceFormatError(`line 1: field "schema": this is ${JSON.stringify(h.value.schema).slice(0, 60)}, but this Loopscope reads ${TRACE_SCHEMA}`);
  }
  const result: ParsedTrace = { header: h.value, events: [], truncated: false, errors: [] };
  let errorCount = 0;
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try { value = JSON.parse(raw); } catch {
      if (isLast && !endsWithNewline) { result.truncated = true; break; }
      if (errorCount++ < MAX_ERRORS) result.errors.push(`line ${i + 1}: not valid JSON`);
      continue;
    }
    const v = validateTraceLine(value, `line ${i + 1}`);
    if (!v.ok) { if (errorCount++ < MAX_ERRORS) result.errors.push(v.error); continue; }
    if (v.value.type === 'header') { if (errorCount++ < MAX_ERRORS) result.errors.push(`line ${i + 1}: a second header`); continue; }
    result.events.push(v.value);
  }
  if (errorCount > MAX_ERRORS) result.errors.push(`… and ${errorCount - MAX_ERRORS} more invalid lines`);
  return result;
}
