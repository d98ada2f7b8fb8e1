// The extension host's pure rules, in plain Node: settings, launch.json → launcher options, the webview page's
// CSP, the status-bar wording. (What needs VS Code itself is in test/vscode/.)
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { readSettings, DEFAULT_SETTINGS } from '../../src/host/settings.ts';
import { LaunchConfigError, isRunnableFile, toLaunchOptions } from '../../src/host/launch-config.ts';
import { webviewHtml } from '../../src/host/webview-html.ts';
import { HostRun } from '../../src/host/host-run.ts';
import { statusText } from '../../src/host/status-bar.ts';

const base = { type: 'loopscope', request: 'launch', name: 'x' };

test('settings: bad values fall back to the defaults instead of failing a run', () => {
  const values: Record<string, unknown> = { threshold: -5, nodePath: '  ', taskCap: 'many', exactPerSite: -1, mode: 'weird', showNodeModules: 'yes' };
  assert.deepEqual(readSettings((k) => values[k]), DEFAULT_SETTINGS);
  const good: Record<string, unknown> = { threshold: 120, nodePath: '/opt/node/bin/node', taskCap: 500.7, exactPerSite: 0, mode: 'blocking', showNodeModules: true };
  assert.deepEqual(readSettings((k) => good[k]), { thresholdMs: 120, nodePath: '/opt/node/bin/node', taskCap: 500, exactPerSite: 0, mode: 'blocking', showNodeModules: true });
});

test('launch config: program resolved against cwd, env null removes a variable, threshold overrides the setting', () => {
  const opts = toLaunchOptions({ ...base, program: 'src/app.js', cwd: 'sub', env: { KEEP: 'x', DROP: null }, threshold: 75, args: ['--port', '1'] },
    DEFAULT_SETTINGS, '/ws', { DROP: '1', PATH: '/bin' });
  assert.equal(opts.cwd, path.resolve('/ws/sub'));
  assert.equal(opts.script, path.resolve('/ws/sub/src/app.js'));
  assert.deepEqual(opts.env, { KEEP: 'x', PATH: '/bin' });
  assert.equal(opts.agent?.thresholdMs, 75);
  assert.equal(opts.agent?.exactPerSite, DEFAULT_SETTINGS.exactPerSite, 'the exact-tasks budget reaches the agent');
  assert.deepEqual(opts.args, ['--port', '1']);
  assert.equal(opts.stdio, 'pipe');
  assert.equal(opts.nodePath, 'node');
});

test('launch config: mistakes are errors that say what to write', () => {
  assert.throws(() => toLaunchOptions({ ...base }, DEFAULT_SETTINGS, '/ws', {}), (e: Error) => e instanceof LaunchConfigError && /"program"/.test(e.message));
  assert.throws(() => toLaunchOptions({ ...base, program: 'a.js', args: 'x' as unknown as string[] }, DEFAULT_SETTINGS, '/ws', {}), /"args" must be an array/);
  assert.throws(() => toLaunchOptions({ ...base, program: 'a.js', threshold: 0 }, DEFAULT_SETTINGS, '/ws', {}), /"threshold"/);
});

test('runnable files: JS and TS entry points only', () => {
  for (const f of ['a.js', 'b.MJS', 'c.cjs', 'd.ts', 'e.mts']) assert.ok(isRunnableFile(f), f);
  for (const f of ['a.json', 'b.md', 'c']) assert.ok(!isRunnableFile(f), f);
});

test('webview page: only our nonce script runs, styles from our origin, no inline handlers', () => {
  const html = webviewHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123' });
  const csp = /content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/x\/webview.js"><\/script>/);
});

test('status bar: live counts, then how the run ended', () => {
  const run = new HostRun('app.js', '/ws/app.js', true);
  run.append([
    { type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'timeout', name: 'setTimeout' },
    { type: 'block', ts: 2, id: 1, final: false, durationMs: 80, cause: 'callback', stack: [] },
  ]);
  assert.equal(statusText(run), '$(loading~spin) Loopscope: running · 2 tasks, 1 block');
  run.append([{ type: 'exit', ts: 3, code: null, signal: 'SIGTERM', reason: 'killed' }]);
  run.end();
  assert.equal(statusText(run), '$(warning) Loopscope: stopped (SIGTERM) · 2 tasks, 1 block');
});
