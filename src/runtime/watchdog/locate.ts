// Turns what the inspector saw (a snapshot of the stack taken while blocked — "paused" below, as it
// is what a debugger pause would show — and the sampled profile) into the block's location and stack,
// and picks the better of the two witnesses. Pure: unit-tested with recorded shapes.
//
// Why two witnesses: a snapshot is taken at the next interrupt check, so it names the exact line and column
// of anything interruptible (loops, regex, node's own JS around a native call such as readFileSync or
// execSync), but it lands AFTER an uninterruptible builtin (JSON.parse) returns. The sampler sees
// inside builtins (their time is charged to the calling line: positionTicks) but only knows the line,
// and for calls into node internals it shows the internals, not the calling line.
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../../protocol/index.ts';
import type { CallFrame, Profile, ProfileNode } from './inspector-probe.ts';

/** url of a script as V8 reports it → the path users know (file:// → absolute path). */
export function urlToFile(url: string): string {
  if (url.startsWith('file://')) {
    try { return fileURLToPath(url); } catch { return url; }
  }
  return url;
}

export interface FrameFilter {
  /** Files of the agent itself: never blamed. */
  ownFiles: ReadonlySet<string>;
}

export type FrameClass = 'user' | 'library' | 'internal' | 'own';

export function classify(file: string, filter: FrameFilter): FrameClass {
  if (file === '' || file.startsWith('node:') || file.startsWith('internal/') || !/[/\\]/.test(file)) return 'internal';
  if (filter.ownFiles.has(file)) return 'own';
  if (/[/\\]node_modules[/\\]/.test(file)) return 'library';
  return 'user';
}

/** Innermost frame in the user's own code; else the innermost library frame; else the innermost frame. */
export function pickLocation(stack: SourceLocation[], filter: FrameFilter): SourceLocation | undefined {
  const classes = stack.map((f) => classify(f.file, filter));
  const user = classes.indexOf('user');
  if (user >= 0) return stack[user];
  const lib = classes.indexOf('library');
  if (lib >= 0) return stack[lib];
  return stack.find((_, i) => classes[i] !== 'own');
}

export function framesToStack(frames: CallFrame[]): SourceLocation[] {
  return frames.map((f) => {
    const loc: SourceLocation = { file: urlToFile(f.url), line: f.location.lineNumber + 1, column: f.location.columnNumber + 1 };
    if (f.functionName) loc.function = f.functionName;
    return loc;
  });
}

/** What the sampler says about a span: the user frame that held it and, when it is exact, its line. */
export interface SampledWitness {
  /**
   * Stack from the sample chain (innermost first). A profile node's line is where its FUNCTION starts;
   * only ticks taken while a frame was on top (positionTicks) say which line ran. So the callers' lines
   * here are definition lines: they name the function, never the line that blocked.
   */
  stack: SourceLocation[];
  /** The blamed frame; `exactLine` tells whether its line came from line ticks. */
  location: SourceLocation;
  exactLine: boolean;
  /** Share of the span's samples under the blamed frame. */
  share: number;
  /** Samples in the span: all, and those in V8 with no JS frame ('(program)': e.g. the microtask runner). */
  spanSamples: number;
  programSamples: number;
  /** Samples in JavaScript with no user or library frame on the stack (e.g. our task hooks run by the microtask runner). */
  noUserSamples: number;
  /** Lines of the blamed function with their tick counts (from positionTicks). */
  lineTicks: Map<number, number>;
  /** Where the blamed function starts (1-based line:column), to tell functions apart. */
  functionStart: string;
  /**
   * The outermost user frame of the span's samples (what keeps a stall going: the await loop), at the
   * line it ran while it was itself the top frame (its positionTicks). Absent when it never was: the
   * profile then knows only where that function starts, which is not a blocking line.
   */
  outer?: SourceLocation;
}

