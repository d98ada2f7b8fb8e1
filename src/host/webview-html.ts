// The HTML page of the Loopscope webview: the shared webview bundle under a strict Content Security Policy.
// Only our own script (by nonce) runs; nothing from the traced program ever becomes markup (the bundle renders
// names and paths as text).
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlParts {
  /** webview.cspSource: the origin our resources are served from. */
  cspSource: string;
  /** Webview URIs (as strings) of dist/webview/webview.js and its stylesheet. */
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function webviewHtml(parts: WebviewHtmlParts): string {
  const nonce = parts.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${parts.cspSource} 'nonce-${nonce}'`,
    `img-src ${parts.cspSource} data:`,
    `font-src ${parts.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(parts.styleUri)}" nonce="${nonce}">
<title>Loopscope</title>
</head>
<body>
<div id="app" data-host="vscode"></div>
<script nonce="${nonce}" src="${escapeAttr(parts.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
