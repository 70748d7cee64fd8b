// Every open client connection, and whether a request is in flight on it. Node's own
// closeIdleConnections() skips a socket that never sent a request (a browser's preconnect), so a
// stop could wait out its whole grace period with nothing in flight; tracking each socket here
// lets a stop close the idle ones at once and lets a silent socket be closed early.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections past this are answered with `busyResponse` and closed at once. */
  maxConnections: number;
  /** A new connection that sends no byte within this is closed. */
  firstByteTimeoutMs: number;
}

interface Tracked {
  /** Requests on this socket whose response has not finished (pipelining may queue several). */
  inFlight: number;
  firstByte: NodeJS.Timeout | null;
}

export class ConnectionTracker {
  private readonly open = new Map<Socket, Tracked>();
  private readonly refused = new WeakSet<Socket>();
  private draining = false;

  constructor(
    server: Server,
    private readonly limits: ConnectionLimits,
    private readonly busyResponse: string,
  ) {
    server.on('connection', (socket: Socket) => this.accept(socket));
    // Ahead of the handler, so a response can never finish before its request was counted.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.started(req.socket, res));
  }

  /** A socket answered "busy" at the cap: requests parsed on it are not handled. */
  isRefused(socket: Socket): boolean {
    return this.refused.has(socket);
  }

  /** Closes every connection with no request in flight now, and each other one once its last response has finished. */
  drain(): void {
    this.draining = true;
    for (const [socket, tracked] of this.open) if (tracked.inFlight === 0) socket.destroy();
  }

  /** Closes every connection, requests in flight included (the grace period is over). */
  destroyAll(): void {
    for (const socket of this.open.keys()) socket.destroy();
  }

  private accept(socket: Socket): void {
    if (this.draining) return void socket.destroy();
    if (this.open.size >= this.limits.maxConnections) {
      this.refused.add(socket);
      socket.end(this.busyResponse, () => socket.destroy());
      return;
    }
    // bytesRead counts at the handle, so it sees bytes the HTTP parser consumes before any 'data' event.
    const firstByte = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, this.limits.firstByteTimeoutMs);
    firstByte.unref();
    const tracked: Tracked = { inFlight: 0, firstByte };
    this.open.set(socket, tracked);
    socket.once('close', () => {
      clearTimeout(firstByte);
      this.open.delete(socket);
    });
  }

  private started(socket: Socket, res: ServerResponse): void {
    const tracked = this.open.get(socket);
    if (!tracked) return;
    tracked.inFlight++;
    if (tracked.firstByte) clearTimeout(tracked.firstByte);
    tracked.firstByte = null;
    let counted = true;
    const finished = (): void => {
      if (!counted) return;
      counted = false;
      tracked.inFlight--;
      // Draining, a connection closes as its last response is handed to the OS, instead of idling.
      if (this.draining && tracked.inFlight === 0) socket.destroy();
    };
    res.once('finish', finished);
    res.once('close', finished);
  }
}
