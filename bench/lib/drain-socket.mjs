// For `--direct` runs: stands in for the launcher's per-run socket, so the agent can be measured on its own
// (`node --require dist/runtime/agent.cjs`), without the CLI decoding events. It discards what arrives and only
// reads frame headers (u32 LE length | u8 kind, see src/protocol/wire.ts) to count records and control messages.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { rmSync } from 'node:fs';

const FRAME_HEADER_BYTES = 5;
const FRAME_CONTROL = 1;
const FRAME_RECORDS = 2;
const RECORD_BYTES = 8 * 8;

export async function openDrainSocket() {
  const socketPath = path.join(os.tmpdir(), `loopscope-bench-${process.pid}-${Date.now()}.sock`);
  const counts = { connections: 0, bytes: 0, records: 0, controls: 0, corrupt: false };
  const server = net.createServer((sock) => {
    counts.connections++;
    let need = 0; // payload bytes of the current frame still to skip
    let header = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      counts.bytes += chunk.length;
      let at = 0;
      while (at < chunk.length) {
        if (need > 0) { const n = Math.min(need, chunk.length - at); need -= n; at += n; continue; }
        const take = Math.min(FRAME_HEADER_BYTES - header.length, chunk.length - at);
        header = Buffer.concat([header, chunk.subarray(at, at + take)]);
        at += take;
        if (header.length < FRAME_HEADER_BYTES) break;
        const len = header.readUInt32LE(0);
        const kind = header[4];
        header = Buffer.alloc(0);
        if (kind === FRAME_RECORDS) counts.records += (len - 1) / RECORD_BYTES;
        else if (kind === FRAME_CONTROL) counts.controls++;
        else counts.corrupt = true;
        need = len - 1;
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(socketPath, resolve); });
  return {
    socketPath,
    /** Counts since the last take (one run's worth). */
    take() { const c = { ...counts }; Object.assign(counts, { connections: 0, bytes: 0, records: 0, controls: 0, corrupt: false }); return c; },
    close() { server.close(); try { rmSync(socketPath, { force: true }); } catch { /* gone */ } },
  };
}
