// Writes frames to the launcher's socket from the watchdog worker. While the socket cannot take more
// (not yet connected, or the reader is slow) frames wait here, up to a cap; past the cap record frames
// are dropped and counted, so the user's program is never stalled and memory stays bounded.
// Control frames (hello, sites, blocks, exit) are small and rare, and records are useless without them:
// they are always kept.
import * as net from 'node:net';
import { encodeControlFrame, RECORD_SLOTS, recordsFrameHeader, type ControlMessage } from '../../protocol/index.ts';

export const DEFAULT_BUFFER_CAP_BYTES = 32 * 1024 * 1024;

export class SocketWriter {
  private socket: net.Socket | undefined;
  private connected = false;
  private dead = false;
  private readonly queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private waitingDrain = false;
  private readonly flushWaiters: Array<() => void> = [];
  /** Cumulative counts of what was dropped, by reason. */
  readonly drops = new Map<string, number>();
  private dropsDirty = false;

  constructor(
    private readonly now: () => number,
    private readonly capBytes = DEFAULT_BUFFER_CAP_BYTES,
  ) {}

  connect(path: string): void {
    try {
      const socket = net.connect(path);
      this.socket = socket;
      socket.on('connect', () => { this.connected = true; this.pump(); });
      socket.on('drain', () => { this.waitingDrain = false; this.pump(); });
      // The launcher is gone (or never was): nothing can be delivered; stop buffering.
      socket.on('error', () => this.die());
      socket.on('close', () => this.die());
      // Nothing is read from the launcher; keep the socket from holding data we never consume.
      socket.resume();
    } catch {
      this.die();
    }
  }

  control(msg: ControlMessage): void {
    if (this.dead) return;
    this.enqueue(encodeControlFrame(msg));
  }

  /** `buf` holds `count` records as little-endian float64s (x86/ARM Node is little-endian). */
  records(buf: ArrayBuffer, count: number): void {
    if (this.dead) return;
    const bytes = new Uint8Array(buf, 0, count * RECORD_SLOTS * 8);
    if (this.queuedBytes + this.socketBacklog() + bytes.length > this.capBytes) {
      this.dropped(count, 'channel buffer full: the reader could not keep up');
      return;
    }
    this.enqueue(recordsFrameHeader(count));
    this.enqueue(bytes);
  }

  dropped(count: number, reason: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + count);
    this.dropsDirty = true;
  }

  /** Sends drop events for counts that changed since the last call. */
  reportDrops(): void {
    if (!this.dropsDirty) return;
    this.dropsDirty = false;
    for (const [reason, count] of this.drops) this.control({ type: 'event', event: { type: 'drop', ts: this.now(), count, reason } });
  }

  /** Calls `done` once everything queued so far has been handed to the kernel (or can never be). */
  flush(done: () => void): void {
    this.reportDrops();
    this.flushWaiters.push(done);
    this.pump();
  }

  private enqueue(chunk: Uint8Array): void {
    this.queue.push(chunk);
    this.queuedBytes += chunk.length;
    this.pump();
  }

  private socketBacklog(): number {
    return this.socket?.writableLength ?? 0;
  }

  private pump(): void {
    if (this.dead) { this.settleFlushes(); return; }
    if (!this.connected || !this.socket) return;
    while (this.queue.length > 0 && !this.waitingDrain) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      if (!this.socket.write(chunk, () => this.settleFlushes())) this.waitingDrain = true;
    }
    this.settleFlushes();
  }

  private settleFlushes(): void {
    if (this.flushWaiters.length === 0) return;
    const done = this.dead || (this.connected && this.queue.length === 0 && this.socketBacklog() === 0);
    if (!done) return;
    for (const w of this.flushWaiters.splice(0)) w();
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.settleFlushes();
  }
}
