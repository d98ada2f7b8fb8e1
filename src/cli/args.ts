// Command-line parsing: pure functions from argv to options, throwing UsageError with a message that
// names the bad option or value. Options come before the script; everything after it is the script's.
import { SAMPLER_POLICIES, type CaptureMode, type SamplerPolicy } from '../protocol/index.ts';
import { EXPORT_USAGE, REPORT_USAGE, RUN_USAGE } from './usage.ts';

export class UsageError extends Error {
  constructor(message: string, readonly usage: string) { super(message); }
}

export interface RunArgs {
  script: string;
  scriptArgs: string[];
  thresholdMs: number;
  mode: CaptureMode;
  trace?: string;
  summary?: string;
  failOnBlock: boolean;
  quiet: boolean;
  node?: string;
  includeNodeModules: boolean;
  taskCap?: number;
  /** Tasks recorded exactly per call site before the rest are counted (the agent's exactPerSite; 0 = every task). */
  exactPerSite?: number;
  /** The watchdog's sampling profiler (unset: the mode's default). */
  sampler?: SamplerPolicy;
}

export interface ReportArgs { trace: string; html?: string }
export interface ExportArgs { trace: string; chrome: string }

export type Command =
  | { name: 'help' } | { name: 'version' }
  | { name: 'run'; args: RunArgs } | { name: 'report'; args: ReportArgs } | { name: 'export'; args: ExportArgs };

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined: throw new UsageError('missing command', RUN_USAGE);
    case '-h': case '--help': case 'help': return { name: 'help' };
    case '-v': case '--version': case 'version': return { name: 'version' };
    case 'run': return { name: 'run', args: parseRunArgs(rest) };
    case 'report': return { name: 'report', args: parseReportArgs(rest) };
    case 'export': return { name: 'export', args: parseExportArgs(rest) };
    default:
      if (first.startsWith('-')) throw new UsageError(`unknown option ${first} (options go after the command)`, RUN_USAGE);
      throw new UsageError(`unknown command "${first}" (commands: run, report, export)`, RUN_USAGE);
  }
}

/** Splits `--name=value` and takes the value from the next argument otherwise. */
class ArgReader {
  private i = 0;
  constructor(private readonly argv: readonly string[], private readonly usage: string) {}
  get done(): boolean { return this.i >= this.argv.length; }
  peek(): string { return this.argv[this.i]; }
  next(): string { return this.argv[this.i++]; }
  rest(): string[] { const r = this.argv.slice(this.i); this.i = this.argv.length; return r; }
  /** The option's name and inline value (`--x=1` → ['--x', '1']). */
  option(arg: string): [string, string | undefined] {
    const eq = arg.indexOf('=');
    return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
  }
  value(name: string, inline: string | undefined, what: string): string {
    if (inline !== undefined) return inline;
    if (this.done || (this.peek().startsWith('-') && this.peek() !== '-')) throw new UsageError(`${name} needs a value: ${what}`, this.usage);
    return this.next();
  }
  flag(name: string, inline: string | undefined): true {
    if (inline !== undefined) throw new UsageError(`${name} takes no value`, this.usage);
    return true;
  }
}

