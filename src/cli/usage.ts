// What `loopscope --help` prints, and the one-line usages shown with a usage error.
import pkg from '../../package.json';

export const VERSION: string = pkg.version;

export const RUN_USAGE = 'usage: loopscope run [options] [--] <script> [args...]';
export const REPORT_USAGE = 'usage: loopscope report <trace.ndjson> [--html <out.html>]';
export const EXPORT_USAGE = 'usage: loopscope export --chrome <out.json> <trace.ndjson>';

export const HELP = `loopscope ${VERSION}: see what a Node.js program's event loop is doing.

${RUN_USAGE}
  Runs <script> with Loopscope's agent. Its stdin, stdout, stderr and exit code pass through unchanged;
  Loopscope writes to stderr: a line for each callback that blocked the event loop (naming the line that
  blocked), then the task tree and a summary of the blocks when the program ends.

  --threshold <ms>          report callbacks that hold the loop at least this long (default 50)
  --mode tree|blocking      tree: tasks and blocks (default); blocking: only blocks (lowest overhead)
  --trace <file>            record every event to <file> (NDJSON; read it with \`loopscope report\`)
  --summary <file>          write a JSON summary (tasks, counted tallies, blocks, exit code) to <file>
  --fail-on-block           exit with code 3 if the program exited 0 but something blocked the loop
  --quiet                   print nothing from Loopscope except errors
  --node <path>             the Node executable to run the script with (default: this one)
  --include-node-modules    also track tasks created inside node_modules
  --task-cap <n>            most tasks tracked at once; beyond it new tasks are counted, not tracked (default 100000)
  --exact <n|all>           tasks each call site records one by one (default 100, and 10 more each second); beyond
                            that a hot site's tasks are counted ("×N counted" in the tree); all: record every task
  --sampler always|late|never
                            V8's sampling profiler, which finds the exact line of a block inside an uninterruptible
                            builtin (tree mode finds JSON.parse/stringify in your code without it): from the
                            start (always), from the first slow turn (late), or never (the default); running,
                            it costs call-heavy servers a few percent

${REPORT_USAGE}
  Prints the task tree and the blocking summary of a recorded trace; --html writes a standalone page.

${EXPORT_USAGE}
  Converts a trace to Chrome Trace Event JSON, which https://ui.perfetto.dev and chrome://tracing open.

  loopscope --help | --version

Exit codes: the program's own (128+n when it was killed by signal n); 2 when Loopscope could not run
it or the command line was wrong; 3 with --fail-on-block.
`;
