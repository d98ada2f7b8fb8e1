// 'callback' (one synchronous stretch) or 'stall' (many short turns, e.g. a long chain of awaits on
// settled promises, that never let the loop reach timers or I/O). Placeholder until measured below.
import type { BlockEvent } from '../../protocol/index.ts';
import type { Profile } from './inspector-probe.ts';

export function classifyCause(_profile: Profile | undefined): BlockEvent['cause'] {
  return 'callback';
}
