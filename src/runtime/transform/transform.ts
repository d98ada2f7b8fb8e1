// The load-time source transform: makes every async function, await and known API call of the user's
// code report to the runtime (globalThis.__loopscope) with a few cheap calls instead of hooks.
//
// Rules it keeps (see docs in the runtime's README section):
// - Text is only ever INSERTED, never removed, and never a newline: line numbers stay exact and every
//   original line's text survives; a ColumnMap maps shifted columns back.
// - Anything it does not understand (parse error, odd input) leaves the source unchanged.
//
// Pure: no Node I/O, so the ESM loader thread and the main thread share it.
import { parse } from 'acorn';
import { addToColumnMap, type ColumnMap } from './column-map.ts';
import { inlineSourceMap } from './input-source-map.ts';
import { ERROR_VAR, RUNTIME_GLOBAL as G, SITES_FN, TASK_VAR, THEN_METHODS, TRACKED_CALLEES } from './names.ts';

export interface TransformOptions {
  /** Absolute path shown in sites. */
  file: string;
  /** 'commonjs' allows return outside functions; 'module' allows top-level await and import/export. */
  format: 'commonjs' | 'module';
}

export interface TransformResult {
  code: string;
  columnMap: ColumnMap;
  /** Number of sites in the file's table (async functions + tracked call sites). */
  siteCount: number;
}

/** Slots per site in the table: line, column (1-based, original), name, enclosing function name. */
export const SITE_FIELDS = 4;

const BARE_CALLEES = new Set(['setTimeout', 'setInterval', 'setImmediate', 'readFile', 'writeFile', 'appendFile', 'stat', 'lstat',
  'readdir', 'access', 'mkdir', 'rmdir', 'rm', 'unlink', 'rename', 'copyFile', 'readlink', 'realpath', 'mkdtemp']);

interface Insertion { pos: number; text: string; rank: number }
interface Node { type: string; start: number; end: number; [key: string]: any }

/** Transforms `source`; returns undefined when there is nothing to do or it cannot (the caller keeps the source). */
export function transformSource(source: string, opts: TransformOptions): TransformResult | undefined {
  try {
    return transformUnsafe(source, opts);
  } catch {
    return undefined;
  }
}

