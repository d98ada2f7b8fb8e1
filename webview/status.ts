// The status bar line: what this run is (tasks, events, blocks, how it ended, what was dropped or queued).
import type { RunStore } from './store.ts';
import { formatMs } from './glyphs.ts';

export function statusText(s: RunStore, follow: boolean, span: [number, number]): string {
  const info = s.model.info;
  const state = s.exit ? `exited (${s.exit.reason}${s.exit.code !== null ? `, code ${s.exit.code}` : ''}${s.exit.signal ? `, ${s.exit.signal}` : ''})`
    : s.live && !s.ended ? (follow ? 'live' : 'live (paused)') : 'ended';
  const parts = [`${s.model.tasks.size} tasks`, `${info.events} events`, `${s.model.blocks.size} blocks`, state, `span ${formatMs(span[1] - span[0])}`];
  if (info.tallied) parts.splice(1, 0, `${info.tallied} counted at hot call sites`);
  if (info.counts.pending) parts.push(`${info.counts.pending} pending`);
  if (info.counts.cancelled) parts.push(`${info.counts.cancelled} cancelled`);
  if (info.counts.rejected) parts.push(`${info.counts.rejected} rejected`);
  if (s.process?.mode === 'blocking') parts.push('blocking mode: tasks were not traced');
  if (s.dropped) parts.push(`⚠ ${s.dropped} events dropped by the agent`);
  if (s.queued) parts.push(`${s.queued} queued`);
  return parts.join(' · ');
}
