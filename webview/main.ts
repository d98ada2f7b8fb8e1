// Webview entry (esbuild → dist/webview/webview.js, iife). The same bundle runs in a VS Code webview panel
// and standalone (CLI HTML report, tests): standalone data comes from an inline JSON element or postMessage.
import './styles.css';
import { App } from './app.ts';
import { createBridge, inlineTraceText } from './bridge.ts';
import { readInlineChunks } from './report-reader.ts';
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
      const expected = parsed.value.chunks;
      app.loadStandalone(parsed.value.title, []);
      readInlineChunks((text) => app.appendStandalone(text), (found) => {
        if (found !== expected) app.showError(`The report is cut off: it should hold ${expected} blocks of events but holds ${found}; showing what is there.`);
      });
    } else app.loadStandalone(parsed.value.title, [parsed.value.events ?? []]);
  }
  // Tell the host we can take messages (it answers with hello + snapshot).
  bridge.post({ type: 'ready', version: VIEW_PROTOCOL_VERSION });
}

// A report places its root element and header before this script and its event chunks after it: start at
// once and read the chunks as they are parsed. Elsewhere (VS Code's page), wait for the document.
if (document.readyState === 'loading' && !document.getElementById('loopscope')) document.addEventListener('DOMContentLoaded', start);
else start();
