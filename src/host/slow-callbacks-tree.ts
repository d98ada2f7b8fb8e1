// The native "Slow Callbacks" tree: the blocks of the run in the view, longest first. Selecting one opens the
// line that blocked.
import type * as vscodeApi from 'vscode';
import * as path from 'node:path';
import { type Block, blockLocation, fileUrlToPath } from '../model/index.ts';
import type { HostRun } from './host-run.ts';

export const OPEN_LOCATION_COMMAND = 'loopscope.openLocation';

export class SlowCallbacksTree implements vscodeApi.TreeDataProvider<Block> {
  private readonly changed: vscodeApi.EventEmitter<void>;
  readonly onDidChangeTreeData: vscodeApi.Event<void>;
  private run: HostRun | undefined;

  constructor(private readonly vscode: typeof vscodeApi) {
    this.changed = new vscode.EventEmitter<void>();
    this.onDidChangeTreeData = this.changed.event;
  }

  show(run: HostRun | undefined): void { this.run = run; this.changed.fire(); }
  refresh(): void { this.changed.fire(); }

  getChildren(element?: Block): Block[] {
    if (element || !this.run) return [];
    return [...this.run.model.blocks].sort((a, b) => b.durationMs - a.durationMs);
  }

  getTreeItem(block: Block): vscodeApi.TreeItem {
    const vscode = this.vscode;
    const message = this.run?.model.describeBlock(block) ?? `${Math.round(block.durationMs)} ms`;
    const item = new vscode.TreeItem(message, vscode.TreeItemCollapsibleState.None);
    item.id = `${this.run?.id}:${block.id}`;
    const loc = blockLocation(block);
    if (loc) {
      item.description = `${path.basename(fileUrlToPath(loc.file))}:${loc.line}`;
      item.tooltip = `${message}\n${fileUrlToPath(loc.file)}:${loc.line}:${loc.column}`;
      item.command = { command: OPEN_LOCATION_COMMAND, title: 'Open the blocking line', arguments: [loc] };
    } else {
      item.description = 'no user code on the stack';
    }
    // A block still going shows a spinner; once the run is over nothing is still going, whatever the last report said.
    item.iconPath = new vscode.ThemeIcon(block.final || !this.run?.live ? 'warning' : 'loading~spin');
    item.contextValue = 'loopscope.block';
    return item;
  }

  dispose(): void { this.changed.dispose(); }
}
