import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { planEntry, versionAtLeast } from '../../src/launcher/entry-point.ts';
import { LaunchError } from '../../src/launcher/errors.ts';

const ROOT = path.resolve(__dirname, '../..');
const TS_IN_REPO = path.join(ROOT, 'test/fixtures/cli/ts/app.ts');
const noTsxDir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-plan-'));
const lonelyTs = path.join(noTsxDir, 'app.ts');
const lonelyTsx = path.join(noTsxDir, 'view.tsx');
writeFileSync(lonelyTs, 'export {};\n');
writeFileSync(lonelyTsx, 'export {};\n');
const plan = (script: string, nodeVersion: string, userFlags = '') =>
  planEntry({ script, cwd: ROOT, nodePath: '/unused/node', userFlags, nodeVersion });

test('versions', () => {
  assert.ok(versionAtLeast('v22.6.0', 22, 6));
  assert.ok(versionAtLeast('23.0.1', 22, 6));
  assert.ok(!versionAtLeast('22.5.9', 22, 6));
  assert.ok(!versionAtLeast('v20.20.2', 22, 6));
});

test('JavaScript entries need nothing extra and get an absolute path', () => {
  assert.deepEqual(plan('test/fixtures/cli/echo.js', '20.0.0'), { script: path.join(ROOT, 'test/fixtures/cli/echo.js'), runtimeArgs: [] });
});

test('a folder resolves like node resolves it (index.js)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'loopscope-plan-dir-'));
  writeFileSync(path.join(dir, 'index.js'), '');
  assert.equal(planEntry({ script: dir, cwd: ROOT, nodePath: process.execPath, userFlags: '' }).script, path.join(dir, 'index.js'));
});

test('.ts with the project\'s tsx: --import of its loader as a file URL, on any Node', () => {
  const tsx = path.join(ROOT, 'node_modules/tsx/dist/loader.mjs');
  assert.deepEqual(plan(TS_IN_REPO, '20.20.2').runtimeArgs, ['--import', pathToFileURL(tsx).href]);
  assert.deepEqual(plan(TS_IN_REPO, '24.0.0').runtimeArgs, ['--import', pathToFileURL(tsx).href]);
});

test('.ts without tsx: Node\'s type stripping from 22.6 (flag below 23.6), else the clear error', () => {
  assert.deepEqual(plan(lonelyTs, '22.6.0').runtimeArgs, ['--experimental-strip-types']);
  assert.deepEqual(plan(lonelyTs, '23.6.0').runtimeArgs, []);
  assert.throws(() => plan(lonelyTs, '20.20.2'), (e: unknown) => e instanceof LaunchError && e.code === 'no-ts-runtime'
    && e.message === 'Loopscope cannot run a .ts file on Node v20.20.2 without tsx: npm i -D tsx, or use Node ≥ 22.6.');
  assert.throws(() => plan(lonelyTsx, '24.0.0'), /cannot run a \.tsx file on Node v24\.0\.0 without tsx/);
});

test('a TypeScript loader the user chose (their NODE_OPTIONS or runtime args) is left alone', () => {
  assert.deepEqual(plan(lonelyTs, '20.20.2', '--import tsx').runtimeArgs, []);
  assert.deepEqual(plan(lonelyTs, '22.6.0', '--experimental-strip-types').runtimeArgs, []);
  assert.deepEqual(plan(lonelyTs, '20.20.2', '--require ts-node/register').runtimeArgs, []);
});

test('a missing script: LaunchError script-not-found naming the absolute path', () => {
  assert.throws(() => plan('nope/app.js', '20.0.0'), (e: unknown) => e instanceof LaunchError && e.code === 'script-not-found'
    && e.message.includes(path.join(ROOT, 'nope/app.js')));
});