function transformUnsafe(source: string, opts: TransformOptions): TransformResult | undefined {
  // Already transformed (a CJS file the ESM loader handed on to require's compile): leave it.
  if (source.includes(`function ${SITES_FN}(){`)) return undefined;
  // Cheap pre-check: a file with none of the things we instrument is left alone without parsing.
  if (!/async|setTimeout|setInterval|setImmediate|\.then|Promise\.|JSON\.|readFile|writeFile|readdir|stat|mkdir|unlink|rename|copyFile|access|open/.test(source)) return undefined;
  const ast = parse(source, {
    ecmaVersion: 'latest',
    sourceType: opts.format === 'module' ? 'module' : 'script',
    allowHashBang: true,
    allowReturnOutsideFunction: opts.format === 'commonjs',
    allowAwaitOutsideFunction: opts.format === 'module',
  }) as unknown as Node;

  const lineStarts = computeLineStarts(source);
  const inserts: Insertion[] = [];
  const sites: unknown[] = [opts.file];
  let seq = 0;
  const open = (pos: number, text: string): void => { inserts.push({ pos, text, rank: 2e9 + ++seq }); };
  const close = (pos: number, text: string): void => { inserts.push({ pos, text, rank: 1e9 - ++seq }); };
  // Already-compiled input (tsx): sites name the original source's line and column.
  const original = inlineSourceMap(source);
  const addSite = (pos: number, name: string, fn: string): number => {
    const { line, column } = lineColumn(lineStarts, pos);
    const o = original?.(line, column);
    if (o) sites.push(o.line, o.column, name, fn);
    else sites.push(line, column + 1, name, fn);
    return (sites.length - 1) / SITE_FIELDS - 1;
  };

  // Walk state: the innermost function (its task expression, or null when it is not instrumented).
  interface Scope { task: string | null; name: string }
  const moduleScope: Scope = { task: opts.format === 'module' ? `${G}.R` : null, name: '' };
  const ancestors: Node[] = [];

  const visit = (node: Node, scope: Scope): void => {
    let inner = scope;
    switch (node.type) {
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': {
        const name = functionName(node, ancestors, source);
        if (node.async && !node.generator) {
          instrumentFunction(node, name);
          inner = { task: TASK_VAR, name: label(name, scope) };
        } else {
          inner = { task: null, name: label(name, scope) };
        }
        break;
      }
      case 'AwaitExpression':
        if (scope.task) {
          // What the awaited expression is decides which task it may be: a call's result is the child
          // that just returned; a variable may hold one returned earlier; anything else is neither.
          const arg = node.argument as Node;
          const how = arg.type === 'CallExpression' ? '' : arg.type === 'Identifier' || arg.type === 'MemberExpression' ? ',1' : ',0';
          open(node.start, `${G}.r(${scope.task},`);
          open(arg.start, `${G}.w(${scope.task},`);
          close(node.end, `${how}))`);
        }
        break;
      case 'ForOfStatement':
        if (node.await && scope.task) instrumentForAwait(node, scope.task);
        break;
      case 'CatchClause': case 'TryStatement': {
        // An await that throws never reaches r(): a catch or finally block is where the task runs again.
        const block = (node.type === 'CatchClause' ? node.body : node.finalizer) as Node | null;
        if (scope.task && block) open(block.start + 1, `${G}.c(${scope.task});`);
        break;
      }
      case 'CallExpression':
        instrumentCall(node, scope);
        break;
    }
    ancestors.push(node);
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (const c of v) if (c !== null && typeof c === 'object' && typeof c.type === 'string') visit(c, inner);
      } else if (typeof v.type === 'string') {
        visit(v as Node, inner);
      }
    }
    ancestors.pop();
  };

  const instrumentFunction = (fn: Node, name: string): void => {
    const parent = ancestors[ancestors.length - 1];
    const at0 = parent && (parent.type === 'MethodDefinition' || (parent.type === 'Property' && parent.method)) ? parent.start : fn.start;
    const site = addSite(at0, name, name);
    const head = `var ${TASK_VAR}=${G}.s(${SITES_FN},${site});try{`;
    const tail = `}catch(${ERROR_VAR}){${G}.x(${TASK_VAR});throw ${ERROR_VAR}}finally{${G}.e(${TASK_VAR})}`;
    const body = fn.body as Node;
    if (body.type !== 'BlockStatement') {
      // Expression body: becomes a block on the same line.
      // From just after `=>` to the arrow's end, so a parenthesized body keeps its parentheses.
      const params = fn.params as Node[];
      const arrow = findArrow(source, params.length > 0 ? params[params.length - 1]!.end : fn.start);
      open(arrow, `{${head}return (`);
      close(fn.end, `)${tail}}`);
      return;
    }
    // After the directive prologue, so 'use strict' stays a directive.
    let at = body.start + 1;
    let lead = '';
    for (const st of body.body as Node[]) {
      if (st.type === 'ExpressionStatement' && typeof st.directive === 'string') { at = st.end; lead = ';'; } else break;
    }
    open(at, lead + head);
    close(body.end - 1, tail);
  };

  const instrumentForAwait = (node: Node, task: string): void => {
    // The loop awaits implicitly: the iterable's next() ends the slice, the body (or the code after the
    // loop) starts the next. Labels stay on the loop: the wrapping block goes around the outermost label.
    let outer: Node = node;
    for (let i = ancestors.length - 1; i >= 0 && ancestors[i]!.type === 'LabeledStatement'; i--) outer = ancestors[i]!;
    open(outer.start, '{');
    open(node.right.start, `${G}.fa(${task},`);
    close(node.right.end, ')');
    const body = node.body as Node;
    if (body.type === 'BlockStatement') {
      open(body.start + 1, `${G}.r(${task},0);`);
    } else {
      open(body.start, `{${G}.r(${task},0);`);
      close(body.end, '}');
    }
    close(outer.end, `;${G}.r(${task},0)}`);
  };

  /**
   * `p.then(a, b)` → `G.tq(G.tp(p,sites,n).then(G.tf(a),G.tr(b)))` (one argument: `G.tf(a),...G.t0()`), `p.catch(b)` →
   * `G.tp(…).catch(G.tc(b))`, `p.finally(f)` → `G.tp(…).finally(G.tc(f))`. Insertions only: the receiver is
   * still evaluated first, and anything that is not a native promise gets its own arguments back untouched.
   */
  const instrumentThen = (node: Node, callee: Node, method: string, scope: Scope): boolean => {
    const args = node.arguments as Node[];
    if (args.length === 0 || args.length > 2 || args.some((a) => a.type === 'SpreadElement')) return false;
    if (callee.optional || node.optional) return false; // p?.then(…): left to the plain method
    const obj = callee.object as Node;
    const name = obj.type === 'Identifier' ? `${obj.name}.${method}` : method;
    const site = method === 'then' ? addSite((callee.property as Node).start, name, scope.name) : 0;
    if (method === 'then') { open(node.start, `${G}.tq(`); close(node.end, ')'); } // outermost: opened first
    open(obj.start, `${G}.tp(`);
    close(obj.end, `,${SITES_FN},${site})`);
    const wrap = (arg: Node, fn: string): void => { open(arg.start, `${G}.${fn}(`); close(arg.end, ')'); };
    if (method !== 'then') {
      if (args.length === 1) wrap(args[0]!, 'tc');
      return true;
    }
    wrap(args[0]!, 'tf');
    if (args.length === 2) wrap(args[1]!, 'tr');
    // Spread: no second argument at all unless the receiver is a native promise (a thenable's arity is its own).
    else open(args[0]!.end, `,...${G}.t0()`); // an opening: after the closing ')' of tf( at the same place
    return true;
  };

  const instrumentCall = (node: Node, scope: Scope): void => {
    const callee = node.callee as Node;
    if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier'
      && THEN_METHODS.has(callee.property.name) && callee.object.type !== 'Super') {
      instrumentThen(node, callee, callee.property.name, scope);
      return;
    }
    if (isUninterruptible(callee) && !node.optional) {
      markBuiltinCall(node, callee, scope);
      return;
    }
    let name: string | undefined;
    let pos = callee.start;
    if (callee.type === 'Identifier' && BARE_CALLEES.has(callee.name)) name = callee.name;
    else if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier'
      && TRACKED_CALLEES.has(callee.property.name) && callee.object.type !== 'Super') {
      name = callee.object.type === 'Identifier' ? `${callee.object.name}.${callee.property.name}` : callee.property.name;
      pos = callee.property.start;
    }
    if (name === undefined) return;
    const args = node.arguments as Node[];
    if (args.length === 0) return;
    let last = args[args.length - 1]!;
    if (last.type === 'SpreadElement') last = last.argument as Node;
    const site = addSite(pos, name, scope.name);
    // A combinator whose result the code around it handles gets its site as -(site + 1): the runtime may
    // then follow that result instead of each member (core.ts, group).
    const index = isCombinator(callee) && resultIsHandled(node, scope) ? -site - 1 : site;
    // k(value, site) evaluates the argument first (it may itself call tracked APIs), then sets the slot
    // that the patched API reads: nothing runs between it and the call.
    open(last.start, `${G}.k(`);
    close(last.end, `,${SITES_FN},${index})`);
  };

  /**
   * `JSON.parse(a)` → `G.u(JSON.parse(G.m(a,sites,n)))`: m() marks the call's site in the memory the
   * watchdog reads (after the arguments ran, right before the call), u() clears it after. A builtin that
   * cannot be interrupted answers no stack snapshot until it returns, and the snapshot then lands on the
   * statement after it: the mark names the call itself, live, without the sampler (watchdog.ts).
   */
  const markBuiltinCall = (node: Node, callee: Node, scope: Scope): void => {
    const args = node.arguments as Node[];
    if (args.length === 0) return;
    let last = args[args.length - 1]!;
    if (last.type === 'SpreadElement') last = last.argument as Node;
    const prop = callee.property as Node;
    const site = addSite(prop.start, `JSON.${prop.name as string}`, scope.name);
    open(node.start, `${G}.u(`);
    close(node.end, ')');
    open(last.start, `${G}.m(`);
    close(last.end, `,${SITES_FN},${site})`);
  };

  /**
   * Whether the promise a call returns is handled by the code around it: awaited, or returned from an
   * async function (which adopts it) with no finally block around the return that could override it.
   */
  const resultIsHandled = (node: Node, scope: Scope): boolean => {
    const parent = ancestors[ancestors.length - 1];
    if (parent === undefined || scope.task === null) return false;
    if (parent.type === 'AwaitExpression') return true;
    const arrowBody = parent.type === 'ArrowFunctionExpression' && parent.body === node;
    // Only an instrumented async function adopts what it returns (the module scope has a task too: R).
    if (scope.task !== TASK_VAR || (parent.type !== 'ReturnStatement' && !arrowBody)) return false;
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const a = ancestors[i]!;
      if (a.type === 'TryStatement' && a.finalizer) return false;
      if (a.type === 'FunctionDeclaration' || a.type === 'FunctionExpression' || a.type === 'ArrowFunctionExpression') return true;
    }
    return false;
  };

  visit(ast, moduleScope);
  if (inserts.length === 0) return undefined;

  // The hoisted site table goes after the last top-level statement, on its line.
  const body = ast.body as Node[];
  const tablePos = body.length > 0 ? body[body.length - 1]!.end : ast.end;
  inserts.push({ pos: tablePos, text: `;function ${SITES_FN}(){return ${JSON.stringify(sites)}}`, rank: 1.5e9 });

  inserts.sort((a, b) => a.pos - b.pos || a.rank - b.rank);
  const columnMap: ColumnMap = new Map();
  let out = '';
  let from = 0;
  for (const ins of inserts) {
    out += source.slice(from, ins.pos) + ins.text;
    from = ins.pos;
    const { line, column } = lineColumn(lineStarts, ins.pos);
    addToColumnMap(columnMap, line, column, ins.text.length);
  }
  out += source.slice(from);
  return { code: out, columnMap, siteCount: (sites.length - 1) / SITE_FIELDS };
}

