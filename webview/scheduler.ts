// The one requestAnimationFrame loop. Views ask for a redraw by name; all dirty views draw in the same frame,
// so a burst of live events or zoom gestures costs at most one render per frame.
export type FrameTask = (now: number) => void;

export class FrameScheduler {
  private readonly tasks = new Map<string, FrameTask>();
  private readonly dirty = new Set<string>();
  private handle = 0;
  /** Runs first in every frame (e.g. to apply queued events within a time budget); returns true to ask for another frame. */
  beforeFrame: ((now: number) => boolean) | undefined;

  register(name: string, task: FrameTask): void { this.tasks.set(name, task); }

  /** A frame is asked for (some view still has to draw, maybe after a rate cap): tests wait for this to clear. */
  get busy(): boolean { return this.handle !== 0; }

  request(name?: string): void {
    if (name) this.dirty.add(name); else for (const n of this.tasks.keys()) this.dirty.add(n);
    if (this.handle === 0) this.handle = requestAnimationFrame((t) => this.frame(t));
  }

  /** Asks for a frame without marking any view dirty (used by beforeFrame work that is not finished). */
  wake(): void {
    if (this.handle === 0) this.handle = requestAnimationFrame((t) => this.frame(t));
  }

  /** When set (benchmarks), milliseconds spent per view per frame, keyed by view name ('apply' for beforeFrame). */
  stats: Map<string, number[]> | undefined;

  private frame(now: number): void {
    this.handle = 0;
    let t = this.stats ? performance.now() : 0;
    const more = this.beforeFrame ? this.beforeFrame(now) : false;
    if (this.stats) t = this.record('apply', t);
    // Draw in registration order: earlier views (tree rows) settle layout that later ones (timeline lanes) read.
    const names = [...this.tasks.keys()].filter((n) => this.dirty.has(n));
    this.dirty.clear();
    for (const n of names) {
      this.tasks.get(n)!(now);
      if (this.stats) t = this.record(n, t);
    }
    if (more) this.wake();
  }

  private record(name: string, since: number): number {
    const now = performance.now();
    let a = this.stats!.get(name);
    if (!a) this.stats!.set(name, a = []);
    a.push(now - since);
    return now;
  }
}
