// `loopscope export --chrome out.json <trace>`: Chrome Trace Event JSON for Perfetto / chrome://tracing.
import { writeFileSync } from 'node:fs';
import { toChromeTrace } from '../model/index.ts';
import type { ExportArgs } from './args.ts';
import { EXIT_LOOPSCOPE_ERROR } from './exit-status.ts';
import type { Output } from './output.ts';
import { loadTraceFor } from './read-trace.ts';

export async function exportCommand(args: ExportArgs, out: Output): Promise<number> {
  const trace = loadTraceFor(args.trace, out);
  if (!trace) return EXIT_LOOPSCOPE_ERROR;
  const chrome = toChromeTrace(trace.events);
  try {
    writeFileSync(args.chrome, JSON.stringify(chrome));
  } catch (err) {
    out.error(`cannot write ${args.chrome}: ${(err as Error).message}`);
    return EXIT_LOOPSCOPE_ERROR;
  }
  out.info(`loopscope: wrote ${chrome.traceEvents.length} trace events to ${args.chrome} (open it in https://ui.perfetto.dev or chrome://tracing)`);
  return 0;
}
