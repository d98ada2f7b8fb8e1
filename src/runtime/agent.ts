// The agent (bundled to dist/runtime/agent.cjs), preloaded into the user's program with --require.
// It reads its settings from LOOPSCOPE_AGENT, starts the watchdog worker (which owns the socket to the
// launcher and watches for blocks), the heartbeat, and, in 'tree' mode, task tracking.
//
// Rules: never throw into the user's program, never change its output or exit code, never keep it
// alive (every timer unref'd), run only on the main thread: worker threads re-run preloads (our own
// watchdog worker included), and user worker threads are not traced as loops of their own.
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { AGENT_CONFIG_ENV, parseAgentConfig, WIRE_VERSION, type AgentConfig } from '../protocol/index.ts';
import { WorkerChannel } from './channel.ts';
import { markEnvForChildren, shouldRun } from './child-env.ts';
import { AGENT_STATE_KEY, type TaskTracking } from './contracts.ts';
import { watchExit } from './exit-watch.ts';
import { beat, HEARTBEAT_MS } from './heartbeat.ts';
import { processEvent } from './process-info.ts';
import { loadTaskTracking } from './task-tracking.ts';

/** How long the process may wait at exit for the last events to reach the socket. */
const EXIT_FLUSH_MS = 1500;
/** How often task tracking hands over what it buffered. */
const TRACKING_FLUSH_MS = 50;

interface AgentState { config: AgentConfig; active: boolean }

function start(): void {
  if (!isMainThread) return;
  const g = globalThis as Record<symbol, unknown>;
  if (g[AGENT_STATE_KEY]) return; // loaded twice (e.g. -r given twice): the first one runs
  const config = parseAgentConfig(process.env[AGENT_CONFIG_ENV]);
  if (!config) return;
  const state: AgentState = { config, active: false };
  g[AGENT_STATE_KEY] = state;
  markEnvForChildren(config);
  if (!shouldRun(config)) return;
  state.active = true;

  const channel = new WorkerChannel(config, join(__dirname, 'watchdog-worker.cjs'), HEARTBEAT_MS);
  channel.control({ type: 'hello', wire: WIRE_VERSION, process: processEvent(config), mode: config.mode });
  beat(channel.shared);

  let tracking: TaskTracking | undefined;
  if (config.mode === 'tree') {
    try { tracking = loadTaskTracking()?.(config, channel, channel.shared); } catch { tracking = undefined; }
  }
  // Driven by the worker's beat messages, not by a timer of ours (see heartbeat.ts).
  const flushEvery = Math.max(1, Math.round(TRACKING_FLUSH_MS / HEARTBEAT_MS));
  const t = tracking;
  channel.onBeat = t
    ? () => { if (beat(channel.shared) % flushEvery === 0) t.flush(); }
    : () => { beat(channel.shared); };

  watchExit().onExit((ev) => {
    try { tracking?.flush(); } catch { /* still send the exit */ }
    channel.flushAndWait(EXIT_FLUSH_MS, { type: 'event', event: ev });
  });
  // From here on, a held loop is the program's (setting onBeat above said so too; this says it where it is true).
  channel.started();
}

try { start(); } catch { /* the program runs as if we were not there */ }
