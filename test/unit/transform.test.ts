// The load-time transform: never moves a line, keeps every original character, maps columns back,
// and the transformed program behaves exactly like the original.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import vm from 'node:vm';
import { mapColumn, type ColumnMap } from '../../src/runtime/transform/column-map.ts';
import { transformSource } from '../../src/runtime/transform/transform.ts';

/** A do-nothing runtime: the transformed code must behave as the original with it. */
function passThroughRuntime(): Record<string, unknown> {
  return {
    s: () => ({}), w: (_t: unknown, x: unknown) => x, r: (_t: unknown, v: unknown) => v, c: () => {}, x: () => {}, e: () => {},
    k: (v: unknown) => v, m: (v: unknown) => v, u: (v: unknown) => v, fa: (_t: unknown, it: unknown) => it, R: {},
  };
}

/** Removes the inserted spans of one transformed line (per the column map) to get the original line back. */
function removeInserted(line: string, lineNo: number, map: ColumnMap): string {
  const list = map.get(lineNo) ?? [];
  let out = '';
  let from = 0;
  let shift = 0;
  for (let i = 0; i < list.length; i += 2) {
    const at = list[i]! + shift;
    out += line.slice(from, at);
    from = at + list[i + 1]!;
    shift += list[i + 1]!;
  }
  return out + line.slice(from);
}

function check(source: string, format: 'commonjs' | 'module' = 'commonjs'): string {
  const res = transformSource(source, { file: '/proj/app.js', format });
  assert.ok(res, 'expected the source to be transformed');
  const before = source.split(/\r\n|\r|\n|\u2028|\u2029/);
  const after = res.code.split(/\r\n|\r|\n|\u2028|\u2029/);
  assert.equal(after.length, before.length, 'line count changed');
  for (let i = 0; i < before.length; i++) assert.equal(removeInserted(after[i]!, i + 1, res.columnMap), before[i], `line ${i + 1} text changed`);
  return res.code;
}

async function runBoth(source: string): Promise<void> {
  const wrapped = `(async () => {${source}\n})()`;
  const code = check(wrapped);
  const run = async (text: string): Promise<unknown> => {
    const log: unknown[] = [];
    const ctx = vm.createContext({ __loopscope: passThroughRuntime(), log: (v: unknown) => log.push(v), setTimeout, Promise });
    const done = vm.runInContext(text, ctx) as Promise<unknown>;
    try { log.push(['result', await done]); } catch (err) { log.push(['error', String(err)]); }
    return JSON.stringify(log);
  };
  assert.equal(await run(code), await run(wrapped));
}

test('keeps lines and text: declarations, expressions, arrows, methods, class fields, default params, nesting', async () => {
  await runBoth(`
async function a(x = async () => 1) { const y = await x(); return y + 1 }
const b = async function named() { return await a() }
const c = async (v) => await v * 2
const d = async v => ({ v: await v })
class K { async m(q) { return await q } static async s() { return 's' } f = async () => await 5; #p = async () => 7; async q() { return await this.#p() } }
const o = { async m() { return await 1 }, n: async () => 2 }
async function nested() { async function inner() { return await 3 } return (await inner()) + (await o.m()) + (await o.n()) }
log(await a()); log(await b()); log(await c(3)); log(JSON.stringify(await d(4)));
const k = new K(); log(await k.m(9)); log(await K.s()); log(await k.f()); log(await k.q()); log(await nested())
`);
});

test('await in odd places: precedence, await await, template, comma, optional chaining, ternary', async () => {
  await runBoth(`
async function f(p) {
  const a = -await p, b = await await p, c = \`\${await p}!\`, d = (await p, await p)
  const e = (await Promise.resolve({ x: { y: 1 } }))?.x.y
  const g = await p ? await p : 0
  return [a, b, c, d, e, g, (await p) ** 1]
}
log(await f(Promise.resolve(2)))
`);
});

test('ASI: statements without semicolons stay separate statements', async () => {
  await runBoth(`
async function f(p) {
  let a = 1
  await p
  let b = a
  ;[a, b] = [b, a]
  const g = async () => 1
  ;(async () => { log('iife') })()
  return a + b + (await g())
}
log(await f(1))
`);
});

test('for await, labels, break/continue, try/catch/finally in the user code', async () => {
  await runBoth(`
async function* gen() { yield 1; yield 2; yield 3 }
async function f() {
  let sum = 0
  outer: for await (const v of gen()) { if (v === 2) continue outer; sum += v }
  for await (const v of [Promise.resolve(10), 20]) sum += v
  lbl: for await (const v of gen()) { for (;;) { if (v === 2) break lbl; break } sum += 100 }
  try { await Promise.reject(new Error('boom')) } catch (e) { sum += 1000 } finally { sum += 10000 }
  return sum
}
log(await f())
async function thrower() { await null; throw new TypeError('bad') }
try { await thrower() } catch (e) { log(e.message) }
`);
});