const META = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** Samples taken between fromUs and toUs (the profiler's clock); all samples when absent. */
export interface Span { fromUs: number; toUs: number }

export function sampledWitness(profiles: Profile | Profile[], filter: FrameFilter, span?: Span): SampledWitness | undefined {
  // Several profiles can cover one block (the sampler is restarted now and then); their node ids
  // differ, so frames are matched by what they are (file, position, name).
  interface Acc { count: number; leafHits: number; lineTicks: Map<number, number>; stack: SourceLocation[]; cf: ProfileNode['callFrame'] }
  const acc = new Map<string, Acc>();
  const outerAcc = new Map<string, Acc>();
  let total = 0;
  let spanSamples = 0;
  let programSamples = 0;
  let noUserSamples = 0;
  for (const profile of Array.isArray(profiles) ? profiles : [profiles]) {
    const byId = new Map<number, ProfileNode>();
    const parent = new Map<number, number>();
    for (const n of profile.nodes) {
      byId.set(n.id, n);
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    const seen = new Set<string>();
    const chainOf = (n: ProfileNode): SourceLocation[] => chain(n, byId, parent);
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let t = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      if (span && (t < span.fromUs || t > span.toUs)) continue;
      const leafId = samples[i]!;
      const leaf = byId.get(leafId);
      if (!leaf) continue;
      const fn = leaf.callFrame.functionName;
      if (fn !== '(idle)') spanSamples++;
      if (fn === '(program)') programSamples++;
      if (META.has(fn)) continue;
      total++;
      const outerId = outermostUser(leaf, byId, parent, filter);
      if (outerId !== undefined) tally(outerAcc, byId.get(outerId)!, outerId === leafId, seen, 'o', chainOf);
      const blamedId = blameNode(leaf, byId, parent, filter);
      if (blamedId === undefined) { noUserSamples++; continue; }
      tally(acc, byId.get(blamedId)!, blamedId === leafId, seen, 'b', chainOf);
    }
  }
  function tally(into: Map<string, Acc>, node: ProfileNode, isLeaf: boolean, seen: Set<string>, tag: string, chainOf: (n: ProfileNode) => SourceLocation[]): void {
    const cf = node.callFrame;
    const key = `${cf.url}:${cf.lineNumber}:${cf.columnNumber}:${cf.functionName}`;
    let a = into.get(key);
    if (!a) {
      a = { count: 0, leafHits: 0, lineTicks: new Map(), stack: chainOf(node), cf };
      into.set(key, a);
    }
    a.count++;
    if (isLeaf) a.leafHits++;
    // positionTicks are per node over the whole profile: add each node's once.
    if (!seen.has(tag + node.id)) {
      seen.add(tag + node.id);
      for (const pt of node.positionTicks ?? []) a.lineTicks.set(pt.line, (a.lineTicks.get(pt.line) ?? 0) + pt.ticks);
    }
  }
  const best = mostSampled(acc);
  if (!best) return undefined;
  // The line is exact when most of the blamed samples were in this function's own code (or builtins
  // inlined into it, like JSON.parse), not in functions it called.
  const exactLine = best.leafHits * 2 > best.count && best.lineTicks.size > 0;
  const location = { ...best.stack[0]! };
  if (exactLine) location.line = argmax(best.lineTicks);
  const cf = best.cf;
  const witness: SampledWitness = {
    stack: [location, ...best.stack.slice(1)], location, exactLine, share: best.count / Math.max(1, total), lineTicks: best.lineTicks,
    spanSamples, programSamples, noUserSamples,
    functionStart: `${urlToFile(cf.url)}:${cf.lineNumber + 1}:${cf.columnNumber + 1}`,
  };
  const outer = mostSampled(outerAcc);
  if (outer && outer.lineTicks.size > 0) witness.outer = { ...outer.stack[0]!, line: argmax(outer.lineTicks) };
  return witness;
}

/**
 * The samples' testimony on a block from the profiles that cover it. A profile started inside the block (a
 * sampler restart served while it went on) cannot resolve code compiled before it started that is still running
 * (V8 logs the existing functions when it starts, not their on-stack-replacement code), so it charges a hot loop
 * to its caller's call line: seen on a loaded machine, crunch()'s loop charged to tick()'s line that called it.
 * The profiles already running when the block began are asked first; the others only when those saw none of it.
 */
export function blockWitness(profiles: readonly Profile[], filter: FrameFilter, span: Span): SampledWitness | undefined {
  const fromStart = profiles.filter((q) => q.startTime <= span.fromUs);
  if (fromStart.length > 0 && fromStart.length < profiles.length) {
    const w = sampledWitness(fromStart, filter, span);
    if (w && w.spanSamples > 0) return w;
  }
  return sampledWitness([...profiles], filter, span);
}

function mostSampled<A extends { count: number }>(m: Map<string, A>): A | undefined {
  let best: A | undefined;
  for (const a of m.values()) if (!best || a.count > best.count) best = a;
  return best;
}

/** The outermost frame of the user's own code on a sample's stack. */
function outermostUser(leaf: ProfileNode, byId: Map<number, ProfileNode>, parent: Map<number, number>, filter: FrameFilter): number | undefined {
  let outer: number | undefined;
  for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
    if (classify(urlToFile(n.callFrame.url), filter) === 'user') outer = n.id;
  }
  return outer;
}

function chain(node: ProfileNode, byId: Map<number, ProfileNode>, parent: Map<number, number>): SourceLocation[] {
  const stack: SourceLocation[] = [];
  for (let n: ProfileNode | undefined = node; n && n.callFrame.functionName !== '(root)'; n = byId.get(parent.get(n.id) ?? -1)) {
    stack.push(nodeLocation(n));
  }
  return stack;
}

function blameNode(leaf: ProfileNode, byId: Map<number, ProfileNode>, parent: Map<number, number>, filter: FrameFilter): number | undefined {
  let lib: number | undefined;
  for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
    const cls = classify(urlToFile(n.callFrame.url), filter);
    if (cls === 'user') return n.id;
    if (cls === 'library' && lib === undefined) lib = n.id;
  }
  return lib;
}

function nodeLocation(n: ProfileNode): SourceLocation {
  const cf = n.callFrame;
  const loc: SourceLocation = { file: urlToFile(cf.url), line: cf.lineNumber + 1, column: cf.columnNumber + 1 };
  if (cf.functionName) loc.function = cf.functionName;
  return loc;
}

