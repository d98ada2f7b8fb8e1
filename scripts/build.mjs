// Builds the separate bundles: extension host, CLI, runtime agent (+ its ESM hooks and watchdog), webview.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
const node = { ...common, platform: 'node', target: 'node20' };

const entries = [
  // The agent is preloaded into someone else's program: one self-contained CJS file, no dependencies at run time.
  { ...node, entryPoints: ['src/runtime/agent.ts'], outfile: 'dist/runtime/agent.cjs', format: 'cjs' },
  { ...node, entryPoints: ['src/runtime/esm-hooks.ts'], outfile: 'dist/runtime/esm-hooks.mjs', format: 'esm' },
  { ...node, entryPoints: ['src/runtime/watchdog-worker.ts'], outfile: 'dist/runtime/watchdog-worker.cjs', format: 'cjs' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.cjs', format: 'cjs' },
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode'] },
  { ...common, platform: 'browser', target: 'es2022', entryPoints: ['webview/main.ts'], outfile: 'dist/webview/webview.js', format: 'iife' },
].filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
}
