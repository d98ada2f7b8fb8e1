// The real exports object of a Node builtin (not a bundler's namespace copy), so patching a property
// is seen by every `require('fs')` in the user's program.
import { createRequire } from 'node:module';

const req = createRequire(process.cwd() + '/');

export function builtin(name: string): any {
  const get = (process as any).getBuiltinModule as ((id: string) => unknown) | undefined;
  return get ? get(name) : req(name);
}
