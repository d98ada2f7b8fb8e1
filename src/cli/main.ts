// The `loopscope` CLI entry (bundled to dist/cli.cjs, started by bin/loopscope.js).
import { parseCommand, UsageError, type Command } from './args.ts';
import { EXIT_LOOPSCOPE_ERROR } from './exit-status.ts';
import { exportCommand } from './export-command.ts';
import { stderrOutput } from './output.ts';
import { reportCommand } from './report-command.ts';
import { runCommand } from './run-command.ts';
import { HELP, VERSION } from './usage.ts';

async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`loopscope: ${err.message}\n${err.usage}\nRun "loopscope --help" for all options.\n`);
    return EXIT_LOOPSCOPE_ERROR;
  }
  switch (cmd.name) {
    case 'help': process.stdout.write(HELP); return 0;
    case 'version': process.stdout.write(`${VERSION}\n`); return 0;
    case 'run': return runCommand(cmd.args, stderrOutput(cmd.args.quiet));
    case 'report': return reportCommand(cmd.args, stderrOutput(false));
    case 'export': return exportCommand(cmd.args, stderrOutput(false));
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`loopscope: internal error (please report it): ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = EXIT_LOOPSCOPE_ERROR;
  },
);
