// Webview entry (esbuild → dist/webview/webview.js, iife). The same bundle runs in a VS Code webview panel
// and standalone (CLI HTML report, tests): standalone data comes from an inline JSON element or postMessage.
import './styles.css';
import { App } from './app.ts';
import { createBridge, inlineEventChunks, inlineTraceText } from './bridge.ts';
import { parseInlineTrace } from './ingest.ts';
import { VIEW_PROTOCOL_VERSION } from '../src/protocol/index.ts';

function start(): void {
  const root = document.getElementById('loopscope') ?? document.body.appendChild(document.createElement('div'));
  const bridge = createBridge();
  const app = new App(root, bridge);
  (window as unknown as { loopscope: App }).loopscope = app; // for tests, benchmarks and the console
  // In VS Code the host is the only source of data (it owns the state).
  const inline = bridge.inVsCode ? undefined : inlineTraceText();
  if (inline !== undefined) {
    const parsed = parseInlineTrace(inline);
    if (!parsed.ok) app.showError(parsed.error);
    else if (parsed.value.chunks !== undefined) {
      const chunks = inlineEventChunks();
      app.loadStandalone(parsed.value.title, chunks);
      if (chunks.length !== parsed.value.chunks) app.showError(`The report is cut off: it should hold ${parsed.value.chunks} blocks of events but holds ${chunks.length}; showing what is there.`);
    } else app.loadStandalone(parsed.value.title, [parsed.value.events ?? []]);
  }
  // Tell the host we can take messages (it answers with hello + snapshot).
  bridge.post({ type: 'ready', version: VIEW_PROTOCOL_VERSION });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
