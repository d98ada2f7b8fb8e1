// Where the agent finds task tracking (engineer A's src/runtime/tasks/install.ts). Until that lands
// this returns undefined and the agent runs with blocking detection only.
import type { InstallTaskTracking } from './contracts.ts';

export function loadTaskTracking(): InstallTaskTracking | undefined {
  return undefined;
}
