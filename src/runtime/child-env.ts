// Child processes inherit the environment, so a child `node` loads the agent too. Marking the config
// as `child` lets the agent in that child know it is not the root of the run (and stay idle unless
// followChildren asks every process to connect as a run of its own).
import { AGENT_CONFIG_ENV, type AgentConfig } from '../protocol/index.ts';

export function markEnvForChildren(config: AgentConfig): void {
  if (config.child) return;
  try {
    process.env[AGENT_CONFIG_ENV] = JSON.stringify({ ...config, child: true });
  } catch { /* a frozen/proxied env: children then look like roots; harmless */ }
}

/** Whether the agent in this process should do anything at all. */
export function shouldRun(config: AgentConfig): boolean {
  return !config.child || config.followChildren;
}
