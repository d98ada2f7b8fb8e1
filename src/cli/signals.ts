// The program runs in its own process group (so stop() can end its whole tree), which means terminal
// signals reach only us: pass them on to the program's group, as a shell would. A second Ctrl+C kills
// the whole tree at once. Ctrl+Z stops the program with us and `fg` resumes both (SIGSTOP, because the
// kernel drops SIGTSTP sent to a group with no parent in its session).
import { killTree, signalTree, type RunSession } from '../launcher/index.ts';

const FORWARDED: NodeJS.Signals[] = process.platform === 'win32' ? ['SIGINT', 'SIGBREAK'] : ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

export function forwardSignals(session: RunSession): { dispose(): void } {
  let interrupts = 0;
  const forward = (sig: NodeJS.Signals): void => {
    if (sig === 'SIGINT' && ++interrupts > 1) { void killTree(session.child); return; } // the impatient second Ctrl+C
    // On Windows the console already delivered Ctrl+C to the program; we only must not die of it.
    if (process.platform !== 'win32') signalTree(session.child, sig);
  };
  const suspend = (): void => {
    signalTree(session.child, 'SIGSTOP');
    process.kill(process.pid, 'SIGSTOP'); // what SIGTSTP would have done to us without a handler
  };
  const resume = (): void => { signalTree(session.child, 'SIGCONT'); };
  const jobControl = process.platform !== 'win32';
  for (const s of FORWARDED) process.on(s, forward);
  if (jobControl) { process.on('SIGTSTP', suspend); process.on('SIGCONT', resume); }
  return {
    dispose: () => {
      for (const s of FORWARDED) process.off(s, forward);
      if (jobControl) { process.off('SIGTSTP', suspend); process.off('SIGCONT', resume); }
    },
  };
}
