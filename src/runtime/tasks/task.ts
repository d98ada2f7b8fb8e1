// One task: an async function activation, a timer, an immediate, an I/O request, a .then callback or a
// combinator group. One class so every task object has the same shape (V8 keeps the hot paths
// monomorphic), and small: one is allocated per async call, so its size is garbage-collector time.
// Booleans share one integer field; group state (pending members, mode) shares another.
const TRACKED = 1;
const FIRST = 2;
const ERR = 4;
const SETTLED = 8;

export class Task {
  /** Where the task's current slice started (clock ticks). */
  start = 0;
  runs = 0;
  /** Total run time (clock ticks). */
  runMs = 0;
  awaits = 0;
  private f: number;
  /** The task that was current when this one's slice began: restored when the slice ends. */
  prev: Task | null = null;
  /** Length of the just-returned list when this slice began (children above it belong to the slice). */
  mark = 0;
  /** Children that returned in an earlier slice without being awaited there (`const p = child(); …; await p`), oldest first. */
  kids: Task[] | null = null;
  /** The combinator group this task is a member of (an array in the rare case of several). */
  groups: Task | Task[] | null = null;
  /** For groups: pending members * 8 + mode (1 all, 2 allSettled, 3 race, 4 any). */
  private g = 0;

  constructor(
    readonly id: number,
    readonly parentId: number,
    /** False beyond the task cap: the task is transparent (its id is its parent's) and records nothing. */
    tracked: boolean,
  ) {
    this.f = tracked ? TRACKED | FIRST : FIRST;
  }

  get tracked(): boolean { return (this.f & TRACKED) !== 0; }
  /** True until the first slice ends: then the task has "just returned" to its caller. */
  get first(): boolean { return (this.f & FIRST) !== 0; }
  set first(v: boolean) { this.f = v ? this.f | FIRST : this.f & ~FIRST; }
  get err(): boolean { return (this.f & ERR) !== 0; }
  set err(v: boolean) { this.f = v ? this.f | ERR : this.f & ~ERR; }
  get settled(): boolean { return (this.f & SETTLED) !== 0; }
  set settled(v: boolean) { this.f = v ? this.f | SETTLED : this.f & ~SETTLED; }
  get pending(): number { return this.g >> 3; }
  set pending(n: number) { this.g = (n << 3) | (this.g & 7); }
  get mode(): number { return this.g & 7; }
  set mode(m: number) { this.g = (this.g & ~7) | m; }
}
