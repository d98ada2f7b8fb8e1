// One task: an async function activation, a timer, an immediate, an I/O request, a .then callback or a
// combinator group. One class so every task object has the same shape (V8 keeps the hot paths monomorphic).
export class Task {
  /** Where the task's current slice started (ms since timeOrigin). */
  start = 0;
  runs = 0;
  runMs = 0;
  awaits = 0;
  /** True until the first slice ends: then the task has "just returned" to its caller. */
  first = true;
  err = false;
  settled = false;
  /** The task that was current when this one's slice began: restored when the slice ends. */
  prev: Task | null = null;
  /** Length of the just-returned list when this slice began (children above it belong to the slice). */
  mark = 0;
  /** Children that returned in an earlier slice without being awaited there (`const p = child(); …; await p`), oldest first. */
  kids: Task[] | null = null;
  /** The combinator group this task is a member of (an array in the rare case of several). */
  groups: Task | Task[] | null = null;
  /** For groups: members still pending, and the mode (1 all, 2 allSettled, 3 race, 4 any). */
  pending = 0;
  mode = 0;

  constructor(
    readonly id: number,
    readonly parentId: number,
    /** False beyond the task cap: the task is transparent (its id is its parent's) and records nothing. */
    readonly tracked: boolean,
  ) {}
}
