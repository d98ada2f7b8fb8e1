// Where the agent finds task tracking (engineer A's src/runtime/tasks/). One import, kept apart so the
// agent's entry reads the same whether or not tracking is built in.
import type { InstallTaskTracking } from './contracts.ts';
import { installTaskTracking } from './tasks/install.ts';

export function loadTaskTracking(): InstallTaskTracking | undefined {
  return installTaskTracking;
}
