// Where the agent bundle is. dist/cli.cjs and dist/extension.js are siblings of dist/runtime/, so a
// bundled launcher finds it next to itself; run from source (tests through tsx) it is ../../dist.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LaunchError } from './errors.ts';

export const AGENT_BUNDLE = path.join('runtime', 'agent.cjs');

export function agentBundleCandidates(here: string = __dirname): string[] {
  return [path.join(here, AGENT_BUNDLE), path.join(here, '..', '..', 'dist', AGENT_BUNDLE)];
}

/** Absolute path of dist/runtime/agent.cjs; a LaunchError saying how to build it when it is missing. */
export function findAgentBundle(explicit?: string): string {
  const candidates = explicit ? [path.resolve(explicit)] : agentBundleCandidates();
  for (const c of candidates) if (existsSync(c)) return c;
  throw new LaunchError('agent-not-built',
    `Loopscope's agent is missing (looked for ${candidates.join(', ')}). Run \`npm run build\` in the Loopscope folder.`);
}
