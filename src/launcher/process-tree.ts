// Ending a program together with everything it started. On POSIX the program is spawned as the leader
// of its own process group (detached), so one kill(-pgid) reaches every descendant that did not leave
// the group on purpose; on Windows `taskkill /T` walks the tree.
import { spawn, type ChildProcess } from 'node:child_process';

export const OWN_PROCESS_GROUP = process.platform !== 'win32';

/** Sends `signal` to the program's whole process group (POSIX) or to the program (Windows). Never throws. */
export function signalTree(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    if (OWN_PROCESS_GROUP) process.kill(-child.pid, signal);
    else child.kill(signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

/** Forcefully ends the whole tree: SIGKILL to the group, or taskkill /T /F on Windows. */
export async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  if (OWN_PROCESS_GROUP) { signalTree(child, 'SIGKILL'); return; }
  await new Promise<void>((resolve) => {
    const p = spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    p.on('error', () => resolve());
    p.on('exit', () => resolve());
  });
}

/**
 * Polite first: SIGTERM to the tree, then SIGKILL to whatever is left after `graceMs` (including
 * descendants still running after the program itself exited).
 */
export async function stopTree(child: ChildProcess, exited: Promise<unknown>, graceMs = 2000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    if (OWN_PROCESS_GROUP) signalTree(child, 'SIGTERM');
    else { await killTree(child); await exited; return; }
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, graceMs).unref())]);
  }
  await killTree(child);
  await exited;
}