test("'use strict' stays a directive (strictness unchanged)", async () => {
  const code = check(`async function f() { 'use strict'; return this }\nasync function g() { "use strict"\n return this }\n`);
  const ctx = vm.createContext({ __loopscope: passThroughRuntime() });
  vm.runInContext(code, ctx);
  assert.equal(await vm.runInContext('f()', ctx), undefined);
  assert.equal(await vm.runInContext('g()', ctx), undefined);
});

test('hashbang, CRLF line endings, U+2028 in strings, top-level await in modules', () => {
  check('#!/usr/bin/env node\r\nasync function f() {\r\n  await 1\r\n}\r\nf()\r\n');
  check('const s = "a\u2028b"\nasync function f() { return await s }\n');
  const code = check('const v = await Promise.resolve(1)\nfor await (const x of [1]) console.log(x)\nexport {}\n', 'module');
  assert.match(code, /__loopscope\.w\(__loopscope\.R,/);
});

test('known API calls carry their site on the last argument, evaluated first', async () => {
  const code = check(`setTimeout(() => {}, 10)\nPromise.all([a(), b()])\nfs.readFile(p, 'utf8', cb)\np.then(...args)\n`);
  assert.match(code, /setTimeout\(\(\) => \{\}, __loopscope\.k\(10,\$__lsSites,0\)\)/);
  assert.match(code, /Promise\.all\(__loopscope\.k\(\[a\(\), b\(\)\],\$__lsSites,1\)\)/);
  assert.match(code, /p\.then\(\.\.\.args\)/, 'a spread .then call is left as it is');
});

test('a combinator whose result is awaited or returned by an async function gets its site as -(site + 1)', () => {
  const code = check([
    'async function a() { await Promise.all([x()]) }',
    'async function b() { return Promise.race([x()]) }',
    'const c = async () => Promise.any([x()])',
    'async function d() { const p = Promise.all([x()]); await p }',
    'async function e() { try { return Promise.all([x()]) } finally { f() } }',
    'function g() { return Promise.all([x()]) }',
    'async function h() { return Promise.all([x()]).then(f) }',
  ].join('\n') + '\n');
  const indexes = [...code.matchAll(/Promise\.\w+\(__loopscope\.k\(\[x\(\)\],\$__lsSites,(-?\d+)\)\)/g)].map((m) => Number(m[1]) < 0);
  // Handled: awaited, returned, an arrow's body. Not: kept in a variable, returned past a finally, returned
  // by a plain function (nothing adopts it), or a receiver of .then.
  assert.deepEqual(indexes, [true, true, true, false, false, false, false]);
});

test('JSON.parse and JSON.stringify calls are marked: site after the arguments, cleared with the result', async () => {
  const code = check('const v = JSON.parse(text)\nout(JSON.stringify(v, null, 2))\nJSON.parse(...args)\nJSON?.parse(t)\nJSON.parse?.(t)\nmy.JSON.parse(t)\n');
  assert.match(code, /const v = __loopscope\.u\(JSON\.parse\(__loopscope\.m\(text,\$__lsSites,0\)\)\)/);
  assert.match(code, /out\(__loopscope\.u\(JSON\.stringify\(v, null, __loopscope\.m\(2,\$__lsSites,1\)\)\)\)/);
  assert.match(code, /__loopscope\.u\(JSON\.parse\(\.\.\.__loopscope\.m\(args,\$__lsSites,2\)\)\)/);
  assert.match(code, /JSON\?\.parse\(t\)\nJSON\.parse\?\.\(t\)\nmy\.JSON\.parse\(t\)/, 'optional calls and other objects are left as they are');
  // The site names the call: `parse` on line 1, column 16.
  const table = /function \$__lsSites\(\)\{return (.*)\}$/.exec(code.trimEnd())![1]!;
  assert.deepEqual((JSON.parse(table) as unknown[]).slice(1, 5), [1, 16, 'JSON.parse', '']);
  // A file with JSON calls and nothing else we instrument is transformed too.
  assert.ok(transformSource('module.exports = JSON.parse(s)', { file: '/a.js', format: 'commonjs' }));
  // Behaviour: values, a reviver, a replacer, and a parse that throws.
  await runBoth('log(JSON.parse(\'{"a":[1,2]}\', (k, v) => (typeof v === "number" ? v * 10 : v)).a); log(JSON.stringify({ b: 1n === 1n }, ["b"])); try { JSON.parse("{bad") } catch (e) { log(e.name) }');
});

test('.then, .catch and .finally calls go through the runtime, receiver first, arguments in place', () => {
  const code = check('p.then(f)\nq.then(a, b).catch(c)\nr.finally(() => 0)\nx?.then(f)\n');
  assert.match(code, /__loopscope\.tq\(__loopscope\.tp\(p,\$__lsSites,0\)\.then\(__loopscope\.tf\(f\),\.\.\.__loopscope\.t0\(\)\)\)/);
  assert.match(code, /__loopscope\.tp\(__loopscope\.tq\(__loopscope\.tp\(q,\$__lsSites,1\)\.then\(__loopscope\.tf\(a\), __loopscope\.tr\(b\)\)\),\$__lsSites,0\)\.catch\(__loopscope\.tc\(c\)\)/);
  assert.match(code, /__loopscope\.tp\(r,\$__lsSites,0\)\.finally\(__loopscope\.tc\(\(\) => 0\)\)/);
  assert.match(code, /x\?\.then\(f\)/, 'an optional call is left as it is');
});

test('the site table is hoisted: callable before any code of the file runs', async () => {
  const code = check(`async function early() { return 1 }\nearly()\n// the last line is a comment`);
  const calls: unknown[] = [];
  const rt = { ...passThroughRuntime(), s: (tbl: () => unknown[], n: number) => { calls.push(tbl()[0], n); return {}; } };
  vm.runInContext(code, vm.createContext({ __loopscope: rt }));
  assert.deepEqual(calls, ['/proj/app.js', 0]);
});

test('unparseable or uninteresting input is returned unchanged (undefined)', () => {
  assert.equal(transformSource('async function ( {', { file: '/a.js', format: 'commonjs' }), undefined);
  assert.equal(transformSource('const x: number = 1; async function f() {}', { file: '/a.ts', format: 'commonjs' }), undefined);
  assert.equal(transformSource('module.exports = 1 + 2', { file: '/a.js', format: 'commonjs' }), undefined);
  const once = transformSource('async function f() { await 1 }', { file: '/a.js', format: 'commonjs' })!;
  assert.equal(transformSource(once.code, { file: '/a.js', format: 'commonjs' }), undefined, 'never transformed twice');
});

test('mapColumn: positions in transformed code map back to the original column', () => {
  const source = 'const q = 1; async function f(a) { const zz = await g(a); return zz } setTimeout(f, 5); const yy = 2\n  async () => { await h(); const ww = 3 }\n';
  const res = transformSource(source, { file: '/a.js', format: 'commonjs' })!;
  const orig = source.split('\n');
  const out = res.code.split('\n');
  for (const [line, word] of [[1, 'zz'], [1, 'g(a)'], [1, 'return'], [1, 'yy'], [1, 'setTimeout'], [2, 'h()'], [2, 'ww']] as const) {
    const tcol = out[line - 1]!.indexOf(word) + 1;
    const ocol = orig[line - 1]!.indexOf(word) + 1;
    assert.ok(tcol > ocol, `${word} should have shifted`);
    assert.equal(mapColumn(res.columnMap, line, tcol), ocol, word);
  }
});

test('compiled input with an inline source map (tsx output): sites name the original TypeScript line', async () => {
  const esbuild = await import('esbuild');
  const ts = 'interface A { x: number }\n\nasync function load(id: number): Promise<A> {\n  await new Promise<void>((r) => setTimeout(r, 1));\n  return { x: id };\n}\nexport { load };\n';
  const out = esbuild.transformSync(ts, { loader: 'ts', format: 'cjs', sourcemap: 'inline', sourcefile: '/proj/a.ts', minifyWhitespace: true });
  const res = transformSource(out.code, { file: '/proj/a.ts', format: 'commonjs' })!;
  const rows = vm.runInContext(`${res.code.replace(/\/\/# sourceMappingURL=.*$/, '')}\n;$__lsSites()`, vm.createContext({ module: { exports: {} }, exports: {}, require: () => ({}) })) as unknown[];
  const load = rows.indexOf('load');
  assert.deepEqual(Array.from(rows.slice(load - 2, load)), [3, 1]);
  const st = rows.indexOf('setTimeout');
  assert.equal(rows[st - 2], 4);
  assert.equal(rows[st + 1], 'load', 'an anonymous callback is named for the function around it');
});
