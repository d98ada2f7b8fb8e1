// One task: an async function activation, a timer, an immediate, an I/O request, a .then callback or a
// combinator group. One class so every task object has the same shape (V8 keeps the hot paths
// monomorphic), and small: one is allocated per recorded task, so its size is garbage-collector time.
// Booleans share one integer field; group state (pending members, mode) shares another. What a running
// slice must remember (where it started, what to restore when it ends) is on core.ts's slice stack, not
// here: a counted async call then needs no task object of its own.
// Fields are `declare`d and assigned in the constructor: class-field syntax would compile to
// define-semantics initializers (slower, and the fields first hold undefined).
import type { Tally } from './tally.ts';

const TRACKED = 1;
const ERR = 4;
const SETTLED = 8;
const REUSED = 16;

export class Task {
  declare readonly id: number;
  declare readonly parentId: number;
  declare runs: number;
  /** Total run time (clock ticks). */
  declare runMs: number;
  declare awaits: number;
  declare private f: number;
  /** Children that returned in an earlier slice without being awaited there (`const p = child(); …; await p`), oldest first. */
  declare kids: Task[] | null;
  /** The combinator group this task is a member of (an array in the rare case of several). */
  declare groups: Task | Task[] | null;
  /** A counted task (not recorded: its call site passed its budget): the tally that counts it. */
  declare tally: Tally | null;
  /** That tally's id (0: none), what the watchdog is told runs (a small integer: no load through `tally`). */
  declare tallyId: number;
  /** For groups: pending members * 8 + mode (1 all, 2 allSettled, 3 race, 4 any). */
  declare private g: number;

  /** `tracked` false beyond the task cap: the task is transparent (its id is its parent's) and records nothing. */
  constructor(id: number, parentId: number, tracked: boolean) {
    this.id = id;
    this.parentId = parentId;
    this.runs = 0;
    this.runMs = 0;
    this.awaits = 0;
    this.f = tracked ? TRACKED : 0;
    this.kids = null;
    this.groups = null;
    this.g = 0;
    this.tally = null;
    this.tallyId = 0;
  }

  get tracked(): boolean { return (this.f & TRACKED) !== 0; }
  get err(): boolean { return (this.f & ERR) !== 0; }
  set err(v: boolean) { this.f = v ? this.f | ERR : this.f & ~ERR; }
  get settled(): boolean { return (this.f & SETTLED) !== 0; }
  set settled(v: boolean) { this.f = v ? this.f | SETTLED : this.f & ~SETTLED; }
  /**
   * One task object that stands for every counted task of one tally (its timer callbacks, or its async
   * calls): it never settles itself, each of its tasks is counted as it settles. It is never a group member
   * (a combinator follows such a member's promise instead).
   */
  get reused(): boolean { return (this.f & REUSED) !== 0; }
  set reused(v: boolean) { this.f = v ? this.f | REUSED : this.f & ~REUSED; }
  get pending(): number { return this.g >> 3; }
  set pending(n: number) { this.g = (n << 3) | (this.g & 7); }
  get mode(): number { return this.g & 7; }
  set mode(m: number) { this.g = (this.g & ~7) | m; }
}