function argmax(m: Map<number, number>): number {
  let best = 0; let bestN = -1;
  for (const [k, n] of m) if (n > bestN) { best = k; bestN = n; }
  return best;
}

export interface PausedWitness {
  stack: SourceLocation[];
  location: SourceLocation;
  /** Where the paused user function starts, from the frame's function location when known. */
  functionName: string | undefined;
}

export interface Chosen { location?: SourceLocation; stack: SourceLocation[]; from: 'pause' | 'samples' | 'mark' | 'none' }

/**
 * A block spent inside one marked builtin call (JSON.parse/stringify at `site`, in original coordinates):
 * its mark was up from the block's start to its end. The call answers no snapshot until it returns, so a
 * snapshot, if any, landed after it in the same function: at or below the call's line in its file.
 * Then the call's own position is where the loop was held, and the snapshot's callers stay. A snapshot
 * anywhere else (a reviver or toJSON the call ran, which is interruptible) is the better witness:
 * undefined. The returned location is the very object that stands in the stack (it needs no mapping).
 */
export function builtinWitness(site: SourceLocation, paused: PausedWitness | undefined): Chosen | undefined {
  if (!paused) return { location: site, stack: [site], from: 'mark' };
  const p = paused.location;
  if (p.file !== site.file || p.line < site.line) return undefined;
  const at: SourceLocation = { ...site };
  if (p.function !== undefined) at.function = p.function;
  return { location: at, stack: paused.stack.map((f) => (f === p ? at : f)), from: 'mark' };
}

/**
 * The better of the two witnesses. The pause wins when it is consistent with the samples (its line is
 * one where the blocked function spent real time) or when the samples cannot name a line; the samples
 * win when the pause clearly landed after the blocking work (a line the samples barely saw).
 */
export function choose(paused: PausedWitness | undefined, sampled: SampledWitness | undefined, _filter: FrameFilter): Chosen {
  if (!sampled) return paused ? { location: paused.location, stack: paused.stack, from: 'pause' } : { stack: [], from: 'none' };
  // Samples that cannot name a line know only where the function starts: no location, never that line.
  if (!paused) return sampled.exactLine ? { location: sampled.location, stack: sampled.stack, from: 'samples' } : { stack: sampled.stack, from: 'samples' };
  if (!sampled.exactLine) return { location: paused.location, stack: paused.stack, from: 'pause' };
  const p = paused.location;
  const s = sampled.location;
  const sameFile = p.file === s.file;
  const totalTicks = [...sampled.lineTicks.values()].reduce((a, b) => a + b, 0);
  const pausedLineTicks = sameFile ? (sampled.lineTicks.get(p.line) ?? 0) : 0;
  if (sameFile && pausedLineTicks * 5 >= totalTicks) return { location: p, stack: paused.stack, from: 'pause' };
  // The pause landed elsewhere: the samples name the line; keep the paused stack's callers when the
  // same function is on it, so the stack stays as exact as possible.
  const at = paused.stack.findIndex((f) => f.file === s.file && f.function === s.function);
  if (at >= 0) {
    const stack = paused.stack.slice(at).map((f, i) => (i === 0 ? { ...f, line: s.line, column: s.column } : f));
    return { location: stack[0]!, stack, from: 'samples' };
  }
  return { location: s, stack: sampled.stack, from: 'samples' };
}

/**
 * Where a stall is: the code that keeps scheduling its turns, the outermost user frame (the await loop),
 * not whichever small function ran at the instant we looked. Its line must be one that ran: the
 * snapshot's frame (it has real lines for every frame), else the samples' outer frame at the line where
 * it was itself on top; never a caller's line from the profile (that is where its function starts).
 * Without either, the innermost witnessed location (`chosen`), which is exact or absent.
 */
export function stallLocation(paused: PausedWitness | undefined, sampled: SampledWitness | undefined, chosen: Chosen, filter: FrameFilter): Chosen {
  const outer = sampled?.outer;
  if (paused) {
    const user = paused.stack.filter((f) => classify(f.file, filter) === 'user');
    const top = user[user.length - 1];
    if (top) {
      // One instant can catch the loop's function as it resumes, which V8 files at the function's first line
      // (seen in CI: await-stall.js at its line 4): where the samples saw it spend the stall says more.
      if (outer && outer.file === top.file && outer.function === top.function && outer.line !== top.line) {
        return { location: outer, stack: paused.stack.map((f) => (f === top ? outer : f)), from: 'samples' };
      }
      return { location: top, stack: paused.stack, from: 'pause' };
    }
  }
  if (outer) {
    // The profile's stack holds the same function at its first line: show it at the line that ran.
    const same = (f: SourceLocation): boolean => f.file === outer.file && f.column === outer.column && f.function === outer.function;
    const stack = sampled.stack.some(same) ? sampled.stack.map((f) => (same(f) ? outer : f)) : [...sampled.stack, outer];
    return { location: outer, stack, from: 'samples' };
  }
  return chosen;
}
