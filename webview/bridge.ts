// Talks to whoever hosts the page. In VS Code: acquireVsCodeApi() (messages, saved UI state). Standalone
// (CLI HTML report, tests): the trace comes from an inline JSON element or window.postMessage, and
// "open location" is shown as text because there is no editor to open it in.
import type { ViewToHost } from '../src/protocol/index.ts';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}

declare global {
  interface Window { acquireVsCodeApi?: () => VsCodeApi }
}

export interface Bridge {
  readonly inVsCode: boolean;
  post(msg: ViewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
  /** Calls `handler` with every message from the host (raw: validate before use). */
  onMessage(handler: (data: unknown) => void): void;
}

export function createBridge(): Bridge {
  const api = typeof window.acquireVsCodeApi === 'function' ? window.acquireVsCodeApi() : undefined;
  return {
    inVsCode: api !== undefined,
    post(msg) {
      if (api) api.postMessage(msg);
      // Standalone pages have no host; tests and embedders can listen for what the view would have sent.
      else window.dispatchEvent(new CustomEvent('loopscope:to-host', { detail: msg }));
    },
    getState: () => api?.getState(),
    setState: (s) => api?.setState(s),
    onMessage(handler) {
      window.addEventListener('message', (e: MessageEvent) => {
        // Standalone, only this page may feed the view (not another window holding a reference to it).
        if (!api && e.source !== window) return;
        handler(e.data);
      });
    },
  };
}

/** The header a standalone report carries in <script type="application/json" id="loopscope-trace">, unparsed. */
export function inlineTraceText(): string | undefined {
  const node = document.getElementById('loopscope-trace');
  return node?.textContent ?? undefined;
}

