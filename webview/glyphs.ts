// Codicon-like glyphs without a font: unicode marks styled by CSS, so nothing is fetched.
import type { TaskKind } from '../src/protocol/index.ts';
import type { TaskState } from '../src/model/types.ts';
import { GROUP_KINDS } from '../src/protocol/index.ts';

const KIND_GLYPH: Record<TaskKind, string> = {
  'main': '◆', 'async-function': 'ƒ', 'timeout': '◷', 'interval': '↻', 'immediate': '»', 'io': '⇄', 'then': '→',
  'promise-all': '⋀', 'promise-allSettled': '⋀', 'promise-race': '⚑', 'promise-any': '⋁',
};


export const STATE_GLYPH: Record<TaskState, string> = { pending: '◌', resolved: '✓', rejected: '✗', cancelled: '⊘' };

export function kindGlyph(k: TaskKind): string { return KIND_GLYPH[k] ?? '•'; }
export function isGroupKind(k: TaskKind): boolean { return GROUP_KINDS.has(k); }

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 100) return `${ms.toFixed(0)} ms`;
  if (a >= 1) return `${ms.toFixed(1)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}
