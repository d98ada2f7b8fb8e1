// The per-run local channel's address: a Unix socket inside a fresh private (0700) temp folder, so no
// other user can connect or squat the name; a named pipe with a random name on Windows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ChannelPath {
  path: string;
  /** Removes the socket and its folder (idempotent). */
  remove(): void;
}

export function createChannelPath(): ChannelPath {
  if (process.platform === 'win32') {
    return { path: `\\\\.\\pipe\\loopscope-${process.pid}-${randomBytes(8).toString('hex')}`, remove: () => {} };
  }
  // mkdtemp creates the folder with mode 0700. Unix socket paths are limited to ~104 bytes: a short
  // name, and /tmp when the configured temp dir is deep.
  const base = os.tmpdir().length > 60 ? '/tmp' : os.tmpdir();
  const dir = mkdtempSync(path.join(base, 'loopscope-'));
  return {
    path: path.join(dir, 'agent.sock'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
