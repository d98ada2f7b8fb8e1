// TraceModel: events in (live batches, in order) → the task tree and the blocks.
// Every consumer (CLI, extension host, webview) reads a run through it, so a trace means the same everywhere.
// Cost per event is O(1) in the common case; memory is proportional to tasks, not to events
// (slices and awaited lists are capped per task).
import { GROUP_KINDS, type BlockEvent, type GroupEvent, type ProcessEvent, type SourceLocation, type SpawnEvent, type TallyEvent, type TraceEvent } from '../protocol/events.ts';
import { baseName } from './paths.ts';
import type { Block, ModelSnapshotInfo, TallyNode, TaskNode, TaskState } from './types.ts';

/** Run slices kept per task; beyond it they are only counted (runs/runMs stay exact). */
export const MAX_SLICES = 1000;
/** Awaited task ids kept per task. */
export const MAX_AWAITED = 1000;
// Below this many awaited ids a linear scan beats keeping a Set for the no-repeats rule.
const AWAITED_SCAN = 16;

export const ROOT_ID = 0;

function newNode(id: number, parentId: number | null, kind: TaskNode['kind'], name: string, ts: number): TaskNode {
  return {
    id, parentId, kind, name, state: 'pending', spawnTs: ts, children: [], awaited: [],
    runs: 0, runMs: 0, awaits: 0, slices: [], slicesOmitted: 0, blocks: [],
  };
}

export class TraceModel {
  readonly tasks = new Map<number, TaskNode>();
  readonly root: TaskNode;
  /** Blocks by id, live and final reports merged (the latest wins). Insertion order = order first seen = time order. */
  readonly blocks = new Map<number, Block>();
  readonly info: ModelSnapshotInfo = {
    dropped: 0, dropsByReason: {}, endTs: 0, tallied: 0, events: 0, orphanEvents: 0, invalidEvents: 0,
    counts: { pending: 0, resolved: 0, rejected: 0, cancelled: 0 },
  };
  /** Counted tasks of hot call sites, by tally id (see TallyNode). */
  readonly tallies = new Map<number, TallyNode>();
  /** Bumps on every apply() so a view can tell that it must redraw. */
  version = 0;
  private readonly awaitedSets = new Map<number, Set<number>>();
  // One object per distinct call site: a thousand tasks from one line share it (events that came through
  // JSON or postMessage each carry their own copy, path string included).
  private readonly sites = new Map<string, SourceLocation>();
  /**
   * Blocks in a counted task whose tally was not seen yet (the agent sends a tally's counts after the loop
   * is free again, a block as it happens): kept with their nearest recorded task until it comes.
   */
  private readonly awaitingTally = new Map<number, number[]>();

  constructor(events?: readonly TraceEvent[]) {
    this.root = newNode(ROOT_ID, null, 'main', 'main', 0);
    this.tasks.set(ROOT_ID, this.root);
    this.info.counts.pending = 1;
    if (events) this.apply(events);
  }