const COMBINATORS: ReadonlySet<string> = new Set(['all', 'allSettled', 'race', 'any']);

/** `Promise.all(…)` & co. on the global Promise (a local that shadows it is not patched: its slot is never read). */
function isCombinator(callee: Node): boolean {
  return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier'
    && callee.object.name === 'Promise' && callee.property.type === 'Identifier' && COMBINATORS.has(callee.property.name);
}

/**
 * `JSON.parse(…)` / `JSON.stringify(…)`: the builtins a program most often blocks in without any JavaScript
 * frame of its own to interrupt (their callbacks, a reviver or toJSON, are interruptible and seen as such).
 */
function isUninterruptible(callee: Node): boolean {
  return callee.type === 'MemberExpression' && !callee.computed && !callee.optional && callee.object.type === 'Identifier'
    && callee.object.name === 'JSON' && callee.property.type === 'Identifier'
    && (callee.property.name === 'parse' || callee.property.name === 'stringify');
}

/** Offset just after the `=>` that follows `from` (skipping comments and the closing parenthesis). */
function findArrow(source: string, from: number): number {
  for (let i = from; i < source.length - 1; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '*') { const end = source.indexOf('*/', i + 2); if (end < 0) break; i = end + 1; continue; }
    if (c === '/' && source[i + 1] === '/') { while (i < source.length && !/[\n\r\u2028\u2029]/.test(source[i]!)) i++; continue; }
    if (c === '=' && source[i + 1] === '>') return i + 2;
  }
  throw new Error('arrow without =>');
}

