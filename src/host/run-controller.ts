// Starts runs and keeps every projection of the current one up to date: the view, the Slow Callbacks tree,
// the diagnostics and the status bar. Runs come from three places: a launch (Run Current File, F5), a
// Loopscope Terminal (any node started in it), and a trace file opened from disk.
import type * as vscodeApi from 'vscode';
import type { TraceEvent } from '../protocol/index.ts';
import type { LaunchOptions } from '../launcher/types.ts';
import { launch } from '../launcher/index.ts';
import { HostRun } from './host-run.ts';
import { BlockDiagnostics } from './block-diagnostics.ts';
import { SlowCallbacksTree } from './slow-callbacks-tree.ts';
import { RunStatusBar } from './status-bar.ts';
import { ViewPanel } from './view-panel.ts';

/** Projections are refreshed at most this often while events stream in. */
const REFRESH_MS = 150;
/** Finished runs kept (for Save Trace As / Export after the fact). */
const KEEP_RUNS = 10;

export interface ProgramOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export class RunController {
  readonly diagnostics: BlockDiagnostics;
  readonly tree: SlowCallbacksTree;
  readonly status: RunStatusBar;
  readonly panel: ViewPanel;
  private readonly runs: HostRun[] = [];
  private current: HostRun | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly toRefresh = new Set<HostRun>();
  private readonly startListeners = new Set<(run: HostRun) => void>();

  constructor(vscode: typeof vscodeApi, extensionUri: vscodeApi.Uri) {
    this.diagnostics = new BlockDiagnostics(vscode);
    this.tree = new SlowCallbacksTree(vscode);
    this.status = new RunStatusBar(vscode);
    this.panel = new ViewPanel(vscode, extensionUri);
  }

  get currentRun(): HostRun | undefined { return this.current; }
  get allRuns(): readonly HostRun[] { return this.runs; }
  get liveRuns(): HostRun[] { return this.runs.filter((r) => r.live); }

  /** Called for every run that starts (launched, from a terminal, or opened from a file). */
  onDidStartRun(listener: (run: HostRun) => void): vscodeApi.Disposable {
    this.startListeners.add(listener);
    return { dispose: () => this.startListeners.delete(listener) };
  }

  /** Launches a program with the agent; output goes to `output`. Throws the launcher's clear errors (missing script…). */
  async launch(opts: LaunchOptions, title: string, output: ProgramOutput): Promise<HostRun> {
    const session = await launch(opts);
    const run = new HostRun(title, opts.script, true);
    session.child.stdout?.setEncoding('utf8').on('data', (d: string) => output.stdout(d));
    session.child.stderr?.setEncoding('utf8').on('data', (d: string) => output.stderr(d));
    session.onEvents((batch) => run.append(batch));
    session.onWarning((message) => { run.warnings.push(message); output.stderr(`[loopscope] ${message}\n`); });
    run.stopper = () => session.stop();
    session.done.then((exit) => run.end(exit), (err: unknown) => {
      run.warnings.push(String(err));
      run.end();
    });
    this.adopt(run);
    return run;
  }

  /** Makes `run` the current one: the view, tree and status bar follow it; its program's old diagnostics go. */
  adopt(run: HostRun, reveal = true): void {
    if (run.program) {
      for (const old of this.runs) if (old.program === run.program && old !== run) this.diagnostics.clearFor(old);
    }
    this.runs.push(run);
    while (this.runs.length > KEEP_RUNS) {
      const i = this.runs.findIndex((r) => !r.live && r !== run);
      if (i < 0) break;
      this.runs.splice(i, 1);
    }
    this.current = run;
    run.onChange((r, batch) => this.onRunChange(r, batch));
    this.panel.attach(run);
    if (reveal) this.panel.show(run);
    this.tree.show(run);
    this.diagnostics.update(run);
    this.status.show(run);
    for (const l of [...this.startListeners]) l(run);
  }

  /** Stops the given run, or every live run. */
  async stop(run?: HostRun): Promise<number> {
    const targets = run ? [run] : this.liveRuns;
    await Promise.all(targets.map((r) => r.stopper?.().catch(() => undefined)));
    return targets.length;
  }

  dispose(): void {
    void this.stop();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.panel.dispose();
    this.tree.dispose();
    this.status.dispose();
    this.diagnostics.dispose();
  }

  private onRunChange(run: HostRun, _batch: TraceEvent[]): void {
    if (!run.live) { this.toRefresh.delete(run); this.refresh(run); return; } // the end shows at once
    this.toRefresh.add(run);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      const runs = [...this.toRefresh];
      this.toRefresh.clear();
      for (const r of runs) this.refresh(r);
    }, REFRESH_MS);
  }

  private refresh(run: HostRun): void {
    this.diagnostics.update(run);
    if (run === this.current) {
      this.tree.refresh();
      this.status.show(run);
    }
  }
}
