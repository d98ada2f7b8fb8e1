// Renders the view in the light and dark standalone themes, checks each looks like its theme (background and
// text contrast, on the canvas as well as the DOM), and writes docs/screenshots/webview-{light,dark}.png.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { readFileSync } from 'node:fs';
import { parseTrace } from '../../src/protocol/index.ts';
import { dashboardTrace } from './webview-traces.ts';
import { ReportPages, settle, problemsOf } from './webview-harness.ts';

// The screenshots show a real recording: test/fixtures/traces-webview/dashboard.js run under loopscope.
const recorded = () => parseTrace(readFileSync(join(__dirname, '..', 'fixtures', 'traces-webview', 'dashboard.ndjson'), 'utf8')).events;

const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
const pages = ReportPages.forFile();
before(() => { mkdirSync(OUT, { recursive: true }); });

const luminance = (rgb: number[]) => (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;

for (const scheme of ['light', 'dark'] as const) {
  describe(`${scheme} theme`, () => {
    it('follows the colour scheme in the DOM and on the canvas', async () => {
      const page = await pages.open(recorded(), { title: 'dashboard.js', colorScheme: scheme, width: 1280, height: 760 });
      await page.locator('.blocks [role=option]', { hasText: 'loadDashboard' }).click();
      await settle(page);
      const raw = await page.evaluate(() => {
        const canvas = document.querySelector('canvas.timeline-canvas') as HTMLCanvasElement;
        // A pixel of empty canvas: bottom right, below every lane.
        const px = canvas.getContext('2d')!.getImageData(canvas.width - 3, canvas.height - 3, 1, 1).data;
        return { body: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color, canvas: [px[0], px[1], px[2]] };
      });
      const parse = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const colours = { body: parse(raw.body), text: parse(raw.text), canvas: raw.canvas };
      const bg = luminance(colours.body), fg = luminance(colours.text), cv = luminance(colours.canvas);
      if (scheme === 'dark') { assert.ok(bg < 0.2 && fg > 0.6, `dark: ${JSON.stringify(colours)}`); assert.ok(cv < 0.2, 'dark canvas'); }
      else { assert.ok(bg > 0.9 && fg < 0.3, `light: ${JSON.stringify(colours)}`); assert.ok(cv > 0.9, 'light canvas'); }
      await page.screenshot({ path: join(OUT, `webview-${scheme}.png`) });
      assert.deepEqual(problemsOf(page), []);
    });
  });
}

describe('high contrast', () => {
  it('takes the high-contrast colours when the host says so', async () => {
    const page = await pages.open(dashboardTrace(), { colorScheme: 'light' });
    await page.evaluate(() => window.postMessage({ type: 'hello', version: 1, theme: 'high-contrast' }, '*'));
    await page.waitForTimeout(50);
    await settle(page);
    const raw = await page.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, border: getComputedStyle(document.querySelector('.splitter')!).backgroundColor }));
    assert.equal(raw.bg, 'rgb(0, 0, 0)');
    assert.equal(raw.border, 'rgb(111, 195, 223)', 'contrast borders');
  });
});

describe('theme change', () => {
  it('re-reads the colours when VS Code switches the theme', async () => {
    const page = await pages.open(dashboardTrace(), { colorScheme: 'light' });
    const canvasLum = () => page.evaluate(() => {
      const c = document.querySelector('canvas.timeline-canvas') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(c.width - 3, c.height - 3, 1, 1).data;
      return (0.2126 * d[0] + 0.7152 * d[1] + 0.0722 * d[2]) / 255;
    });
    assert.ok(await canvasLum() > 0.9);
    // What VS Code does on a theme switch: new body class and new --vscode-* values.
    await page.evaluate(() => { document.body.className = 'vscode-dark'; document.body.style.setProperty('--vscode-editor-background', '#101418'); });
    await page.waitForTimeout(50);
    await settle(page);
    assert.ok(await canvasLum() < 0.15, 'the canvas is redrawn in the new background');
  });
});
