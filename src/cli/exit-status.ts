// The CLI's own exit code mirrors the program's, the way a shell reports it.
import { constants } from 'node:os';

export const EXIT_LOOPSCOPE_ERROR = 2;
export const EXIT_BLOCKED = 3;

/** The program's exit code; killed by signal n → 128 + n, like a shell. */
export function exitStatus(code: number | null, signal: string | null): number {
  if (code !== null) return code;
  const n = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
  return n !== undefined ? 128 + n : 1;
}
