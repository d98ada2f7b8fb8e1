// The program runs in its own process group (so stop() can end its whole tree), which means a Ctrl+C
// in the terminal reaches only us: pass terminal signals on to the program's group, as a shell would.
// A second Ctrl+C ends the whole tree at once.
import { signalTree, type RunSession } from '../launcher/index.ts';

const FORWARDED: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export function forwardSignals(session: RunSession): { dispose(): void } {
  let interrupts = 0;
  const handler = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && ++interrupts > 1) { void session.stop(); return; }
    // On Windows the console already delivered Ctrl+C to the program; we only must not die of it.
    if (process.platform !== 'win32') signalTree(session.child, sig);
  };
  for (const s of FORWARDED) process.on(s, handler);
  return { dispose: () => { for (const s of FORWARDED) process.off(s, handler); } };
}
