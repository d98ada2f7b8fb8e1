// Hand-made traces for the webview tests: small, with every feature the view must show (groups, cancels,
// rejections, blocks, library tasks), plus hostile input. Recorded traces live in test/fixtures/traces-webview/.
import type { SourceLocation, TraceEvent } from '../../src/protocol/index.ts';

const APP = '/home/dev/app';
const loc = (file: string, line: number, fn?: string): SourceLocation => ({ file: `${APP}/${file}`, line, column: 5, ...(fn ? { function: fn } : {}) });

/** A dashboard loader: Promise.all of fetches, a Promise.race with a cancelled timeout, an aborted fetch, a rejected task and one block. */
export function dashboardTrace(): TraceEvent[] {
  const e: TraceEvent[] = [
    { type: 'process', ts: 0, pid: 4242, argv: ['/usr/bin/node', `${APP}/server.js`], cwd: APP, nodeVersion: 'v20.20.0', platform: 'linux', mode: 'tree', thresholdMs: 50, timeOrigin: 1763700000000 },
    { type: 'run', ts: 0, id: 0, dur: 8 },
    { type: 'spawn', ts: 2, id: 1, parentId: 0, kind: 'async-function', name: 'loadDashboard', site: loc('server.js', 10, 'main') },
    { type: 'run', ts: 2, id: 1, dur: 1.5 },
    { type: 'spawn', ts: 3, id: 2, parentId: 1, kind: 'async-function', name: 'fetchUser', site: loc('api.js', 4, 'loadDashboard') },
    { type: 'spawn', ts: 3.2, id: 3, parentId: 1, kind: 'async-function', name: 'fetchPosts', site: loc('api.js', 5, 'loadDashboard') },
    { type: 'spawn', ts: 3.4, id: 4, parentId: 1, kind: 'async-function', name: 'fetchComments', site: loc('api.js', 6, 'loadDashboard') },
    { type: 'spawn', ts: 3.5, id: 5, parentId: 1, kind: 'promise-all', name: 'Promise.all', site: loc('server.js', 14, 'loadDashboard') },
    { type: 'group', ts: 3.5, id: 5, members: [2, 3, 4] },
    { type: 'await', ts: 3.6, id: 1, on: 5 },
    { type: 'spawn', ts: 4, id: 6, parentId: 2, kind: 'io', name: 'socket read', site: { file: `${APP}/node_modules/undici/lib/client.js`, line: 812, column: 9 } },
    { type: 'spawn', ts: 4.2, id: 7, parentId: 6, kind: 'then', name: 'parseUser', site: loc('api.js', 20, 'fetchUser') },
    { type: 'run', ts: 9, id: 6, dur: 0.4 },
    { type: 'settle', ts: 9.5, id: 6, state: 'resolved' },
    { type: 'run', ts: 12, id: 2, dur: 0.8 },
    { type: 'run', ts: 12.9, id: 7, dur: 0.3 },
    { type: 'settle', ts: 13.2, id: 7, state: 'resolved' },
    { type: 'settle', ts: 13.4, id: 2, state: 'resolved' },
    { type: 'run', ts: 15, id: 3, dur: 120 },
    { type: 'block', ts: 15, id: 1, final: true, durationMs: 120, cause: 'callback', taskId: 3,
      location: loc('posts.js', 42, 'renderMarkdown'), stack: [loc('posts.js', 42, 'renderMarkdown'), loc('posts.js', 30, 'fetchPosts'), { file: 'node:internal/process/task_queues', line: 95, column: 5, function: 'processTicksAndRejections' }] },
    { type: 'settle', ts: 135.2, id: 3, state: 'resolved' },
    { type: 'run', ts: 140, id: 4, dur: 2 },
    { type: 'settle', ts: 142, id: 4, state: 'rejected' },
    { type: 'settle', ts: 142.1, id: 5, state: 'rejected' },
    { type: 'run', ts: 143, id: 1, dur: 0.5 },
    { type: 'settle', ts: 143.5, id: 1, state: 'rejected' },
    // A race between a fetch and a timeout: the fetch wins, the timer is cleared.
    { type: 'spawn', ts: 150, id: 10, parentId: 0, kind: 'async-function', name: 'withTimeout', site: loc('server.js', 30, 'main') },
    { type: 'spawn', ts: 150.2, id: 11, parentId: 10, kind: 'async-function', name: 'fetchConfig', site: loc('config.js', 3, 'withTimeout') },
    { type: 'spawn', ts: 150.3, id: 12, parentId: 10, kind: 'timeout', name: 'timeoutAfter', site: loc('server.js', 33, 'withTimeout') },
    { type: 'spawn', ts: 150.4, id: 13, parentId: 10, kind: 'promise-race', name: 'Promise.race', site: loc('server.js', 34, 'withTimeout') },
    { type: 'group', ts: 150.4, id: 13, members: [11, 12] },
    { type: 'run', ts: 170, id: 11, dur: 1 },
    { type: 'settle', ts: 171, id: 11, state: 'resolved' },
    { type: 'settle', ts: 171.1, id: 13, state: 'resolved' },
    { type: 'cancel', ts: 171.3, id: 12, reason: 'clearTimeout' },
    { type: 'settle', ts: 172, id: 10, state: 'resolved' },
    // An aborted download and a heartbeat interval that is still pending.
    { type: 'spawn', ts: 180, id: 20, parentId: 0, kind: 'async-function', name: 'downloadReport', site: loc('report.js', 8, 'main') },
    { type: 'run', ts: 180, id: 20, dur: 0.6 },
    { type: 'cancel', ts: 230, id: 20, reason: 'abort' },
    { type: 'spawn', ts: 181, id: 21, parentId: 0, kind: 'interval', name: 'heartbeat', site: loc('server.js', 50, 'main') },
    { type: 'run', ts: 200, id: 21, dur: 0.2 }, { type: 'run', ts: 220, id: 21, dur: 0.2 }, { type: 'run', ts: 240, id: 21, dur: 0.2 },
    { type: 'spawn', ts: 241, id: 22, parentId: 0, kind: 'immediate', name: 'flushLogs', site: loc('log.js', 12, 'main') },
    { type: 'run', ts: 245, id: 22, dur: 70 },
    { type: 'block', ts: 245, id: 2, final: true, durationMs: 70, cause: 'callback', taskId: 22, queuedMs: 30, location: loc('log.js', 17, 'flushLogs'), stack: [loc('log.js', 17, 'flushLogs')] },
    { type: 'settle', ts: 315, id: 22, state: 'resolved' },
    { type: 'exit', ts: 320, code: 0, signal: null, reason: 'exit' },
  ];
  return e;
}

/** Names, paths and frames that would execute if the view ever used innerHTML. */
export function hostileTrace(): TraceEvent[] {
  const xss = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
  return [
    { type: 'process', ts: 0, pid: 1, argv: ['node', `/tmp/${xss}.js`], cwd: '/tmp', nodeVersion: 'v20', platform: 'linux', mode: 'tree', thresholdMs: 50, timeOrigin: 0 },
    { type: 'spawn', ts: 1, id: 1, parentId: 0, kind: 'async-function', name: xss, site: { file: `/tmp/<b>${xss}</b>.js`, line: 1, column: 1, function: xss } },
    { type: 'spawn', ts: 2, id: 2, parentId: 0, kind: 'async-function', name: 'x'.repeat(200_000), site: { file: '/tmp/a.js', line: 2, column: 1 } },
    { type: 'run', ts: 3, id: 1, dur: 80 },
    { type: 'block', ts: 3, id: 1, final: true, durationMs: 80, cause: 'callback', taskId: 1, location: { file: `/tmp/${xss}`, line: 3, column: 1, function: `<svg onload="window.__pwned=3">` }, stack: [] },
  ];
}