function positiveNumber(name: string, raw: string, usage: string, integer: boolean): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name} must be a ${integer ? 'whole number' : 'number'} greater than 0, got "${raw}"`, usage);
  }
  return n;
}

/** `--exact <n|all>`: a whole number of tasks per call site, or `all` (0 in the agent's config: record every task). */
function exactPerSite(raw: string): number {
  if (raw.trim().toLowerCase() === 'all') return 0;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n <= 0) {
    throw new UsageError(`--exact must be a whole number of tasks per call site greater than 0, or "all" to record every task, got "${raw}"`, RUN_USAGE);
  }
  return n;
}

export function parseRunArgs(argv: readonly string[]): RunArgs {
  const r = new ArgReader(argv, RUN_USAGE);
  const out: Partial<RunArgs> & Pick<RunArgs, 'thresholdMs' | 'mode' | 'failOnBlock' | 'quiet' | 'includeNodeModules'> = {
    thresholdMs: 50, mode: 'tree', failOnBlock: false, quiet: false, includeNodeModules: false,
  };
  while (!r.done) {
    const arg = r.next();
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') { out.script = arg; break; }
    const [name, inline] = r.option(arg);
    switch (name) {
      case '--threshold': out.thresholdMs = positiveNumber(name, r.value(name, inline, 'milliseconds, e.g. --threshold 100'), RUN_USAGE, false); break;
      case '--mode': {
        const v = r.value(name, inline, 'tree or blocking');
        if (v !== 'tree' && v !== 'blocking') throw new UsageError(`--mode must be tree or blocking, got "${v}"`, RUN_USAGE);
        out.mode = v;
        break;
      }
      case '--trace': out.trace = r.value(name, inline, 'a file to write the trace to'); break;
      case '--summary': out.summary = r.value(name, inline, 'a file to write the JSON summary to'); break;
      case '--fail-on-block': out.failOnBlock = r.flag(name, inline); break;
      case '--quiet': case '-q': out.quiet = r.flag(name, inline); break;
      case '--node': out.node = r.value(name, inline, 'the path of a node executable'); break;
      case '--include-node-modules': out.includeNodeModules = r.flag(name, inline); break;
      case '--task-cap': out.taskCap = positiveNumber(name, r.value(name, inline, 'a number of tasks'), RUN_USAGE, true); break;
      case '--sampler': {
        const v = r.value(name, inline, SAMPLER_POLICIES.join(', '));
        const policy = SAMPLER_POLICIES.find((p) => p === v);
        if (policy === undefined) throw new UsageError(`--sampler must be always, late or never, got "${v}"`, RUN_USAGE);
        out.sampler = policy;
        break;
      }
      case '--exact': out.exactPerSite = exactPerSite(r.value(name, inline, 'tasks per call site, e.g. --exact 5000, or --exact all')); break;
      default: throw new UsageError(`unknown option ${name} for run`, RUN_USAGE);
    }
  }
  if (out.script === undefined) {
    if (r.done) throw new UsageError('missing the script to run', RUN_USAGE);
    out.script = r.next(); // after `--`
  }
  return { ...out, script: out.script, scriptArgs: r.rest() };
}

/** `<trace>` plus value options (name → what its value is), for the commands that read one trace. */
function parseTraceCommand(argv: readonly string[], command: string, usage: string, options: Record<string, string>): { trace?: string; values: Record<string, string> } {
  const r = new ArgReader(argv, usage);
  let trace: string | undefined;
  const values: Record<string, string> = {};
  while (!r.done) {
    const arg = r.next();
    const [name, inline] = r.option(arg);
    if (name in options) values[name] = r.value(name, inline, options[name]);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${name} for ${command}`, usage);
    else if (trace === undefined) trace = arg;
    else throw new UsageError(`unexpected argument "${arg}" (${command} reads one trace)`, usage);
  }
  return { trace, values };
}

export function parseReportArgs(argv: readonly string[]): ReportArgs {
  const { trace, values } = parseTraceCommand(argv, 'report', REPORT_USAGE, { '--html': 'the HTML file to write' });
  if (trace === undefined) throw new UsageError('missing the trace file to report on', REPORT_USAGE);
  const html = values['--html'];
  return html === undefined ? { trace } : { trace, html };
}

export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const { trace, values } = parseTraceCommand(argv, 'export', EXPORT_USAGE, { '--chrome': 'the Chrome Trace Event JSON file to write' });
  const chrome = values['--chrome'];
  if (chrome === undefined) throw new UsageError('missing --chrome <out.json> (the only export format)', EXPORT_USAGE);
  if (trace === undefined) throw new UsageError('missing the trace file to export', EXPORT_USAGE);
  return { trace, chrome };
}
