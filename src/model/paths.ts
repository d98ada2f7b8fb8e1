// Paths as a user reads them. Pure string work (no node:path) so the webview in a browser shares it.
import type { SourceLocation } from '../protocol/events.ts';

const WINDOWS_ABS = /^[A-Za-z]:[\\/]/;

/** True for the user's own code: a real file, not a Node builtin/internal and not under node_modules. */
export function isUserCode(file: string | undefined): boolean {
  if (!file) return false;
  if (file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<')) return false;
  if (file.startsWith('wasm://') || file.startsWith('evalmachine.')) return false;
  return !/[\\/]node_modules[\\/]/.test(file);
}

/** A file:// URL (what ESM stack frames carry) as a plain path; anything else unchanged. */
export function fileUrlToPath(file: string): string {
  if (!file.startsWith('file://')) return file;
  let p = file.slice('file://'.length);
  try { p = decodeURIComponent(p); } catch { /* keep the raw text: a malformed escape is still readable */ }
  // file:///C:/x → C:/x
  if (/^\/[A-Za-z]:[\\/]/.test(p)) p = p.slice(1);
  return p;
}

/** `file` relative to `cwd` when it lies under it (with the file's own separators); otherwise the absolute path. */
export function displayPath(file: string, cwd?: string): string {
  const path = fileUrlToPath(file);
  if (!cwd) return path;
  const windows = WINDOWS_ABS.test(path) || WINDOWS_ABS.test(cwd);
  const norm = (s: string) => (windows ? s.replace(/\\/g, '/').toLowerCase() : s);
  let base = norm(cwd);
  if (!base.endsWith('/')) base += '/';
  if (base === '/' || /^[a-z]:\/$/.test(base)) return path; // relative to a filesystem root reads worse than absolute
  const p = norm(path);
  if (p.length > base.length && p.startsWith(base)) return path.slice(base.length);
  return path;
}

/** `src/x.js:12:3` (column left out when `withColumn` is false or unknown). */
export function formatLocation(loc: SourceLocation, cwd?: string, withColumn = true): string {
  const file = displayPath(loc.file, cwd);
  if (!loc.line) return file;
  return withColumn && loc.column ? `${file}:${loc.line}:${loc.column}` : `${file}:${loc.line}`;
}

/** The last path segment: `app.js` from `/home/me/app.js`. */
export function baseName(file: string): string {
  const p = fileUrlToPath(file);
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
