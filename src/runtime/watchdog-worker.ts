// The watchdog worker (bundled to dist/runtime/watchdog-worker.cjs). It owns the socket to the
// launcher, so reports leave the process even while the main thread is blocked, and it watches the
// main thread's heartbeat to find blocks. Nothing here may disturb the user's program: every failure
// ends in silence (the run then simply has fewer events).
import { performance } from 'node:perf_hooks';
import { workerData, parentPort } from 'node:worker_threads';
import { SYNC_EXITING, SYNC_FLUSH_ACK, SYNC_READY, SYNC_STARTING, type ToWorker, type WatchdogData } from './watchdog/messages.ts';
import { SocketWriter } from './watchdog/socket-writer.ts';
import { MainThreadProbe } from './watchdog/inspector-probe.ts';
import { Watchdog, type SamplerPolicy } from './watchdog/watchdog.ts';
import { ownFiles } from './watchdog/own-files.ts';
import { threadSchedReader } from './watchdog/thread-sched.ts';
import { debugLog } from './watchdog/debug-log.ts';
import { SHARED_BEAT_TS, SHARED_HEARTBEAT } from './contracts.ts';
import type { SourceLocation } from '../protocol/index.ts';

/** Drop counts are reported at most this often (and at exit). */
const DROP_REPORT_MS = 250;

function main(): void {
  const data = workerData as WatchdogData;
  const shared = new Float64Array(data.shared);
  const sync = new Int32Array(data.sync);
  // The main thread's clock, read from here: both clocks are monotonic, only their origins differ.
  const offset = performance.timeOrigin - data.mainTimeOrigin;
  const now = (): number => performance.now() + offset;
  // The main thread's heartbeat is driven from here (see heartbeat.ts): a beat is one message, asked
  // for by the watchdog's loop. The first is asked for at once: until it is, a free loop and a held one
  // look the same (no beat moves), and from it on a block in progress since before we came up can be
  // told (detector.ts).
  const askBeat = (): void => { if (Atomics.load(sync, SYNC_EXITING) === 0) parentPort?.postMessage(0); };
  askBeat();
  const firstAsk = now();
  // The main thread waits for this before the program starts (channel.ts); the first beat is asked already.
  Atomics.store(sync, SYNC_READY, 1);
  Atomics.notify(sync, SYNC_READY);
  debugLog(`worker up at ${firstAsk.toFixed(1)} (main clock); beat ${shared[SHARED_HEARTBEAT]} at ${shared[SHARED_BEAT_TS]}`);

  const writer = new SocketWriter(now);
  writer.connect(data.config.socket);
  const dropTimer = setInterval(() => writer.reportDrops(), DROP_REPORT_MS);

  parentPort?.on('message', (m: ToWorker) => {
    switch (m.t) {
      case 'records': writer.records(m.buf, m.count); break;
      case 'control': writer.control(m.msg); break;
      case 'dropped': writer.dropped(m.count, m.reason); break;
      case 'builtin-site': builtinSite(m.site, m.location); break;
      case 'flush': debugLog('flush requested'); void finishing().then(() => {
        // Our inspector session must be gone before the process exits: a connected session makes
        // Node print "Waiting for the debugger to disconnect..." to the user's stderr.
        closeProbe();
        // Drop counts go before the last message (exit): it must be the run's last event.
        writer.reportDrops();
        if (m.last) writer.control(m.last);
        writer.flush(() => {
        Atomics.store(sync, SYNC_FLUSH_ACK, m.seq);
        Atomics.notify(sync, SYNC_FLUSH_ACK);
        });
      }); break;
    }
  });
  // Defined below; a flush can only arrive after the watchdog exists (messages wait for this turn to end).
  let finishing = (): Promise<void> => Promise.resolve();
  let closeProbe = (): void => undefined;
  let builtinSite = (_site: number, _location: SourceLocation): void => undefined;

  let probe: MainThreadProbe | undefined;
  try { probe = new MainThreadProbe(); } catch { probe = undefined; }
  const watchdog = new Watchdog({
    thresholdMs: data.config.thresholdMs,
    heartbeatMs: data.heartbeatMs,
    shared,
    now,
    exiting: () => Atomics.load(sync, SYNC_EXITING) === 1,
    agentStarting: () => Atomics.load(sync, SYNC_STARTING) === 1,
    firstAsk,
    askBeat,
    probe,
    filter: { ownFiles: ownFiles() },
    emit: (event) => writer.control({ type: 'event', event }),
    sampler: samplerPolicy(data.config.sampler),
    hrOffsetMs: Number(process.hrtime.bigint()) / 1e6 - now(),
    // The main thread's tid is the process id (Linux).
    threadSched: threadSchedReader(process.pid),
  });
  watchdog.start();
  finishing = () => watchdog.finish().catch(() => undefined);
  closeProbe = () => probe?.close();
  builtinSite = (site, location) => watchdog.builtinSite(site, location);
  void dropTimer;
}

/**
 * Neither mode runs the sampler unless asked. Blocking-only mode must cost ≤1.1x: measured on the
 * await-heavy bench, starting the sampler at the first late heartbeat ('late') cost 1.3x of main-thread
 * time (Profiler.start logs all code, ~40 ms, and the program was one long stall), stack snapshots alone
 * ('never') 0.95-1.05x. Blocking mode so gives up the exact line of uninterruptible builtins (JSON.parse:
 * the statement after it) and telling stalls from callbacks (all 'callback'). Tree mode has both for the
 * user's own code without it: the rewrite marks JSON.parse/stringify calls, and counts turns. Always on,
 * the sampler cost the HTTP bench 0.02-0.04x of throughput for a server that never blocks, and every
 * start of it (at each block it testifies for, and each rotation) holds the main thread while V8 logs all
 * code: 6-45 ms on a small program, 110-200 ms with 400k objects on the heap. What tree mode gives up: an
 * uninterruptible builtin other than JSON's, or in code we do not rewrite, is placed at the statement after
 * it; a stall of code we do not rewrite is reported as 'callback'. The launcher's choice (`--sampler`)
 * comes in the config; LOOPSCOPE_SAMPLER=always|late|never in the program's environment overrides both.
 */
function samplerPolicy(chosen: SamplerPolicy | undefined): SamplerPolicy {
  const env = process.env.LOOPSCOPE_SAMPLER;
  if (env === 'always' || env === 'late' || env === 'never') return env;
  if (chosen === 'always' || chosen === 'late' || chosen === 'never') return chosen;
  return 'never';
}

try { main(); } catch { /* the run goes without the watchdog; the user's program is unaffected */ }
