// The `"type": "loopscope"` launch configuration: what the user may write in launch.json, and how it turns
// into launcher options. Pure (no vscode), so its rules are tested in plain Node.
import * as path from 'node:path';
import type { LaunchOptions } from '../launcher/types.ts';
import type { LoopscopeSettings } from './settings.ts';

export const DEBUG_TYPE = 'loopscope';

export interface LoopscopeLaunchConfig {
  type: string;
  request: string;
  name: string;
  program?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  runtimeExecutable?: string;
  runtimeArgs?: string[];
  threshold?: number;
}

/** File types Run Current File accepts (the agent preloads into plain Node; .ts needs a Node that strips types or tsx). */
export const RUNNABLE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

export function isRunnableFile(file: string): boolean {
  return RUNNABLE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

export class LaunchConfigError extends Error {}

/**
 * Checks a launch configuration and makes launcher options of it. `folder` is the workspace folder the
 * configuration belongs to (relative paths resolve against cwd, then the folder). Throws LaunchConfigError
 * with a message that says what to write.
 */
export function toLaunchOptions(
  config: LoopscopeLaunchConfig, settings: LoopscopeSettings, folder: string | undefined, baseEnv: NodeJS.ProcessEnv,
): LaunchOptions {
  if (typeof config.program !== 'string' || config.program.trim() === '') {
    throw new LaunchConfigError('The Loopscope launch configuration needs "program": the script to run, e.g. "${workspaceFolder}/index.js".');
  }
  if (config.args !== undefined && !isStringArray(config.args)) throw new LaunchConfigError('"args" must be an array of strings.');
  if (config.runtimeArgs !== undefined && !isStringArray(config.runtimeArgs)) throw new LaunchConfigError('"runtimeArgs" must be an array of strings.');
  if (config.threshold !== undefined && !(typeof config.threshold === 'number' && config.threshold > 0)) {
    throw new LaunchConfigError('"threshold" must be a number of milliseconds greater than 0.');
  }
  const cwd = resolveCwd(config.program, config.cwd, folder);
  const script = path.resolve(cwd, config.program);
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  // launch.json uses null to remove a variable (as the Node debugger does).
  for (const [k, v] of Object.entries(config.env ?? {})) {
    if (v === null) delete env[k];
    else env[k] = String(v);
  }
  return {
    script,
    args: config.args ?? [],
    cwd,
    env,
    nodePath: config.runtimeExecutable || settings.nodePath || 'node',
    runtimeArgs: config.runtimeArgs ?? [],
    agent: {
      mode: settings.mode,
      thresholdMs: config.threshold ?? settings.thresholdMs,
      taskCap: settings.taskCap,
      exactPerSite: settings.exactPerSite,
      includeNodeModules: settings.showNodeModules,
    },
    stdio: 'pipe',
  };
}

/** cwd as written (relative to the workspace folder), else the folder, else the program's own folder. */
export function resolveCwd(program: string, cwd: string | undefined, folder: string | undefined): string {
  return cwd ? path.resolve(folder ?? process.cwd(), cwd) : folder ?? path.dirname(path.resolve(program));
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}
