// How a task is named to a user. One place, so the terminal, the editor and the view say the same words.
import type { TaskKind } from '../protocol/events.ts';
import type { TaskNode } from './types.ts';

const KIND_NOUNS: Record<TaskKind, string> = {
  'main': 'main module',
  'async-function': 'async function',
  'timeout': 'setTimeout callback',
  'interval': 'setInterval callback',
  'immediate': 'setImmediate callback',
  'io': 'I/O callback',
  'then': 'promise callback',
  'promise-all': 'Promise.all',
  'promise-allSettled': 'Promise.allSettled',
  'promise-race': 'Promise.race',
  'promise-any': 'Promise.any',
};

/** What kind of thing a task is, in words: "setTimeout callback", "Promise.all". */
export function kindNoun(kind: TaskKind): string {
  return KIND_NOUNS[kind] ?? kind;
}

// Names that say nothing beyond the kind: the agent sends these for anonymous functions and bare API calls.
const GENERIC_NAMES = new Set([
  '', '(anonymous)', 'anonymous', '<anonymous>', '(unknown)',
  'setTimeout', 'setInterval', 'setImmediate', 'then', 'catch', 'finally',
  'Promise.all', 'Promise.allSettled', 'Promise.race', 'Promise.any',
  ...Object.values(KIND_NOUNS),
]);

/**
 * True when the name tells the user nothing more than the kind does. The agent names a task spawned from
 * code it did not transform after its kind ("timeout"), so a name equal to the task's own kind is generic
 * too; `async function timeout()` is not, being an async function.
 */
export function isGenericName(name: string, kind?: TaskKind): boolean {
  return GENERIC_NAMES.has(name) || name === kind;
}

/**
 * The task as one short phrase: "loadDashboard", "setTimeout callback", "fs.readFile callback",
 * "Promise.all", "main module". The agent names a callback task after the API it was handed to, so a
 * callback reads "<api> callback"; a generic name falls back to the kind's noun.
 */
export function taskLabel(node: Pick<TaskNode, 'kind' | 'name'>): string {
  const noun = kindNoun(node.kind);
  const generic = isGenericName(node.name, node.kind);
  switch (node.kind) {
    case 'main': return noun;
    case 'async-function': return generic ? noun : node.name;
    case 'promise-all': case 'promise-allSettled': case 'promise-race': case 'promise-any': return noun;
    default: return generic ? noun : /callback$/i.test(node.name) ? node.name : `${node.name} callback`;
  }
}
