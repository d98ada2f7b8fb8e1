// Settings handed from the launcher to the agent in the user's process, in one JSON environment
// variable (one variable, so the user's environment stays untouched otherwise).
import type { CaptureMode } from './events.ts';

export const AGENT_CONFIG_ENV = 'LOOPSCOPE_AGENT';

/**
 * When the watchdog runs V8's sampling profiler on the program's main thread: from the start ('always'),
 * from the first late heartbeat ('late'), or not at all ('never': stack snapshots only). Its samples give
 * the exact line of a block inside an uninterruptible builtin (JSON.parse) and tell stalls of code we do
 * not rewrite from callbacks; running costs the program a few percent on call-heavy code (bench/README.md).
 */
export type SamplerPolicy = 'always' | 'late' | 'never';
export const SAMPLER_POLICIES: readonly SamplerPolicy[] = ['always', 'late', 'never'];

export interface AgentConfig {
  /** Path of the per-run Unix socket / Windows named pipe the launcher listens on. */
  socket: string;
  mode: CaptureMode;
  thresholdMs: number;
  /** Most tasks the agent keeps track of at once; beyond it, new tasks are dropped and counted. */
  taskCap: number;
  /**
   * Tasks each call site records exactly before its further tasks are counted in tallies (TallyEvent); the
   * site earns exactPerSecond more each second, up to this many. 0: every task is recorded (no tallies).
   * The default refill is 10 a second: each refill sends a burst of exact tasks through paths the counted
   * steady state leaves cold, and at 100 a second that cost a busy HTTP server 0.03-0.05x of its throughput.
   */
  exactPerSite: number;
  exactPerSecond: number;
  /** Slices/callback runs shorter than this are only counted (in the task's settle aggregates), not sent. */
  runMinMs: number;
  /** Also instrument code under node_modules (more tasks, more overhead). */
  includeNodeModules: boolean;
  /** Child Node processes connect as runs of their own (the Loopscope Terminal) instead of being ignored. */
  followChildren: boolean;
  /** The watchdog's sampler; unset: 'never' (tree mode marks JSON.parse/stringify and counts turns instead). */
  sampler?: SamplerPolicy;
  /** Set by the agent for its child processes: they are not the root of the run. */
  child?: boolean;
}

export const DEFAULT_AGENT_CONFIG: Omit<AgentConfig, 'socket'> = {
  mode: 'tree', thresholdMs: 50, taskCap: 100_000, exactPerSite: 100, exactPerSecond: 10, runMinMs: 1, includeNodeModules: false, followChildren: false,
};

/** Reads the config from the environment value; undefined when absent or unusable (the agent then stays idle). */
export function parseAgentConfig(raw: string | undefined): AgentConfig | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<AgentConfig>;
    if (typeof v.socket !== 'string' || v.socket === '') return undefined;
    return { ...DEFAULT_AGENT_CONFIG, ...v, socket: v.socket };
  } catch {
    return undefined;
  }
}
