// A real program, live: the launcher runs a fixture with the agent, and its event batches are posted to
// the view as the extension host posts them (snapshot, then deltas, then ended). The view shows tasks while
// the program is still running, then the block and the exit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TraceEvent } from '../../src/protocol/index.ts';
import { launch } from '../../src/launcher/index.ts';
import { ReportPages, settle, blockRows, allRows } from './webview-harness.ts';

const TICKER = join(__dirname, '..', 'fixtures', 'traces-webview', 'ticker.js');
const pages = ReportPages.forFile();

const post = (page: Page, msg: unknown) => page.evaluate((m) => window.postMessage(m, '*'), msg);

describe('live run of a real program', () => {
  it('shows tasks while the program still runs, then its block and its exit', async () => {
    const page = await pages.open([]);
    await post(page, { type: 'snapshot', runId: 'live-1', title: 'ticker.js', live: true, events: [] });
    const session = await launch({ script: TICKER, stdio: 'pipe' });
    // Like the host: collect batches and post them every 50 ms.
    let pending: TraceEvent[] = [];
    session.onEvents((batch) => { pending.push(...batch); });
    const flush = setInterval(() => {
      if (pending.length === 0) return;
      const events = pending; pending = [];
      void post(page, { type: 'events', runId: 'live-1', events });
    }, 50);
    try {
      // While the program still runs, some ticks are on screen and the status says live.
      await page.waitForFunction(() => {
        const app = (window as unknown as { loopscope: { store: { model: { tasks: Map<number, { name: string }> } } } }).loopscope;
        return [...app.store.model.tasks.values()].filter((t) => t.name === 'tick').length >= 3;
      }, undefined, { timeout: 20_000 });
      assert.equal(session.child.exitCode, null, 'the program is still running');
      await settle(page);
      assert.match(await page.textContent('.statusbar .status') ?? '', /· live ·/);
      const early = (await allRows(page)).filter((r) => r.name === 'tick').length;
      assert.ok(early >= 3 && early < 20, `${early} of 20 ticks so far`);

      await session.done;
    } finally {
      clearInterval(flush);
    }
    await post(page, { type: 'events', runId: 'live-1', events: pending });
    await post(page, { type: 'ended', runId: 'live-1' });
    await page.waitForTimeout(50);
    await settle(page);
    assert.equal((await allRows(page)).filter((r) => r.name === 'tick').length, 20);
    assert.match(await page.textContent('.statusbar .status') ?? '', /exited \(exit, code 0\)/);
    const blocks = await blockRows(page);
    assert.ok(blocks.some((b) => /spinFor.*ticker\.js:8/.test(b.text)), blocks.map((b) => b.text).join(' | '));
  });
});
