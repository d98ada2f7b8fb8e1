// 'callback' (one synchronous stretch) or 'stall' (many short turns, e.g. a long chain of awaits on
// settled promises, that never let the loop reach timers or I/O).
//
// How: nothing in blocking-only mode counts turns (that would need promise hooks, 1.5x+). The sampler
// tells them apart instead: between microtasks V8 runs its own microtask machinery with no JavaScript
// frame on the stack, which the profiler files under '(program)'. Measured on the blocking fixtures:
// an await stall spends ~20% of its samples there; one long callback (loops, regex, JSON.parse, native
// calls, a loop after an await) 0%. In tree mode our task hooks run between the turns too (from the
// microtask runner: JavaScript with no user frame below), so those samples count the same way; measured
// there: a stall 2-3 of ~32 samples (6-10%), one long callback 0, but on a loaded machine one long
// callback showed 2 of 29 (7%): so the bar is 10% and 3 samples. In tree mode the watchdog first asks the
// main thread's turn counter (SHARED_TURNS), which sees a stall of the user's async code directly; the
// samples remain for stalls of code we do not rewrite. Decided on the final report (the live one says
// 'callback').
//
// Not the count alone: 1 stray sample in 20 is not a stall.
import type { BlockEvent } from '../../protocol/index.ts';
import type { SampledWitness } from './locate.ts';

/** Share of samples between turns (see above) from which a block is a stall of many short turns. */
export const STALL_PROGRAM_SHARE = 0.1;

export function classifyCause(sampled: Pick<SampledWitness, 'spanSamples' | 'programSamples'> & { noUserSamples?: number } | undefined): BlockEvent['cause'] {
  if (!sampled || sampled.spanSamples === 0) return 'callback';
  const between = sampled.programSamples + (sampled.noUserSamples ?? 0);
  return between >= 3 && between / sampled.spanSamples >= STALL_PROGRAM_SHARE ? 'stall' : 'callback';
}
