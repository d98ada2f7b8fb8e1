// Hand-made traces for the model's unit tests: the events a real agent would send, with a clock that
// moves forward one millisecond per event unless told otherwise.
import assert from 'node:assert/strict';
import type { ChromeTraceEvent } from '../../src/model/index.ts';
import type { BlockEvent, CancelReason, SourceLocation, TaskKind, TraceEvent } from '../../src/protocol/index.ts';

export const CWD = '/home/dev/shop';
export const APP = `${CWD}/src/app.js`;

export function at(line: number, column = 1, fn?: string, file = APP): SourceLocation {
  const loc: SourceLocation = { file, line, column };
  if (fn) loc.function = fn;
  return loc;
}

export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  ts = 0;

  constructor(opts: { script?: string; thresholdMs?: number; pid?: number } = {}) {
    this.events.push({
      type: 'process', ts: this.tick(), pid: opts.pid ?? 4242, argv: ['/usr/bin/node', opts.script ?? APP], cwd: CWD,
      nodeVersion: 'v20.20.0', platform: 'linux', mode: 'tree', thresholdMs: opts.thresholdMs ?? 50, timeOrigin: 1_790_000_000_000,
    });
  }

  private tick(by = 1): number { this.ts += by; return this.ts; }

  spawn(id: number, parentId: number, kind: TaskKind, name: string, site?: SourceLocation): this {
    const ev: TraceEvent = { type: 'spawn', ts: this.tick(), id, parentId, kind, name };
    if (site) ev.site = site;
    this.events.push(ev);
    return this;
  }

  run(id: number, dur: number): this {
    this.events.push({ type: 'run', ts: this.tick(), id, dur });
    this.ts += dur;
    return this;
  }

  await(id: number, on: number): this { this.events.push({ type: 'await', ts: this.tick(), id, on }); return this; }

  settle(id: number, state: 'resolved' | 'rejected', agg?: { runs: number; runMs: number; awaits: number }): this {
    this.events.push({ type: 'settle', ts: this.tick(), id, state, ...agg });
    return this;
  }

  cancel(id: number, reason: CancelReason): this { this.events.push({ type: 'cancel', ts: this.tick(), id, reason }); return this; }

  group(id: number, members: number[]): this { this.events.push({ type: 'group', ts: this.tick(), id, members }); return this; }

  block(b: Partial<BlockEvent> & { id: number; durationMs: number }): this {
    this.events.push({ type: 'block', ts: b.ts ?? this.tick(), final: true, cause: 'callback', stack: [], ...b });
    return this;
  }

  drop(count: number, reason = 'task cap'): this { this.events.push({ type: 'drop', ts: this.tick(), count, reason }); return this; }

  exit(code: number | null = 0, reason: 'exit' | 'crash' | 'killed' | 'lost' = 'exit', signal: string | null = null): this {
    this.events.push({ type: 'exit', ts: this.tick(), code, signal, reason });
    return this;
  }
}

/**
 * The shop example used across tests: main → loadDashboard → Promise.all[fetchOrders, fetchUser(rejects)],
 * a cleared timer, a setTimeout callback that blocks 215 ms in crunch, and an anonymous library
 * continuation (unlisted) whose child fetchPrices must appear under loadDashboard.
 */
export function shopTrace(): TraceBuilder {
  return new TraceBuilder()
    .spawn(1, 0, 'async-function', 'loadDashboard', at(20, 1, 'loadDashboard'))
    .spawn(2, 1, 'async-function', 'fetchOrders', at(5, 1, 'fetchOrders'))
    .spawn(3, 1, 'async-function', 'fetchUser', at(9, 1, 'fetchUser'))
    .spawn(4, 1, 'promise-all', 'Promise.all', at(22, 9, 'loadDashboard'))
    .group(4, [2, 3])
    .await(1, 4)
    .spawn(5, 1, 'then', '(anonymous)')
    .spawn(6, 5, 'async-function', 'fetchPrices', at(14, 1, 'fetchPrices'))
    .spawn(7, 0, 'timeout', 'setTimeout', at(40, 1))
    .cancel(7, 'clearTimeout')
    .spawn(8, 0, 'timeout', 'setTimeout', at(12, 1))
    .run(8, 215)
    .block({ id: 1, final: false, durationMs: 120, taskId: 8, location: at(7, 3, 'crunch'), stack: [at(7, 3, 'crunch'), at(12, 14)] })
    .block({ id: 1, final: true, durationMs: 215, taskId: 8, location: at(7, 3, 'crunch'), stack: [at(7, 3, 'crunch'), at(12, 14)] })
    .settle(8, 'resolved', { runs: 1, runMs: 215, awaits: 0 })
    .settle(2, 'resolved')
    .settle(3, 'rejected')
    .settle(4, 'rejected')
    .settle(6, 'resolved')
    .settle(5, 'resolved');
}

/** What Perfetto's JSON importer insists on: finite numbers, matched async begin/end, properly nested X events per thread. */
export function assertValidChromeTrace(events: ChromeTraceEvent[]): void {
  const open = new Map<string, number>();
  for (const e of events) {
    assert.equal(typeof e.name, 'string');
    assert.ok(Number.isFinite(e.ts) && e.ts >= 0, `ts of ${e.name}`);
    if (e.dur !== undefined) assert.ok(Number.isFinite(e.dur) && e.dur >= 0, `dur of ${e.name}`);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid));
    if (e.ph === 'b') { assert.ok(e.id); open.set(`${e.cat}:${e.id}`, e.ts); }
    if (e.ph === 'e') {
      const b = open.get(`${e.cat}:${e.id}`);
      assert.ok(b !== undefined, `'e' without 'b' for ${e.id}`);
      assert.ok(e.ts >= b, `'e' before 'b' for ${e.id}`);
      open.delete(`${e.cat}:${e.id}`);
    }
  }
  assert.equal(open.size, 0, `every 'b' has an 'e' (unmatched: ${[...open.keys()].join(', ')})`);
  const byThread = new Map<number, ChromeTraceEvent[]>();
  for (const e of events) if (e.ph === 'X') (byThread.get(e.tid) ?? byThread.set(e.tid, []).get(e.tid)!).push(e);
  for (const xs of byThread.values()) {
    xs.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: number[] = [];
    for (const x of xs) {
      while (stack.length && stack[stack.length - 1] <= x.ts) stack.pop();
      if (stack.length) assert.ok(x.ts + x.dur! <= stack[stack.length - 1] + 1e-6, `${x.name} at ${x.ts} overlaps its enclosing slice`);
      stack.push(x.ts + x.dur!);
    }
  }
}
