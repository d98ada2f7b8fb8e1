// Every callback run in the process, in time order, for the event-loop lane. Kept as typed arrays with a
// running sum of busy time so a zoomed-out frame asks "how busy was this pixel column?" with two binary
// searches instead of walking a million runs.
export class RunIndex {
  private ts = new Float64Array(1024);
  private dur = new Float64Array(1024);
  private cum = new Float64Array(1025); // cum[i] = total duration of runs [0, i)
  private ids = new Float64Array(1024);
  length = 0;

  push(ts: number, dur: number, id: number): void {
    if (this.length === this.ts.length) this.grow();
    const n = this.length++;
    // Runs come in start order from one event loop; one that arrives a little late is slotted in (a few
    // places back at most), keeping the binary searches exact. Far out of order, it is appended as it is.
    let i = n;
    while (i > 0 && n - i < 64 && this.ts[i - 1] > ts) i--;
    if (i > 0 && this.ts[i - 1] > ts) i = n;
    this.ts.copyWithin(i + 1, i, n); this.dur.copyWithin(i + 1, i, n); this.ids.copyWithin(i + 1, i, n);
    this.ts[i] = ts; this.dur[i] = dur; this.ids[i] = id;
    for (let k = i; k <= n; k++) this.cum[k + 1] = this.cum[k] + this.dur[k];
  }

  clear(): void { this.length = 0; }

  startAt(i: number): number { return this.ts[i]; }
  durAt(i: number): number { return this.dur[i]; }
  idAt(i: number): number { return this.ids[i]; }

  /** First run whose start is ≥ t (runs arrive in time order from one event loop). */
  lowerBound(t: number): number {
    let lo = 0, hi = this.length;
    while (lo < hi) { const m = (lo + hi) >>> 1; if (this.ts[m] < t) lo = m + 1; else hi = m; }
    return lo;
  }

  /** Busy milliseconds of runs starting in [t0, t1). */
  busy(t0: number, t1: number): number {
    return this.cum[this.lowerBound(t1)] - this.cum[this.lowerBound(t0)];
  }

  private grow(): void {
    const n = this.ts.length * 2;
    const g = (a: Float64Array, size: number) => { const b = new Float64Array(size); b.set(a); return b; };
    this.ts = g(this.ts, n); this.dur = g(this.dur, n); this.ids = g(this.ids, n); this.cum = g(this.cum, n + 1);
  }
}
