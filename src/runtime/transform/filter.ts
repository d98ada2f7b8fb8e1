// Which files the transform touches: the user's own code. Never node_modules (unless asked), never
// Loopscope's own files, never anything that is not a JS/TS file on disk. Pure, so the loader thread,
// the main thread and the watchdog worker all decide the same way.
export interface FilterOptions {
  includeNodeModules: boolean;
  /** Directory of Loopscope's own runtime files (dist/runtime): never transformed. */
  ownDir: string;
}

const EXTENSIONS = /\.(?:js|mjs|cjs|jsx|ts|mts|cts)$/i;

export function shouldTransform(file: string, o: FilterOptions): boolean {
  if (!EXTENSIONS.test(file)) return false;
  if (!(file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file))) return false;
  const norm = file.replace(/\\/g, '/');
  if (!o.includeNodeModules && norm.includes('/node_modules/')) return false;
  const own = o.ownDir.replace(/\\/g, '/').replace(/\/?$/, '/');
  if (o.ownDir !== '' && norm.startsWith(own)) return false;
  return true;
}
