// Entry of task tracking (called by agent.ts on the main thread in 'tree' mode): puts the runtime the
// transformed code calls on globalThis.__loopscope, patches the task-spawning APIs, and hooks module
// loading (CJS _compile, ESM module.register) so the user's files are transformed as they load.
import type { AgentConfig } from '../../protocol/index.ts';
import type { InstallTaskTracking, RecordSink, TaskTracking } from '../contracts.ts';
import { RUNTIME_GLOBAL } from '../transform/names.ts';
import { builtin } from './builtin.ts';
import { installCjsHook } from './cjs-hook.ts';
import { preciseTicks } from './clock.ts';
import { createTaskCore } from './core.ts';
import { patchFs } from './patch-fs.ts';
import { patchPromise } from './patch-promise.ts';
import { patchTimers } from './patch-timers.ts';
import { thenCalls } from './then-calls.ts';
import { installStackColumns } from './stack-columns.ts';
import { rewriteLoaded, type LoadResult } from '../transform/load-rewrite.ts';
import { createTransformHost, typeStripper } from './transform-host.ts';

export interface InstallOptions {
  /** Directory holding esm-hooks.mjs (and the agent itself, never transformed). Default: found next to this file. */
  runtimeDir?: string;
  /** Register the ESM load hook (default true). */
  esm?: boolean;
}

export const installTaskTracking: InstallTaskTracking = (config, sink, shared) => installWith(config, sink, shared, {});

export function installWith(config: AgentConfig, sink: RecordSink, shared: Float64Array, opts: InstallOptions): TaskTracking | undefined {
  const g = globalThis as any;
  if (g[RUNTIME_GLOBAL] !== undefined) return undefined; // installed already (the agent loaded twice)
  try {
    const perf = builtin('perf_hooks').performance as { now(): number };
    const core = createTaskCore({
      sink, shared, taskCap: Math.max(1, config.taskCap), runMinMs: config.runMinMs,
      ticks: preciseTicks, exactPerSite: config.exactPerSite, exactPerSecond: config.exactPerSecond,
    });
    const runtimeDir = opts.runtimeDir ?? findRuntimeDir();
    const host = createTransformHost({ includeNodeModules: config.includeNodeModules, ownDir: runtimeDir ?? '' });
    const then = thenCalls(core, Promise.prototype.then);
    const api = {
      s: core.s, w: core.w, r: core.r, c: core.c, x: core.x, e: core.e, k: core.k, m: core.m, u: core.u, fa: core.fa, R: core.R,
      tp: then.tp, tq: then.tq, tf: then.tf, tr: then.tr, t0: then.t0, tc: then.tc,
      /** Original position of a (1-based) position in a transformed file: lines never move, columns map back. */
      mapPosition(file: string, line: number, column: number): { file: string; line: number; column: number } {
        try { return { file, line, column: host.mapper.mapColumn(file, line, column) }; } catch { return { file, line, column }; }
      },
      now: () => perf.now(),
    };
    Object.defineProperty(g, RUNTIME_GLOBAL, { value: api, enumerable: false, writable: false, configurable: true });
    try {
      const origThen = patchPromise(core);
      patchTimers(core, origThen);
      patchFs(core, origThen);
      try { builtin('module').syncBuiltinESMExports?.(); } catch { /* named ESM imports of builtins keep the originals */ }
      installCjsHook(host);
      installStackColumns({ mapColumn: (f, l, c) => host.mapper.mapColumn(f, l, c), ownDir: runtimeDir ?? '' });
      if (opts.esm !== false && runtimeDir) registerEsmHooks(runtimeDir, config.includeNodeModules);
    } catch {
      core.disable(); // the transformed code keeps working; nothing more is recorded
    }
    return { flush: () => { try { core.flush(); } catch { /* never throws */ } } };
  } catch {
    return undefined;
  }
}

/** dist/runtime when bundled (esm-hooks.mjs next to agent.cjs); the built dist/runtime when run from source. */
function findRuntimeDir(): string | undefined {
  const fs = builtin('fs');
  const path = builtin('path');
  for (const dir of [__dirname, path.resolve(__dirname, '../../../dist/runtime')]) {
    if (fs.existsSync(path.join(dir, 'esm-hooks.mjs'))) return dir;
  }
  return undefined;
}

/** Whether the program's entry (process.argv[1]) is an ES module: .mjs/.mts, or .js/.ts under "type": "module". */
export function entryIsModule(): boolean {
  const path = builtin('path');
  const fs = builtin('fs');
  const entry = process.argv[1];
  if (!entry) return false;
  const file = path.resolve(entry);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: unknown };
      return pkg.type === 'module';
    } catch { /* no (readable) package.json here: look further up */ }
    if (path.dirname(dir) === dir) return false;
  }
}

function registerEsmHooks(runtimeDir: string, includeNodeModules: boolean): void {
  const mod = builtin('module');
  // Node ≥22.15 / 23.5: synchronous in-thread hooks: no loader thread to start (tens of ms at start-up).
  if (typeof mod.registerHooks === 'function') {
    const filter = { includeNodeModules, ownDir: runtimeDir };
    const strip = typeStripper();
    const toPath = builtin('url').fileURLToPath as (u: string) => string;
    mod.registerHooks({
      load(url: string, context: unknown, nextLoad: (u: string, c: unknown) => LoadResult): LoadResult {
        const result = nextLoad(url, context);
        try { return rewriteLoaded(url, result, filter, strip && ((src) => strip(src, '')), toPath) ?? result; } catch { return result; }
      },
    });
    return;
  }
  if (typeof mod.register !== 'function') return;
  // Node 20: module.register starts a loader thread and blocks until it is up (~0.3 s here). Only an ES
  // module entry needs it from the start; a CommonJS program is fully served by the _compile hook
  // (ES modules it import()s later are then not transformed: documented).
  if (!entryIsModule()) return;
  const url = builtin('url').pathToFileURL(builtin('path').join(runtimeDir, 'esm-hooks.mjs')).href;
  mod.register(url, { data: { includeNodeModules, ownDir: runtimeDir } });
}