  /** Applies a batch of events (in the order the process emitted them). Never throws on odd input: it skips it. */
  apply(events: readonly TraceEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      // A malformed event from an unvalidated source costs that event, never the view.
      try { this.applyOne(events[i]); } catch { this.info.invalidEvents++; }
    }
    this.info.events += events.length;
    this.version++;
  }

  /** The task and its ancestors up to the root, innermost first. Empty for an unknown id. */
  ancestors(id: number): TaskNode[] {
    const out: TaskNode[] = [];
    let node = this.tasks.get(id);
    // The size guard makes a (never expected) cycle finite.
    while (node && out.length <= this.tasks.size) {
      out.push(node);
      node = node.parentId === null ? undefined : this.tasks.get(node.parentId);
    }
    return out;
  }

  /** Blocks by time (the order they began). */
  blockList(): Block[] {
    return [...this.blocks.values()].sort((a, b) => a.ts - b.ts || a.id - b.id);
  }

  /** Blocks, longest first. */
  blocksByDuration(): Block[] {
    return [...this.blocks.values()].sort((a, b) => b.durationMs - a.durationMs || a.ts - b.ts);
  }

  /**
   * The recorded task a block belongs to: its own task when known, else the root (the main module / unknown).
   * For a block in a counted task, its nearest recorded ancestor (blockTally() names the counted one).
   */
  blockTask(block: Block): TaskNode {
    return (block.taskId !== undefined ? this.tasks.get(block.taskId) : undefined) ?? this.root;
  }

  /** The tally of the counted task a block ran in, once the tally is known. */
  blockTally(block: Block): TallyNode | undefined {
    return block.tallyId !== undefined ? this.tallies.get(block.tallyId) : undefined;
  }

  /** The list a block is filed in: its tally's when it ran in a known counted task, else its task's. */
  private blockHome(block: Block): number[] {
    return (this.blockTally(block) ?? this.blockTask(block)).blocks;
  }

  private applyOne(ev: TraceEvent): void {
    switch (ev.type) {
      case 'process': this.onProcess(ev); break;
      case 'spawn': this.onSpawn(ev); break;
      case 'run': {
        const node = this.task(ev.id);
        if (!node) break;
        const dur = ev.dur >= 0 ? ev.dur : 0; // a NaN or negative duration from a damaged stream must not poison the sums
        node.runs++;
        node.runMs += dur;
        if (node.slices.length < MAX_SLICES) node.slices.push({ ts: ev.ts, dur });
        else node.slicesOmitted++;
        this.seen(ev.ts + dur);
        return;
      }
      case 'await': {
        const node = this.task(ev.id);
        if (!node) break;
        node.awaits++;
        this.addAwaited(node, ev.on);
        break;
      }
      case 'settle': {
        const node = this.task(ev.id);
        if (!node) break;
        // Aggregates counted in the process are exact; the slices and awaits we received may be a subset.
        if (ev.runs !== undefined) node.runs = ev.runs;
        if (ev.runMs !== undefined) node.runMs = ev.runMs;
        if (ev.awaits !== undefined) node.awaits = ev.awaits;
        // An aborted task often rejects after its cancel: keep "cancelled", which says why.
        if (node.state === 'pending') { this.setState(node, ev.state); node.endTs = ev.ts; }
        break;
      }
      case 'cancel': {
        const node = this.task(ev.id);
        if (!node) break;
        if (node.state === 'pending') {
          this.setState(node, 'cancelled');
          node.cancelReason = ev.reason;
          node.endTs = ev.ts;
        }
        break;
      }
      case 'group': this.onGroup(ev); break;
      case 'tally': this.onTally(ev); break;
      case 'block': this.onBlock(ev); break;
      case 'drop': {
        const prev = this.info.dropsByReason[ev.reason] ?? 0;
        // Counts are cumulative per reason: the largest one seen is the total for that reason.
        if (ev.count > prev) {
          this.info.dropsByReason[ev.reason] = ev.count;
          this.info.dropped += ev.count - prev;
        }
        break;
      }
      case 'exit': {
        this.info.exit = ev;
        // The main module's outcome is the process's: a clean exit resolved it, a crash or a failure code rejected it.
        if (this.root.state === 'pending' && ev.reason !== 'lost') {
          this.setState(this.root, ev.reason === 'killed' ? 'cancelled' : ev.reason === 'exit' && ev.code === 0 ? 'resolved' : 'rejected');
          this.root.endTs = ev.ts;
        }
        break;
      }
    }
    this.seen(ev.ts);
  }

  private seen(ts: number): void {
    if (ts > this.info.endTs && Number.isFinite(ts)) this.info.endTs = ts;
  }

  private task(id: number): TaskNode | undefined {
    const node = this.tasks.get(id);
    if (!node) this.info.orphanEvents++;
    return node;
  }

  private setState(node: TaskNode, state: TaskState): void {
    this.info.counts[node.state]--;
    this.info.counts[state]++;
    node.state = state;
  }

  private onProcess(ev: ProcessEvent): void {
    this.info.process = ev;
    const script = ev.argv[1];
    if (script) {
      this.root.name = baseName(script);
      this.root.site = { file: script, line: 1, column: 1 };
    }
  }

  private onSpawn(ev: SpawnEvent): void {
    if (this.tasks.has(ev.id)) return; // the root, or a repeated id: the first one stands
    const parent = this.tasks.get(ev.parentId) ?? this.root;
    const node = newNode(ev.id, parent.id, ev.kind, ev.name, ev.ts);
    if (ev.site) node.site = this.internSite(ev.site);
    if (GROUP_KINDS.has(ev.kind)) node.members = [];
    this.tasks.set(ev.id, node);
    parent.children.push(ev.id);
    this.info.counts.pending++;
  }

  private onTally(ev: TallyEvent): void {
    this.seen(ev.ts);
    let node = this.tallies.get(ev.id);
    if (!node) {
      node = {
        id: ev.id, parentId: ev.parentId, kind: ev.kind, name: ev.name, count: 0, resolved: 0, rejected: 0, cancelled: 0,
        pending: 0, runs: 0, runMs: 0, firstTs: ev.firstTs, lastTs: ev.ts, tallies: [], blocks: [],
      };
      if (ev.site) node.site = this.internSite(ev.site);
      const parentTally = ev.parentTally === undefined ? undefined : this.tallies.get(ev.parentTally);
      if (parentTally) {
        node.parentTally = parentTally.id;
        node.parentId = parentTally.parentId;
        parentTally.tallies.push(ev.id);
      } else {
        const parent = this.tasks.get(ev.parentId) ?? this.root;
        node.parentId = parent.id;
        (parent.tallies ??= []).push(ev.id);
      }
      this.tallies.set(ev.id, node);
      this.adoptBlocks(node);
    }
    // Counts are cumulative: the latest replaces (a stale, smaller one never rolls them back).
    if (ev.count < node.count) return;
    this.info.tallied += ev.count - node.count;
    node.count = ev.count; node.resolved = ev.resolved; node.rejected = ev.rejected; node.cancelled = ev.cancelled;
    node.pending = Math.max(0, ev.count - ev.resolved - ev.rejected - ev.cancelled);
    node.runs = ev.runs; node.runMs = ev.runMs; node.lastTs = ev.ts;
  }

  private onGroup(ev: GroupEvent): void {
    const group = this.task(ev.id);
    if (!group) return;
    const members = group.members ?? (group.members = []);
    let chain: Set<number> | undefined; // the group and its ancestors: a member among them must not move (cycle)
    let far: Map<TaskNode, Set<number>> | undefined; // members to take out of their parents in one pass
    for (const memberId of ev.members) {
      const member = this.tasks.get(memberId);
      if (!member || member === group || member === this.root) continue;
      members.push(memberId);
      const oldParent: TaskNode | undefined = member.parentId === null ? undefined : this.tasks.get(member.parentId);
      if (!oldParent || oldParent === group) continue;
      // A task already inside another combinator stays with the first one (a promise raced twice has one home).
      if (GROUP_KINDS.has(oldParent.kind)) continue;
      chain ??= new Set(this.ancestors(group.id).map((t) => t.id));
      if (chain.has(memberId)) continue;
      if (!removeRecentChild(oldParent, memberId)) {
        far ??= new Map();
        (far.get(oldParent) ?? far.set(oldParent, new Set()).get(oldParent)!).add(memberId);
      }
      group.children.push(memberId);
      member.parentId = group.id;
    }
    if (far) for (const [parent, ids] of far) parent.children = parent.children.filter((c) => !ids.has(c));
  }

  private onBlock(ev: BlockEvent): void {
    const prev = this.blocks.get(ev.id);
    if (prev?.final && !ev.final) return; // a late live report never undoes the final one
    const { type: _type, ...block } = ev;
    if (prev && keepEarlierLocation(prev, block)) {
      // The earlier report caught the loop deeper inside the same call chain (e.g. inside crunch(), while the
      // final one only saw its caller after it returned): its line is the one that blocked.
      block.location = prev.location;
      block.stack = prev.stack;
    }
    this.blocks.set(ev.id, block);
    const home = this.blockHome(block);
    if (!prev) home.push(ev.id);
    else {
      // The final report knew the task better: move the block to it.
      const before = this.blockHome(prev);
      if (before !== home) {
        const i = before.indexOf(ev.id);
        if (i >= 0) before.splice(i, 1);
        home.push(ev.id);
      }
    }
    if (block.tallyId !== undefined && !this.tallies.has(block.tallyId)) {
      const waiting = this.awaitingTally.get(block.tallyId) ?? this.awaitingTally.set(block.tallyId, []).get(block.tallyId)!;
      if (!waiting.includes(ev.id)) waiting.push(ev.id);
    }
    this.seen(ev.ts + ev.durationMs);
  }

  /** A tally just seen takes over the blocks that named it before it came (see awaitingTally). */
  private adoptBlocks(tally: TallyNode): void {
    const waiting = this.awaitingTally.get(tally.id);
    if (!waiting) return;
    this.awaitingTally.delete(tally.id);
    for (const id of waiting) {
      const b = this.blocks.get(id);
      if (!b || b.tallyId !== tally.id) continue;
      const before = this.blockTask(b).blocks;
      const i = before.indexOf(id);
      if (i >= 0) before.splice(i, 1);
      tally.blocks.push(id);
    }
  }

  private internSite(site: SourceLocation): SourceLocation {
    const key = `${site.line}:${site.column}:${site.function ?? ''}:${site.file}`;
    const known = this.sites.get(key);
    if (known) return known;
    this.sites.set(key, site);
    return site;
  }

  private addAwaited(node: TaskNode, on: number): void {
    const list = node.awaited;
    if (list.length >= MAX_AWAITED) return;
    if (list.length < AWAITED_SCAN) {
      if (!list.includes(on)) list.push(on);
      return;
    }
    let set = this.awaitedSets.get(node.id);
    if (!set) { set = new Set(list); this.awaitedSets.set(node.id, set); }
    if (set.has(on)) return;
    set.add(on);
    list.push(on);
    if (list.length >= MAX_AWAITED) this.awaitedSets.delete(node.id); // full: no more adds, so no more checks
  }
}

// Members are usually the parent's newest children: look a short way back from the end. A member found
// further back is removed in one filtering pass per group event instead (no O(children) scan per member).
const RECENT_CHILDREN = 64;
function removeRecentChild(parent: TaskNode, id: number): boolean {
  const c = parent.children;
  for (let i = c.length - 1; i >= 0 && i >= c.length - RECENT_CHILDREN; i--) {
    if (c[i] === id) { c.splice(i, 1); return true; }
  }
  return false;
}

/** True when `next`'s line is one of the outer frames of `prev`'s stack: `prev` saw the same chain, deeper. */
function keepEarlierLocation(prev: Block, next: Block): boolean {
  // A stall is placed at its outermost user frame on purpose (the loop that keeps it going), not at whichever
  // short step a live report happened to catch.
  if (next.cause === 'stall') return false;
  const loc = next.location;
  if (!prev.location || prev.stack.length < 2) return false;
  if (!loc) return true;
  if (loc.file === prev.location.file && loc.line === prev.location.line) return false;
  for (let i = 1; i < prev.stack.length; i++) {
    const f = prev.stack[i];
    if (f.file === loc.file && f.line === loc.line) return true;
  }
  return false;
}
