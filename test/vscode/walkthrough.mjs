// A walk-through of Loopscope in the real workbench, driven like a user would (Explorer, command palette,
// Problems panel), taking the screenshots in docs/screenshots/vscode-*.png. Run by scripts/test-vscode.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function command(page, title, log) {
  log?.(`walkthrough: F1 ${title}`);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.pressSequentially(`>${title}`, { delay: 30 });
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ timeout: 20_000 });
  } catch (err) {
    const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    throw new Error(`"${title}" is not in the command palette (rows: ${JSON.stringify(rows)}): ${err.message}`);
  }
  await row.click();
}

/**
 * The Loopscope webview's document: two frames down. The outer frame (iframe.webview) names our extension in its
 * URL; the inner one holds our page (named active-frame, or pending-frame until VS Code swaps it in).
 */
export function webviewFrames(page) {
  return page.frames().filter((f) => f.parentFrame()?.url().includes('extensionId=loopscope.loopscope') && f.url().includes('fake.html'));
}

function webviewFrame(page) { return webviewFrames(page)[0]; }

export async function walkthrough(page, _workspace, root, log) {
  const shots = path.join(root, 'docs', 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  const shot = async (name) => { await page.screenshot({ path: path.join(shots, `vscode-${name}.png`) }); log(`walkthrough: docs/screenshots/vscode-${name}.png`); };

  // More room for the view: close the (empty) secondary side bar if this build shows one.
  if (await page.locator('.part.auxiliarybar').isVisible().catch(() => false)) await page.keyboard.press('Control+Alt+B');

  // Open the demo program from the Explorer.
  const row = page.locator('.explorer-folders-view .monaco-list-row[aria-label^="live-demo.js"]');
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  await pause(1500);

  // Run it from the command palette; the view opens beside the editor and follows the run live.
  await command(page, 'Loopscope: Run Current File', log);
  // The first command activates the extension (seconds on 2 busy cores): wait for the view, not a fixed time.
  for (let i = 0; i < 600 && !webviewFrame(page); i++) await pause(100);
  const frame = webviewFrame(page);
  if (!frame) throw new Error('the Loopscope view did not open');
  // Mid-run: the status bar still says running, the view follows the live edge.
  await page.locator('.statusbar-item', { hasText: 'Loopscope: running' }).waitFor({ timeout: 30_000 });
  await frame.waitForFunction(() => /fetchUser/.test(document.body.innerText), undefined, { timeout: 30_000 });
  await pause(1500);
  await shot('live-run');

  log('walkthrough: waiting for the run to end');
  // When it ends: the squiggle on the blocking line, the Problems panel, Slow Callbacks in the Explorer.
  await page.locator('.statusbar-item', { hasText: 'Loopscope: exited' }).waitFor({ timeout: 60_000 });
  await command(page, 'Problems: Focus on Problems View', log);
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 20_000 });
  await pause(800);
  await shot('problems');
}
