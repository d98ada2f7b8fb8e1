// How to start the user's entry file: checks it exists (before anything is spawned) and picks what
// node needs for TypeScript: the project's own tsx if it has one, else Node's type stripping (≥ 22.6).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LaunchError } from './errors.ts';

export interface EntryPlan {
  /** Absolute path of the script. */
  script: string;
  /** Arguments for node before the script (a TypeScript loader, when one is needed). */
  runtimeArgs: string[];
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

export function isTypeScriptEntry(script: string): boolean {
  return TS_EXTENSIONS.has(path.extname(script).toLowerCase());
}

/** The script's absolute path, resolved the way node resolves its main entry (extensions, folder index). */
export function resolveScript(script: string, cwd: string): string {
  const abs = path.resolve(cwd, script);
  if (isFile(abs)) return abs;
  try {
    return createRequire(path.join(cwd, 'noop.js')).resolve(abs);
  } catch {
    throw new LaunchError('script-not-found', `Cannot find the script ${abs}${script !== abs ? ` ("${script}" from ${cwd})` : ''}. Check the path.`);
  }
}

/** tsx as the user's project has it: resolved from the script's folder upward, like their own `import 'tsx'`. */
export function findProjectTsx(scriptDir: string): string | undefined {
  try {
    return createRequire(path.join(scriptDir, 'noop.js')).resolve('tsx');
  } catch {
    return undefined;
  }
}

/** Version ("20.20.2") of the node that will run the program. */
export function nodeVersionOf(nodePath: string): string {
  if (nodePath === process.execPath) return process.versions.node;
  const r = spawnSync(nodePath, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error || r.status !== 0) {
    throw new LaunchError('node-not-found', `Cannot run the Node executable ${nodePath}: ${r.error?.message ?? r.stderr.trim() ?? 'exit ' + r.status}`);
  }
  return r.stdout.trim();
}

/** `version` ("v22.6.0" or "22.6.0") is at least major.minor. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** True when the user already asked node for a TypeScript loader (their NODE_OPTIONS or runtime args). */
function hasOwnTsLoader(flags: string): boolean {
  return /(^|\s|["'=/\\])tsx(\W|$)|--(experimental-)?strip-types|--experimental-transform-types|ts-node/.test(flags);
}

export interface PlanInput {
  script: string;
  cwd: string;
  nodePath: string;
  /** The user's NODE_OPTIONS and runtime args, to respect a loader they chose themselves. */
  userFlags: string;
  /** Version of the node at nodePath, when already known (else asked from it, only for a .ts entry). */
  nodeVersion?: string;
}

export function planEntry(input: PlanInput): EntryPlan {
  const script = resolveScript(input.script, input.cwd);
  if (!isTypeScriptEntry(script) || hasOwnTsLoader(input.userFlags)) return { script, runtimeArgs: [] };
  const tsx = findProjectTsx(path.dirname(script));
  // --import takes a URL: a plain Windows path (C:\…) would be read as a URL scheme.
  if (tsx) return { script, runtimeArgs: ['--import', pathToFileURL(tsx).href] };
  const version = input.nodeVersion ?? nodeVersionOf(input.nodePath);
  if (path.extname(script).toLowerCase() !== '.tsx') {
    if (versionAtLeast(version, 23, 6)) return { script, runtimeArgs: [] };
    if (versionAtLeast(version, 22, 6)) return { script, runtimeArgs: ['--experimental-strip-types'] };
  }
  throw new LaunchError('no-ts-runtime',
    `Loopscope cannot run a ${path.extname(script)} file on Node v${version} without tsx: npm i -D tsx, or use Node ≥ 22.6.`);
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}
