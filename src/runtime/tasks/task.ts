// One task: an async function activation, a timer, an immediate, an I/O request, a .then callback or a
// combinator group. One class so every task object has the same shape (V8 keeps the hot paths
// monomorphic), and small: one is allocated per async call, so its size is garbage-collector time.
// Booleans share one integer field; group state (pending members, mode) shares another.
// Fields are `declare`d and assigned in the constructor: class-field syntax would compile to
// define-semantics initializers (slower, and the fields first hold undefined).
import type { Tally } from './tally.ts';

const TRACKED = 1;
const FIRST = 2;
const ERR = 4;
const SETTLED = 8;
const REUSED = 16;

export class Task {
  declare readonly id: number;
  declare readonly parentId: number;
  /** Where the task's current slice started (clock ticks). */
  declare start: number;
  declare runs: number;
  /** Total run time (clock ticks). */
  declare runMs: number;
  declare awaits: number;
  declare private f: number;
  /** The task that was current when this one's slice began: restored when the slice ends. */
  declare prev: Task | null;
  /** Length of the just-returned list when this slice began (children above it belong to the slice). */
  declare mark: number;
  /** Children that returned in an earlier slice without being awaited there (`const p = child(); …; await p`), oldest first. */
  declare kids: Task[] | null;
  /** The combinator group this task is a member of (an array in the rare case of several). */
  declare groups: Task | Task[] | null;
  /** A counted task (not recorded: its call site passed its budget): the tally that counts it. */
  declare tally: Tally | null;
  /** For groups: pending members * 8 + mode (1 all, 2 allSettled, 3 race, 4 any). */
  declare private g: number;

  /** `tracked` false beyond the task cap: the task is transparent (its id is its parent's) and records nothing. */
  constructor(id: number, parentId: number, tracked: boolean) {
    this.id = id;
    this.parentId = parentId;
    this.start = 0;
    this.runs = 0;
    this.runMs = 0;
    this.awaits = 0;
    this.f = tracked ? TRACKED | FIRST : FIRST;
    this.prev = null;
    this.mark = 0;
    this.kids = null;
    this.groups = null;
    this.g = 0;
    this.tally = null;
  }

  get tracked(): boolean { return (this.f & TRACKED) !== 0; }
  /** True until the first slice ends: then the task has "just returned" to its caller. */
  get first(): boolean { return (this.f & FIRST) !== 0; }
  set first(v: boolean) { this.f = v ? this.f | FIRST : this.f & ~FIRST; }
  get err(): boolean { return (this.f & ERR) !== 0; }
  set err(v: boolean) { this.f = v ? this.f | ERR : this.f & ~ERR; }
  get settled(): boolean { return (this.f & SETTLED) !== 0; }
  set settled(v: boolean) { this.f = v ? this.f | SETTLED : this.f & ~SETTLED; }
  /**
   * One task object that stands for every counted callback of one tally (timers: callbacks never run inside
   * each other): it never settles itself, its callbacks are counted as they finish.
   */
  get reused(): boolean { return (this.f & REUSED) !== 0; }
  set reused(v: boolean) { this.f = v ? this.f | REUSED : this.f & ~REUSED; }
  get pending(): number { return this.g >> 3; }
  set pending(n: number) { this.g = (n << 3) | (this.g & 7); }
  get mode(): number { return this.g & 7; }
  set mode(m: number) { this.g = (this.g & ~7) | m; }
}
