// The listening end of the per-run channel. Every agent that connects (the launched program, or with
// followChildren any Node process started under it, as in the Loopscope Terminal) is one run.
//
//   const server = await AgentServer.listen();
//   server.onRun((run) => { run.onEvents(batch => …); run.onEnd(end => …); });
//   // hand server.socketPath to the agent (AgentConfig.socket); later: await server.close();
import * as net from 'node:net';
import { AgentConnection } from './agent-connection.ts';
import { createChannelPath, type ChannelPath } from './channel-path.ts';

export class AgentServer {
  private readonly connections = new Set<AgentConnection>();
  private readonly runListeners: Array<(run: AgentConnection) => void> = [];
  private closed = false;

  private constructor(private readonly server: net.Server, private readonly channel: ChannelPath) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts listening on a fresh private socket (named pipe on Windows). */
  static async listen(): Promise<AgentServer> {
    const channel = createChannelPath();
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(channel.path, () => { server.off('error', reject); resolve(); });
      });
    } catch (err) {
      channel.remove();
      throw err;
    }
    return new AgentServer(server, channel);
  }

  /** The address agents connect to (AgentConfig.socket). */
  get socketPath(): string { return this.channel.path; }

  /**
   * Called for every agent connection, once its `process` event (the hello) has arrived, so the listener can
   * tell which process it is. A connection that closes without a hello is dropped silently.
   */
  onRun(listener: (run: AgentConnection) => void): void {
    this.runListeners.push(listener);
  }

  /** Runs whose channel is still open. */
  get openRuns(): AgentConnection[] { return [...this.connections].filter((c) => !c.isEnded); }

  /** Stops accepting, waits for open runs to drain (at most `drainMs`), then removes the socket. */
  async close(drainMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const open = this.openRuns;
    if (open.length > 0) {
      await Promise.race([
        Promise.all(open.map((c) => new Promise<void>((r) => c.onEnd(() => r())))),
        new Promise<void>((r) => setTimeout(r, drainMs).unref()),
      ]);
      for (const c of this.openRuns) c.reject();
    }
    await new Promise<void>((r) => this.server.close(() => r()));
    this.channel.remove();
  }

  private accept(socket: net.Socket): void {
    if (this.closed) { socket.destroy(); return; }
    const conn = new AgentConnection(socket);
    this.connections.add(conn);
    conn.onEnd(() => this.connections.delete(conn));
    void conn.hello.then((p) => {
      if (!p) return;
      for (const l of this.runListeners) l(conn);
    });
  }
}
