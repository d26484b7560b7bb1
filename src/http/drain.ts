import net, { type Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

interface Connection {
  inFlight: Set<ServerResponse>;
  /** When the last request on it ended (or it connected), ms. */
  idleSince: number;
}

export interface DrainResult {
  /** Requests still running when the forced close came (0 unless `forced`). */
  cut: number;
  forced: boolean;
  /** Connections the server had when draining started. */
  connectionsAtStart: number;
}

export interface DrainOptions {
  /** A connection with no request in flight is closed after this long idle. Default: the server's keepAliveTimeout. */
  idleMs?: number;
  now?: () => number;
}

/**
 * Graceful drain of one HTTP/1.1 server that finishes what is under way on kept-alive connections.
 *
 * `start()`: every response from now on (and every one under way whose headers are not yet out)
 * carries `Connection: close`, so a client closes the connection after it instead of sending the
 * next request on it; Node ends the socket after that response. A connection with no request in
 * flight is closed once it has been idle `idleMs` (the keep-alive timeout the client was told in
 * `Keep-Alive: timeout=N`, so a client that honours it never sends on a socket we are closing).
 *
 * `close(forceAfterMs)`: stops accepting connections and resolves when the last one has closed; only
 * if that takes longer than `forceAfterMs` are the rest destroyed, and the requests still running
 * on them are counted as cut.
 */
export class ConnectionDrain {
  private readonly connections = new Map<Socket, Connection>();
  private draining = false;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly server: Server, private readonly options: DrainOptions = {}) {
    this.now = options.now ?? Date.now;
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { inFlight: new Set(), idleSince: this.now() });
      socket.once('close', () => this.connections.delete(socket));
    });
    // Before koa's handler: the header must be set before the app can send its response.
    server.prependListener('request', (req, res) => {
      const conn = this.connections.get(req.socket);
      if (!conn) return;
      conn.inFlight.add(res);
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        conn.inFlight.delete(res);
        conn.idleSince = this.now();
      });
    });
  }

  get isDraining(): boolean { return this.draining; }

  /** Requests being answered right now, on all connections. */
  inFlight(): number {
    let n = 0;
    for (const conn of this.connections.values()) n += conn.inFlight.size;
    return n;
  }

  start(): void {
    if (this.draining) return;
    this.draining = true;
    for (const conn of this.connections.values()) {
      for (const res of conn.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    const idleMs = this.options.idleMs ?? this.server.keepAliveTimeout;
    this.sweeper = setInterval(() => this.closeIdle(idleMs), Math.max(10, Math.min(250, idleMs / 4)));
    this.sweeper.unref();
  }

  private closeIdle(idleMs: number): void {
    const now = this.now();
    for (const [socket, conn] of this.connections) {
      if (conn.inFlight.size === 0 && now - conn.idleSince >= idleMs) socket.destroy();
    }
  }

  async close(forceAfterMs: number): Promise<DrainResult> {
    const connectionsAtStart = this.connections.size;
    this.start();
    // net.Server's close, not http.Server's: the latter also destroys every idle connection at
    // once, including one whose next request is already on the wire (a cut request).
    const closed = new Promise<void>((resolve) => { net.Server.prototype.close.call(this.server, () => resolve()); });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'forced'>((resolve) => { timer = setTimeout(() => resolve('forced'), forceAfterMs); });
    const outcome = await Promise.race([closed.then(() => 'closed' as const), deadline]);
    clearTimeout(timer);
    let cut = 0;
    if (outcome === 'forced') {
      cut = this.inFlight();
      for (const socket of this.connections.keys()) socket.destroy();
      await closed;
    }
    if (this.sweeper) clearInterval(this.sweeper);
    return { cut, forced: outcome === 'forced', connectionsAtStart };
  }
}
