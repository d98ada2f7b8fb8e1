// Identifiers the transform injects into user code. They must never collide with the user's own names,
// so they carry a prefix no one writes by hand. The runtime object lives on globalThis under RUNTIME_GLOBAL.
export const RUNTIME_GLOBAL = '__loopscope';
/** Per-activation task variable declared at the top of every instrumented async function body. */
export const TASK_VAR = '$__lsT';
/** The hoisted per-file site table function appended at the end of the file. */
export const SITES_FN = '$__lsSites';
/** Catch parameter of the injected try/catch. */
export const ERROR_VAR = '$__lsE';

/** Callee names (global identifiers or method names) whose call sites the runtime wants to know. */
export const TRACKED_CALLEES: ReadonlySet<string> = new Set([
  'setTimeout', 'setInterval', 'setImmediate',
  'all', 'allSettled', 'race', 'any',
  'readFile', 'writeFile', 'appendFile', 'stat', 'lstat', 'readdir', 'open', 'close', 'access', 'mkdir', 'rmdir', 'rm',
  'unlink', 'rename', 'copyFile', 'readlink', 'realpath', 'mkdtemp', 'truncate', 'chmod',
]);

/**
 * Promise methods whose calls the rewrite hands to the runtime (tp/tf/tr/t0/tc), so Promise.prototype.then
 * is never patched: a patched `then` turns off V8's fast paths for Promise.all & co. and for every await of
 * a thenable (see then-calls.ts).
 */
export const THEN_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);
