// `loopscope report <trace> --html out.html`: one self-contained page. The webview bundle and its CSS are
// inlined; the trace travels as inert JSON in <script type="application/json"> (every `<` escaped, so a
// task named "</script><script>…" stays text); a strict CSP with a per-file nonce allows only those two
// blocks, and nothing is fetched from anywhere.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACE_SCHEMA, type TraceEvent } from '../protocol/index.ts';

export interface HtmlReportOptions {
  title?: string;
  /** Folder holding webview.js and webview.css (default: the built dist/webview next to the CLI). */
  assetsDir?: string;
}

export interface HtmlReportAssets { script: string; css: string }

export class HtmlReportError extends Error {}

/** Events per embedded JSON block. */
const CHUNK_EVENTS = 50000;

/** The built webview bundle. Looks next to dist/cli.cjs, then in the repo's dist/ (when run from sources). */
export function loadWebviewAssets(assetsDir?: string): HtmlReportAssets {
  const dirs = assetsDir ? [assetsDir] : [join(__dirname, 'webview'), join(__dirname, '..', '..', 'dist', 'webview')];
  for (const dir of dirs) {
    const js = join(dir, 'webview.js');
    if (existsSync(js)) {
      const cssFile = join(dir, 'webview.css');
      return { script: readFileSync(js, 'utf8'), css: existsSync(cssFile) ? readFileSync(cssFile, 'utf8') : '' };
    }
  }
  throw new HtmlReportError(`cannot find the webview bundle (webview.js) in ${dirs.join(' or ')}: run \`npm run build\` first`);
}

/** JSON that is safe inside <script>: no `<` (so no `</script>` or `<!--`), no U+2028/9. */
export function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Pure: the page as a string, from events and the webview assets. */
export function renderHtmlReport(events: readonly TraceEvent[], assets: HtmlReportAssets, opts: { title?: string; nonce?: string } = {}): string {
  const nonce = opts.nonce ?? randomBytes(18).toString('base64');
  const title = opts.title ?? 'Loopscope report';
  const csp = [
    "default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, 'img-src data:', "font-src 'none'",
    "connect-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-src 'none'", "object-src 'none'",
  ].join('; ');
  // Bundled code may contain "</script" or "<!--" inside strings/regexes; `<\/` means the same there.
  const script = assets.script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
  const css = assets.css.replace(/<\/(style)/gi, '<\\/$1');
  // Events go in chunks of separate JSON blocks after the script: the page reads each one as soon as the
  // browser has parsed it, so the first tasks appear long before a million events are read.
  const chunks: string[] = [];
  for (let i = 0; i < events.length; i += CHUNK_EVENTS) {
    chunks.push(`<script type="application/json" class="loopscope-events">${inertJson(events.slice(i, i + CHUNK_EVENTS))}</script>\n`);
  }
  const data = inertJson({ schema: TRACE_SCHEMA, title, chunks: chunks.length });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(`Loopscope: ${title}`.slice(0, 200))}</title>
<style nonce="${nonce}">${css}</style>
</head>
<body>
<div id="loopscope"></div>
<script type="application/json" id="loopscope-trace">${data}</script>
<script nonce="${nonce}">${script}</script>
${chunks.join('')}
</body>
</html>
`;
}

/** Writes the standalone HTML report for `events` to `outPath`. */
export function writeHtmlReport(events: TraceEvent[], outPath: string, opts: HtmlReportOptions = {}): void {
  const assets = loadWebviewAssets(opts.assetsDir);
  writeFileSync(outPath, renderHtmlReport(events, assets, { title: opts.title }));
}