/** The name a user would call this function by. */
function functionName(fn: Node, ancestors: Node[], source: string): string {
  if (fn.id?.name) return fn.id.name as string;
  const parent = ancestors[ancestors.length - 1];
  if (!parent) return '(anonymous)';
  const keyName = (key: Node, computed: boolean): string => {
    if (!computed && key.type === 'Identifier') return key.name as string;
    if (key.type === 'PrivateIdentifier') return '#' + (key.name as string);
    if (key.type === 'Literal') return String(key.value);
    return `[${source.slice(key.start, Math.min(key.end, key.start + 40))}]`;
  };
  switch (parent.type) {
    case 'VariableDeclarator': return parent.id.type === 'Identifier' ? parent.id.name : '(anonymous)';
    case 'AssignmentExpression': case 'AssignmentPattern': {
      const left = parent.left as Node;
      if (left.type === 'Identifier') return left.name as string;
      if (left.type === 'MemberExpression') return keyName(left.property, left.computed);
      return '(anonymous)';
    }
    case 'Property': return keyName(parent.key, parent.computed);
    case 'MethodDefinition': case 'PropertyDefinition': {
      const cls = ancestors[ancestors.length - 3];
      const method = keyName(parent.key, parent.computed);
      const className = cls?.id?.name ?? (cls && ancestors[ancestors.length - 4]?.type === 'VariableDeclarator' ? ancestors[ancestors.length - 4]!.id.name : undefined);
      return className ? `${className}.${method}` : method;
    }
    default: return '(anonymous)';
  }
}

/** What a call site's enclosing function is called: an anonymous callback is named for the function around it. */
function label(name: string, outer: { name: string }): string {
  return name === '(anonymous)' && outer.name !== '' ? outer.name : name;
}

/** Offsets where each line starts, with every line terminator V8 counts (\n, \r\n, \r, U+2028, U+2029). */
export function computeLineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029) starts.push(i + 1);
    else if (c === 13) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** 1-based line, 0-based column of an offset. */
export function lineColumn(lineStarts: number[], pos: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= pos) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, column: pos - lineStarts[lo]! };
}
