// Opens the standalone webview page in headless Debian Chromium (playwright-core), the way a person opens
// `loopscope report --html`. Helpers read what is on screen: tree rows, blocks, details, canvas pixels.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TraceEvent } from '../../src/protocol/index.ts';
import { writeHtmlReport } from '../../src/cli/html-report.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export class ReportPages {
  private readonly dir = mkdtempSync(join(tmpdir(), 'loopscope-webview-'));
  private n = 0;
  private own: Promise<Browser> | undefined;
  constructor(private readonly given?: Browser) {}

  /** Pages for one test file: Chromium starts at the first page opened and is closed after the file's tests. */
  static forFile(): ReportPages {
    const pages = new ReportPages();
    after(async () => { await (await pages.own)?.close(); pages.close(); });
    return pages;
  }

  /** The browser pages open in (launched on first use when none was given). */
  browser(): Promise<Browser> {
    if (this.given) return Promise.resolve(this.given);
    return (this.own ??= launchChromium());
  }

  /** Writes a report with `events` and opens it; resolves once the view has drawn it. */
  async open(events: TraceEvent[], opts: { title?: string; colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Page> {
    const file = join(this.dir, `report-${this.n++}.html`);
    writeHtmlReport(events, file, { title: opts.title ?? 'test' });
    return this.openFile(file, opts);
  }

  async openFile(file: string, opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}): Promise<Page> {
    const page = await (await this.browser()).newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 760 }, colorScheme: opts.colorScheme ?? 'light' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    (page as Page & { problems: string[] }).problems = problems;
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    });
    await page.goto('file://' + file);
    await settle(page);
    return page;
  }

  close(): void { rmSync(this.dir, { recursive: true, force: true }); }
}

export function problemsOf(page: Page): string[] { return (page as Page & { problems: string[] }).problems ?? []; }

/** Waits until the view has applied every queued event and drawn everything it put off (rate caps), plus two frames. */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    // (before the app starts, window.loopscope is the <div id="loopscope">)
    const app = (window as unknown as { loopscope?: { store?: { queued: number }; sched: { busy: boolean } } }).loopscope;
    return app?.store !== undefined && app.store.queued === 0 && !app.sched.busy;
  });
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

export interface TreeRowInfo { name: string; level: number; expanded: string | null; selected: boolean; label: string; text: string; pos: string; of: string; group: boolean }

/** The tree rows in the DOM, top to bottom, as a screen reader would list them. */
export async function treeRows(page: Page): Promise<TreeRowInfo[]> {
  return page.$$eval('[role=tree] [role=treeitem]', (rows) => rows
    .filter((r) => (r as HTMLElement).style.display !== 'none')
    .map((r) => ({ el: r as HTMLElement, y: new DOMMatrixReadOnly(getComputedStyle(r).transform).m42 }))
    .sort((a, b) => a.y - b.y)
    .map(({ el }) => ({
      name: el.querySelector('.name')?.textContent ?? '',
      level: Number(el.getAttribute('aria-level')),
      expanded: el.getAttribute('aria-expanded'),
      selected: el.getAttribute('aria-selected') === 'true',
      label: el.getAttribute('aria-label') ?? '',
      text: el.textContent ?? '',
      pos: `${el.getAttribute('aria-posinset')}`,
      of: `${el.getAttribute('aria-setsize')}`,
      group: el.classList.contains('group'),
    })));
}

export async function blockRows(page: Page): Promise<{ text: string; selected: boolean }[]> {
  return page.$$eval('.blocks [role=option]', (rows) => rows
    .filter((r) => (r as HTMLElement).style.display !== 'none')
    .map((r) => ({ text: (r.textContent ?? ''), selected: r.getAttribute('aria-selected') === 'true', y: new DOMMatrixReadOnly(getComputedStyle(r).transform).m42 }))
    .sort((a, b) => a.y - b.y).map(({ text, selected }) => ({ text, selected })));
}

/** Label → value pairs of the details pane. */
export async function details(page: Page): Promise<Record<string, string>> {
  return page.$$eval('.details dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
}

export async function clickRow(page: Page, name: string): Promise<void> {
  await page.locator('[role=treeitem]', { has: page.locator('.name', { hasText: name }) }).first().click();
  await settle(page);
}

/**
 * Horizontal runs of pixels (in CSS px, relative to the canvas) on canvas row `y` whose colour is close to the
 * CSS colour `cssColor`: what a person sees as bars of that colour.
 */
export async function colourRuns(page: Page, y: number, cssVar: string): Promise<[number, number][]> {
  return page.evaluate(({ y, cssVar }) => {
    const canvas = document.querySelector('canvas.timeline-canvas') as HTMLCanvasElement;
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.body).getPropertyValue(cssVar).trim();
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    const dpr = canvas.width / canvas.clientWidth;
    const row = canvas.getContext('2d')!.getImageData(0, Math.round(y * dpr), canvas.width, 1).data;
    const runs: [number, number][] = [];
    let start = -1;
    for (let x = 0; x <= canvas.width; x++) {
      const i = x * 4;
      const hit = x < canvas.width && Math.abs(row[i] - r) < 12 && Math.abs(row[i + 1] - g) < 12 && Math.abs(row[i + 2] - b) < 12;
      if (hit && start < 0) start = x;
      if (!hit && start >= 0) { runs.push([start / dpr, x / dpr]); start = -1; }
    }
    return runs;
  }, { y, cssVar });
}

/** Top of the first task lane in the canvas, and the row height (from the page's own layout). */
/** Clicks the timeline lane of tree row `index` (30 px into the lanes), as a person selects on the timeline, and waits for the view. */
export async function clickLane(page: Page, index: number): Promise<void> {
  const g = await laneGeometry(page);
  const box = (await page.locator('canvas.timeline-canvas').boundingBox())!;
  await page.mouse.click(box.x + 30, box.y + g.lanesTop + index * g.rowHeight + g.rowHeight / 2);
  await settle(page);
}

export async function laneGeometry(page: Page): Promise<{ lanesTop: number; rowHeight: number; loopMid: number }> {
  return page.evaluate(() => {
    const header = document.querySelector('.tree-header') as HTMLElement;
    const loop = document.querySelector('.loop-label') as HTMLElement;
    const row = document.querySelector('[role=treeitem]') as HTMLElement;
    // loopMid: a line through the event-loop lane above the duration labels.
    return { lanesTop: header.offsetHeight, rowHeight: row.offsetHeight, loopMid: header.offsetHeight - loop.offsetHeight + 5 };
  });
}

export interface ModelRowInfo { name: string; depth: number; state: string; cancelReason?: string }

/** Every row of the tree as the view has laid it out, including those scrolled out of the DOM. */
export async function allRows(page: Page): Promise<ModelRowInfo[]> {
  return page.evaluate(() => {
    type T = { name: string; state: string; cancelReason?: string };
    const app = (window as unknown as { loopscope: { tree: { rows: { id: number; depth: number }[] }; store: { task(id: number): T } } }).loopscope;
    return app.tree.rows.map((r) => { const t = app.store.task(r.id); return { name: t.name, depth: r.depth, state: t.state, cancelReason: t.cancelReason }; });
  });
}
