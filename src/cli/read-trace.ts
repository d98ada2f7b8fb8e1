// Reads a recorded trace for `report` and `export`: a clear message for a file that is not a trace,
// and for a cut-off or damaged one, the problems (line and field) plus everything that was readable.
import { readFileSync } from 'node:fs';
import { parseTrace, TraceFormatError, type ParsedTrace } from '../protocol/index.ts';
import type { Output } from './output.ts';

export class TraceReadError extends Error {}

/** Parses the file; problems with individual lines are returned as messages, not thrown. */
export function readTrace(file: string): { trace: ParsedTrace; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new TraceReadError(e.code === 'ENOENT' ? `cannot find the trace ${file}` : `cannot read the trace ${file}: ${e.message}`);
  }
  let trace: ParsedTrace;
  try {
    trace = parseTrace(text);
  } catch (err) {
    if (err instanceof TraceFormatError) throw new TraceReadError(`${file} is not a Loopscope trace: ${err.message}`);
    throw err;
  }
  const problems = trace.errors.map((e) => `${file}: ${e} (line skipped)`);
  if (trace.truncated) {
    const lastLine = text.split('\n').length;
    problems.push(`${file}: line ${lastLine} is cut off (the run ended before the trace was complete); using the ${trace.events.length} events before it`);
  }
  if (!trace.events.some((e) => e.type === 'exit')) {
    problems.push(`${file}: no exit event: the trace ends before the program did, so what follows is partial`);
  }
  return { trace, problems };
}

/** For commands: the trace with its problems already told to the user, or undefined when it is unusable. */
export function loadTraceFor(file: string, out: Output): ParsedTrace | undefined {
  try {
    const { trace, problems } = readTrace(file);
    for (const p of problems) out.error(p);
    return trace;
  } catch (err) {
    if (err instanceof TraceReadError) { out.error(err.message); return undefined; }
    throw err;
  }
}
