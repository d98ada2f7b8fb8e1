// `loopscope run`: the program runs with its stdio untouched; Loopscope speaks on stderr only (block
// lines as they happen, tree + blocking summary at the end) and exits with the program's exit code.
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { launch, LaunchError, TraceWriter, type RunSession } from '../launcher/index.ts';
import { buildSummary, renderBlockingSummary, renderTaskTree, safeLine, TraceModel } from '../model/index.ts';
import type { ExitEvent } from '../protocol/index.ts';
import type { RunArgs } from './args.ts';
import { BlockLines } from './block-lines.ts';
import { EXIT_BLOCKED, EXIT_LOOPSCOPE_ERROR, exitStatus } from './exit-status.ts';
import type { Output } from './output.ts';
import { forwardSignals } from './signals.ts';
import { VERSION } from './usage.ts';

export async function runCommand(args: RunArgs, out: Output): Promise<number> {
  const cwd = process.cwd();
  // Output files are checked before the program starts: a typo must not cost a whole run.
  for (const [flag, file] of [['--trace', args.trace], ['--summary', args.summary]] as const) {
    const problem = file !== undefined ? outputFileProblem(file) : undefined;
    if (problem) { out.error(`${flag} ${file}: ${problem}`); return EXIT_LOOPSCOPE_ERROR; }
  }
  let writer: TraceWriter | undefined;
  try {
    if (args.trace) writer = new TraceWriter(path.resolve(args.trace), `loopscope ${VERSION}`);
    if (writer?.error) throw writer.error; // not even the header fits (a full disk)
  } catch (err) {
    out.error(`cannot write the trace ${args.trace}: ${(err as Error).message}`);
    return EXIT_LOOPSCOPE_ERROR;
  }

  let session: RunSession;
  try {
    session = await launch({
      script: args.script, args: args.scriptArgs, cwd, stdio: 'inherit', nodePath: args.node,
      agent: {
        mode: args.mode, thresholdMs: args.thresholdMs, includeNodeModules: args.includeNodeModules,
        ...(args.taskCap ? { taskCap: args.taskCap } : {}),
        ...(args.exactPerSite !== undefined ? { exactPerSite: args.exactPerSite } : {}),
        ...(args.sampler !== undefined ? { sampler: args.sampler } : {}),
      },
    });
  } catch (err) {
    writer?.close();
    if (writer) rmSync(writer.path, { force: true });
    if (err instanceof LaunchError) { out.error(err.message); return EXIT_LOOPSCOPE_ERROR; }
    throw err;
  }

  const model = new TraceModel();
  const lines = new BlockLines(model, (l) => out.info(l), cwd);
  const warnings: string[] = [];
  let analysing = true;
  session.onEvents((batch) => {
    writer?.append(batch);
    if (!analysing) return;
    try {
      model.apply(batch);
      lines.onBatch(batch);
    } catch (err) {
      // A bug of ours must not take the program down with us (it runs in its own process group):
      // say so once, keep recording the trace, and still exit with the program's code.
      analysing = false;
      out.error(`internal error while analysing the run (please report it); the trace is still recorded: ${(err as Error).stack ?? String(err)}`);
    }
  });
  session.onWarning((w) => warnings.push(w));
  const signals = forwardSignals(session);
  const exit = await session.done;
  signals.dispose();
  lines.dispose();
  writer?.close();

  let status = exitStatus(session.child.exitCode, session.child.signalCode);
  for (const w of warnings) out.info(`loopscope: ${w}`);
  if (writer?.error) out.error(`writing the trace stopped: ${writer.error.message}; ${writer.path} holds the events before that`);

  try {
    out.info('');
    if (args.mode === 'tree') out.info(renderTaskTree(model, { cwd }) + '\n');
    out.info(renderBlockingSummary(model, { cwd }));
  } catch (err) {
    out.error(`internal error while printing the report (please report it): ${(err as Error).stack ?? String(err)}`);
  }
  out.info(exitNote(exit, status));

  if (args.summary) {
    try {
      writeFileSync(args.summary, JSON.stringify(buildSummary(model, { thresholdMs: args.thresholdMs }), null, 2) + '\n');
    } catch (err) {
      out.error(`cannot write the summary ${args.summary}: ${(err as Error).message}`);
    }
  }
  if (writer && !writer.error) out.info(`loopscope: trace written to ${writer.path} (open it with: loopscope report ${quoteArg(shortPath(writer.path, cwd))})`);

  if (args.failOnBlock && status === 0) {
    const over = model.blockList().filter((b) => b.durationMs >= args.thresholdMs).length;
    if (over > 0) {
      out.info(`loopscope: exit code ${EXIT_BLOCKED} (--fail-on-block): ${over} block${over === 1 ? '' : 's'} of the event loop over ${args.thresholdMs} ms`);
      status = EXIT_BLOCKED;
    }
  }
  return status;
}

/** One line saying how the program ended, including what the shell would say about its exit code. */
export function exitNote(exit: ExitEvent, status: number): string {
  switch (exit.reason) {
    case 'crash': return `loopscope: the program crashed${exit.error ? ` (${firstLine(exit.error)})` : ''}, exit code ${status}`;
    case 'killed': return `loopscope: the program was killed by ${exit.signal ?? 'a signal'} (exit code ${status})`;
    case 'lost': return `loopscope: the program ended with exit code ${status}; the agent did not report its exit, so the end of the trace may be missing`;
    default: return `loopscope: the program exited with code ${status}`;
  }
}

/** Why `file` cannot be written, or undefined if it can. */
function outputFileProblem(file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) return `the folder ${dir} does not exist`;
  if (existsSync(file) && statSync(file).isDirectory()) return 'is a folder';
  return undefined;
}

/** The error's first line, made safe for a terminal (it is the program's text, not ours). */
function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return safeLine(i < 0 ? s : s.slice(0, i), 300);
}

/** Relative to cwd when the file is under it, else absolute. */
function shortPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function quoteArg(s: string): string {
  return /^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
