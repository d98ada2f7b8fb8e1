// The Loopscope webview panel. The host owns the state (HostRun); the webview is a disposable projection:
// it gets a full snapshot whenever it (re)loads or becomes visible, and event deltas only while visible.
// No retainContextWhenHidden: a hidden view costs nothing and is rebuilt from the snapshot.
import type * as vscodeApi from 'vscode';
import { VIEW_PROTOCOL_VERSION, type HostToView, type TraceEvent, type ViewToHost, isSourceLocation } from '../protocol/index.ts';
import type { HostRun } from './host-run.ts';
import { webviewHtml } from './webview-html.ts';
import { openLocation } from './locations.ts';

export const VIEW_TYPE = 'loopscope.view';
/** Deltas are batched: one message per interval keeps a busy program from flooding the webview. */
const DELTA_INTERVAL_MS = 100;
/** From this many events a delta travels as JSON text (cheaper to post than cloning the objects). */
const BIG_BATCH = 1000;

export class ViewPanel {
  private panel: vscodeApi.WebviewPanel | undefined;
  private run: HostRun | undefined;
  private unsubscribe: (() => void) | undefined;
  private ready = false;
  private pending: TraceEvent[] = [];
  private pendingEnd = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts for tests and diagnosis: what this view was sent. */
  readonly stats = { snapshots: 0, deltas: 0, deltaEvents: 0 };

  constructor(private readonly vscode: typeof vscodeApi, private readonly extensionUri: vscodeApi.Uri) {}

  get visible(): boolean { return this.panel?.visible ?? false; }
  get isOpen(): boolean { return this.panel !== undefined; }
  get shownRun(): HostRun | undefined { return this.run; }

  /** Shows `run` (or the one already shown) and brings the panel up. */
  show(run?: HostRun, preserveFocus = true): void {
    if (run && run !== this.run) this.attach(run);
    if (!this.panel) this.create(preserveFocus);
    else this.panel.reveal(undefined, preserveFocus);
  }

  /** Switches the shown run without revealing the panel (a new run while the view is closed). */
  attach(run: HostRun): void {
    this.unsubscribe?.();
    this.run = run;
    this.pending = [];
    this.pendingEnd = false;
    this.unsubscribe = run.onChange((r, batch) => this.onRunChange(r, batch));
    this.sendSnapshot();
  }

  dispose(): void {
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
  }

  private create(preserveFocus: boolean): void {
    const vscode = this.vscode;
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Loopscope', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, {
      enableScripts: true,
      localResourceRoots: [root],
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'webview.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
    panel.onDidChangeViewState(() => {
      // A hidden webview's document is torn down (no retainContextWhenHidden): it says 'ready' again when it is
      // rebuilt and gets the snapshot then. One that kept its document (moved, not hidden) is refreshed at once.
      if (!panel.visible) this.ready = false;
      else if (this.ready) this.sendSnapshot();
    });
    panel.onDidDispose(() => {
      if (this.panel === panel) { this.panel = undefined; this.ready = false; }
    });
  }

  private onMessage(raw: unknown): void {
    const msg = raw as ViewToHost;
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'ready': {
        this.ready = true;
        this.post({ type: 'hello', version: VIEW_PROTOCOL_VERSION, theme: this.theme() });
        this.sendSnapshot();
        break;
      }
      case 'open-location':
        if (isSourceLocation(msg.location)) void openLocation(this.vscode, msg.location);
        break;
      case 'select-task':
        // Selection stays inside the view: opening an editor on every click would take the user's focus away.
        // Opening is explicit (open-location: double-click / Enter in the view).
        break;
    }
  }

  private onRunChange(run: HostRun, batch: TraceEvent[]): void {
    if (run !== this.run) return;
    if (!this.panel?.visible || !this.ready) { this.pending = []; return; } // the snapshot on return covers it
    for (const e of batch) this.pending.push(e);
    if (!run.live) this.pendingEnd = true;
    this.timer ??= setTimeout(() => this.flush(), DELTA_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const run = this.run;
    if (!run || !this.panel?.visible || !this.ready) { this.pending = []; return; }
    if (this.pending.length > 0) {
      const events = this.pending;
      this.pending = [];
      this.stats.deltas++;
      this.stats.deltaEvents += events.length;
      this.post(events.length >= BIG_BATCH
        ? { type: 'events', runId: run.id, events: [], eventsJson: JSON.stringify(events) }
        : { type: 'events', runId: run.id, events });
    }
    if (this.pendingEnd) { this.pendingEnd = false; this.post({ type: 'ended', runId: run.id }); }
  }

  private sendSnapshot(): void {
    const run = this.run;
    if (!run || !this.panel?.visible || !this.ready) return;
    this.pending = [];
    this.pendingEnd = false;
    this.stats.snapshots++;
    // As JSON text: postMessage copies one string quickly but clones a million event objects slowly (view-messages.ts).
    this.post({ type: 'snapshot', runId: run.id, title: run.title, live: run.live, events: [], eventsJson: JSON.stringify(run.events) });
    if (!run.live) this.post({ type: 'ended', runId: run.id });
  }

  private post(msg: HostToView): void { void this.panel?.webview.postMessage(msg); }

  private theme(): 'light' | 'dark' | 'high-contrast' {
    const k = this.vscode.window.activeColorTheme.kind;
    const K = this.vscode.ColorThemeKind;
    if (k === K.Light) return 'light';
    if (k === K.HighContrast || k === K.HighContrastLight) return 'high-contrast';
    return 'dark';
  }
}
