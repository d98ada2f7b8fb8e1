// `loopscope report <trace>`: the tree and blocking summary of a recorded run, on stdout (they are
// what was asked for). Problems with the file go to stderr, and whatever was readable is still shown.
import * as path from 'node:path';
import { renderBlockingSummary, renderTaskTree, TraceModel } from '../model/index.ts';
import type { ReportArgs } from './args.ts';
import { EXIT_LOOPSCOPE_ERROR, exitStatus } from './exit-status.ts';
import { HtmlReportError, writeHtmlReport } from './html-report.ts';
import type { Output } from './output.ts';
import { loadTraceFor } from './read-trace.ts';
import { exitNote } from './run-command.ts';

export async function reportCommand(args: ReportArgs, out: Output): Promise<number> {
  const trace = loadTraceFor(args.trace, out);
  if (!trace) return EXIT_LOOPSCOPE_ERROR;
  const { events } = trace;
  const model = new TraceModel(events);
  const cwd = model.info.process?.cwd ?? process.cwd();
  const text: string[] = [];
  if (model.info.process?.mode !== 'blocking') text.push(renderTaskTree(model, { cwd }));
  text.push(renderBlockingSummary(model, { cwd }));
  const exit = model.info.exit;
  if (exit) text.push(exitNote(exit, exitStatus(exit.code, exit.signal)).replace(/^loopscope: /, ''));
  process.stdout.write(text.map((t) => (t.endsWith('\n') ? t : t + '\n')).join('\n'));
  if (args.html) {
    try {
      writeHtmlReport(events, args.html, { title: `Loopscope: ${path.basename(args.trace)}` });
    } catch (err) {
      if (!(err instanceof HtmlReportError) && !(err as NodeJS.ErrnoException).code) throw err;
      out.error(`--html ${args.html}: ${(err as Error).message}`);
      return EXIT_LOOPSCOPE_ERROR;
    }
    out.info(`loopscope: wrote ${args.html} (a standalone page: open it in a browser)`);
  }
  return 0;
}
