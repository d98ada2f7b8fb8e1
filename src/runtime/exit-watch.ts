// Tells how the process ended, without changing how it ends. 'uncaughtExceptionMonitor' sees a fatal
// error (an uncaught throw, or an unhandled rejection being raised as one) before Node's default
// handling and changes nothing about it; 'exit' then runs with the code Node chose.
import { performance } from 'node:perf_hooks';
import type { ExitEvent } from '../protocol/index.ts';

export interface ExitWatch {
  /** Called once at 'exit' with the event to send; must not throw (it is wrapped anyway). */
  onExit(handler: (ev: ExitEvent) => void): void;
}

export function watchExit(): ExitWatch {
  let crash: string | undefined;
  process.on('uncaughtExceptionMonitor', (err: unknown) => {
    try {
      // With an 'uncaughtException' listener the program survives: not a crash (yet).
      if (process.listenerCount('uncaughtException') > 0) return;
      crash = describeError(err);
    } catch { /* never throw from here */ }
  });
  return {
    onExit(handler) {
      process.on('exit', (code: number) => {
        try {
          const ev: ExitEvent = {
            type: 'exit', ts: performance.now(), code: typeof code === 'number' ? code : null, signal: null,
            reason: crash !== undefined ? 'crash' : 'exit',
          };
          if (crash !== undefined) ev.error = crash;
          handler(ev);
        } catch { /* the program's exit must not change because of us */ }
      });
    },
  };
}

/** A one-line description of whatever was thrown (any value can be thrown; some throw on toString). */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) {
      const stackFirst = typeof err.stack === 'string' ? err.stack.split('\n').find((l) => /^\s+at /.test(l))?.trim() : undefined;
      return `${err.name}: ${err.message}${stackFirst ? ` (${stackFirst})` : ''}`;
    }
    return `Uncaught ${typeof err === 'string' ? JSON.stringify(err) : String(err)}`;
  } catch {
    return 'Uncaught (an error that could not be described)';
  }
}
