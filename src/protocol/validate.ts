// Validators for trace lines. They reject malformed input with a message that names the field,
// so a truncated or hand-edited trace says what is wrong instead of rendering nonsense.
import { CANCEL_REASONS, TASK_KINDS, type SourceLocation, type TraceLine } from './events.ts';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

type Check = (v: unknown) => string | null; // null: fine; else what was expected

const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'a finite number');
const int: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'a whole number ≥ 0');
const str: Check = (v) => (typeof v === 'string' ? null : 'a string');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'true or false');
const oneOf = (values: readonly string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? null : `one of ${values.join(', ')}`);
const nullable = (c: Check): Check => (v) => (v === null ? null : c(v));
const arrayOf = (c: Check): Check => (v) => {
  if (!Array.isArray(v)) return 'an array';
  for (let i = 0; i < v.length; i++) { const e = c(v[i]); if (e) return `an array whose items are ${e} (item ${i} is not)`; }
  return null;
};

function checkLocation(v: unknown): string | null {
  if (typeof v !== 'object' || v === null) return 'a location object {file, line, column}';
  const o = v as Record<string, unknown>;
  if (str(o.file)) return 'a location whose "file" is a string';
  if (int(o.line)) return 'a location whose "line" is a whole number';
  if (int(o.column)) return 'a location whose "column" is a whole number';
  if (o.function !== undefined && str(o.function)) return 'a location whose "function" is a string';
  return null;
}
const location: Check = checkLocation;

// Required fields per event type; `?` marks an optional field.
const SHAPES: Record<string, Record<string, Check>> = {
  header: { schema: str, 'createdBy?': str },
  process: { ts: num, pid: int, 'ppid?': int, argv: arrayOf(str), cwd: str, nodeVersion: str, platform: str, mode: oneOf(['tree', 'blocking']), thresholdMs: num, timeOrigin: num },
  spawn: { ts: num, id: int, parentId: int, kind: oneOf(TASK_KINDS), name: str, 'site?': location },
  run: { ts: num, id: int, dur: num },
  await: { ts: num, id: int, on: int },
  settle: { ts: num, id: int, state: oneOf(['resolved', 'rejected']), 'runs?': int, 'runMs?': num, 'awaits?': int },
  cancel: { ts: num, id: int, reason: oneOf(CANCEL_REASONS) },
  group: { ts: num, id: int, members: arrayOf(int) },
  tally: { ts: num, id: int, parentId: int, 'parentTally?': int, kind: oneOf(TASK_KINDS), name: str, 'site?': location, count: int, resolved: int, rejected: int, cancelled: int, runs: int, runMs: num, firstTs: num },
  block: { ts: num, id: int, final: bool, durationMs: num, cause: oneOf(['callback', 'stall']), 'taskId?': int, 'tallyId?': int, 'queuedMs?': num, 'location?': location, stack: arrayOf(location) },
  drop: { ts: num, count: int, reason: str },
  exit: { ts: num, code: nullable(int), signal: nullable(str), reason: oneOf(['exit', 'crash', 'killed', 'lost']), 'error?': str },
};

export const EVENT_TYPES = Object.keys(SHAPES);

/** Validates one parsed trace line. `where` prefixes the message (e.g. "line 12"). */
export function validateTraceLine(value: unknown, where = 'event'): Validation<TraceLine> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: `${where}: expected a JSON object` };
  }
  const o = value as Record<string, unknown>;
  const shape = typeof o.type === 'string' ? SHAPES[o.type] : undefined;
  if (!shape) {
    return { ok: false, error: `${where}: field "type": expected one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(o.type)?.slice(0, 40)}` };
  }
  for (const [key, check] of Object.entries(shape)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    const v = o[name];
    if (v === undefined) {
      if (optional) continue;
      return { ok: false, error: `${where} (${o.type}): field "${name}" is missing` };
    }
    const err = check(v);
    if (err) return { ok: false, error: `${where} (${o.type}): field "${name}": expected ${err}` };
  }
  return { ok: true, value: o as unknown as TraceLine };
}

export function isSourceLocation(v: unknown): v is SourceLocation {
  return checkLocation(v) === null;
}
