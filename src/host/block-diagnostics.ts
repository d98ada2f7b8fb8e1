// Every block becomes a Warning at the line that blocked (Problems panel + squiggle), with related information
// pointing at where the blocked task was spawned. Diagnostics belong to a program: when that program runs
// again, its old ones go.
import type * as vscodeApi from 'vscode';
import type { SourceLocation } from '../protocol/index.ts';
import type { HostRun } from './host-run.ts';
import { blockLocation } from '../model/index.ts';
import { diskPath } from './locations.ts';

type VS = typeof vscodeApi;

export class BlockDiagnostics {
  private readonly collection: vscodeApi.DiagnosticCollection;
  /** program (or run id for traces without one) → file → diagnostics. */
  private readonly byOwner = new Map<string, Map<string, vscodeApi.Diagnostic[]>>();

  constructor(private readonly vscode: VS) {
    this.collection = vscode.languages.createDiagnosticCollection('loopscope');
  }

  /** Recomputes the diagnostics of `run` (cheap: one per block). */
  update(run: HostRun): void {
    const files = new Map<string, vscodeApi.Diagnostic[]>();
    for (const block of run.model.blocks) {
      const loc = blockLocation(block);
      const file = loc && diskPath(loc.file);
      if (!loc || !file) continue;
      const d = new this.vscode.Diagnostic(this.lineRange(loc), run.model.describeBlock(block), this.vscode.DiagnosticSeverity.Warning);
      d.source = 'Loopscope';
      d.code = block.cause === 'stall' ? 'event-loop-stall' : 'event-loop-block';
      const task = run.model.blockOwner(block);
      const spawnFile = task?.site && diskPath(task.site.file);
      if (task?.site && spawnFile) {
        d.relatedInformation = [new this.vscode.DiagnosticRelatedInformation(
          new this.vscode.Location(this.vscode.Uri.file(spawnFile), this.lineRange(task.site)),
          `the blocked task (${task.name}) was spawned here`,
        )];
      }
      let list = files.get(file);
      if (!list) files.set(file, (list = []));
      list.push(d);
    }
    this.replaceOwner(ownerOf(run), files);
  }

  /** A new run of this program starts: its previous diagnostics are stale. */
  clearFor(run: HostRun): void { this.replaceOwner(ownerOf(run), new Map()); }

  clearAll(): void { this.byOwner.clear(); this.collection.clear(); }

  dispose(): void { this.collection.dispose(); }

  private replaceOwner(owner: string, files: Map<string, vscodeApi.Diagnostic[]>): void {
    const touched = new Set([...(this.byOwner.get(owner)?.keys() ?? []), ...files.keys()]);
    if (files.size === 0) this.byOwner.delete(owner); else this.byOwner.set(owner, files);
    for (const file of touched) {
      const all: vscodeApi.Diagnostic[] = [];
      for (const m of this.byOwner.values()) all.push(...(m.get(file) ?? []));
      this.collection.set(this.vscode.Uri.file(file), all);
    }
  }

  /** From the reported column to the end of the line: the squiggle covers the statement, not the whole indent. */
  private lineRange(loc: SourceLocation): vscodeApi.Range {
    const line = Math.max(0, loc.line - 1);
    const col = Math.max(0, loc.column - 1);
    return new this.vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER);
  }
}

function ownerOf(run: HostRun): string { return run.program ?? run.id; }
