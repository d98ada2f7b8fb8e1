// Problems found before or while starting a program: each message says what to do about it.
export type LaunchErrorCode = 'script-not-found' | 'no-ts-runtime' | 'agent-not-built' | 'node-not-found' | 'spawn-failed';

export class LaunchError extends Error {
  readonly code: LaunchErrorCode;
  constructor(code: LaunchErrorCode, message: string) {
    super(message);
    this.name = 'LaunchError';
    this.code = code;
  }
}
