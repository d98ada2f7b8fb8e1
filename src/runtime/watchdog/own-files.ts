// The agent's own bundles: frames in them are ours, never the user's blocking line.
import { join } from 'node:path';

export function ownFiles(): Set<string> {
  const dir = typeof __dirname === 'string' ? __dirname : '';
  const names = ['agent.cjs', 'watchdog-worker.cjs', 'esm-hooks.mjs'];
  return new Set(dir ? names.map((n) => join(dir, n)) : []);
}
