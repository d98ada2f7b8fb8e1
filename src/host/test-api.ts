// What activate() returns: a read-only window on the extension's state, for the integration suite and for
// other extensions that automate Loopscope. Plain data only, so a caller cannot break the host's state.
import type { RunController } from './run-controller.ts';
import type { HostRun } from './host-run.ts';
import type { SourceLocation } from '../protocol/index.ts';

export interface RunInfo {
  id: string;
  title: string;
  program: string | undefined;
  live: boolean;
  events: number;
  tasks: number;
  blocks: Array<{ durationMs: number; final: boolean; message: string; location?: SourceLocation }>;
  exit: { code: number | null; signal: string | null; reason: string } | undefined;
  /** pid of the traced program (from its process event). */
  pid: number | undefined;
  warnings: string[];
}

export interface LoopscopeApi {
  currentRun(): RunInfo | undefined;
  runs(): RunInfo[];
  /** Resolves when the current run (or the run with this id) has ended. */
  whenEnded(id?: string): Promise<RunInfo | undefined>;
  /** Resolves at the next run start (any source). */
  nextRun(): Promise<RunInfo>;
  statusBarText(): string;
  view(): { open: boolean; visible: boolean; runId: string | undefined; snapshots: number; deltas: number; deltaEvents: number };
}

export function runInfo(run: HostRun): RunInfo {
  const proc = run.events.find((e) => e.type === 'process');
  return {
    id: run.id, title: run.title, program: run.program, live: run.live, events: run.events.length, tasks: run.model.taskCount,
    blocks: run.model.blocks.map((b) => ({ durationMs: b.durationMs, final: b.final, message: run.model.describeBlock(b), location: b.location })),
    exit: run.exit && { code: run.exit.code, signal: run.exit.signal, reason: run.exit.reason },
    pid: proc?.type === 'process' ? proc.pid : undefined,
    warnings: [...run.warnings],
  };
}

export function createTestApi(controller: RunController): LoopscopeApi {
  const find = (id?: string) => (id ? controller.allRuns.find((r) => r.id === id) : controller.currentRun);
  return {
    currentRun: () => { const r = controller.currentRun; return r && runInfo(r); },
    runs: () => controller.allRuns.map(runInfo),
    whenEnded: (id) => new Promise((resolve) => {
      const run = find(id);
      if (!run) { resolve(undefined); return; }
      if (!run.live) { resolve(runInfo(run)); return; }
      const off = run.onChange((r) => { if (!r.live) { off(); resolve(runInfo(r)); } });
    }),
    nextRun: () => new Promise((resolve) => {
      const sub = controller.onDidStartRun((run) => { sub.dispose(); resolve(runInfo(run)); });
    }),
    statusBarText: () => controller.status.text,
    view: () => ({
      open: controller.panel.isOpen, visible: controller.panel.visible, runId: controller.panel.shownRun?.id, ...controller.panel.stats,
    }),
  };
}
