// The user's Loopscope settings, read and checked in one place. Takes a getter rather than the vscode
// configuration object so the rules can be tested in plain Node.
import type { CaptureMode } from '../protocol/index.ts';

export interface LoopscopeSettings {
  thresholdMs: number;
  /** Node executable for runs; undefined: `node` from PATH. */
  nodePath: string | undefined;
  taskCap: number;
  /** Tasks each call site records one by one before the rest are counted (0: every task). */
  exactPerSite: number;
  mode: CaptureMode;
  showNodeModules: boolean;
}

export const SETTINGS_SECTION = 'loopscope';

export const DEFAULT_SETTINGS: LoopscopeSettings = {
  thresholdMs: 50, nodePath: undefined, taskCap: 100_000, exactPerSite: 100, mode: 'tree', showNodeModules: false,
};

type Get = (key: string) => unknown;

/** Bad values fall back to the default instead of failing a run: a typo in settings.json should not stop the user. */
export function readSettings(get: Get): LoopscopeSettings {
  const threshold = get('threshold');
  const nodePath = get('nodePath');
  const taskCap = get('taskCap');
  const mode = get('mode');
  const exact = get('exactPerSite');
  return {
    thresholdMs: typeof threshold === 'number' && threshold > 0 ? threshold : DEFAULT_SETTINGS.thresholdMs,
    nodePath: typeof nodePath === 'string' && nodePath.trim() !== '' ? nodePath.trim() : undefined,
    taskCap: typeof taskCap === 'number' && taskCap >= 1 ? Math.floor(taskCap) : DEFAULT_SETTINGS.taskCap,
    exactPerSite: typeof exact === 'number' && exact >= 0 ? Math.floor(exact) : DEFAULT_SETTINGS.exactPerSite,
    mode: mode === 'blocking' ? 'blocking' : 'tree',
    showNodeModules: get('showNodeModules') === true,
  };
}
