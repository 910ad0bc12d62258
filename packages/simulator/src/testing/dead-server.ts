import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A local server that accepts each connection and drops it at once. */
export interface DeadServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** How many connections reached it. */
  hits(): number;
  stop(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that accepts connections and drops them at once: an access
 * point that is down, for failover tests (the client sees a connection failure, not an answer).
 */
export async function startDeadServer(): Promise<DeadServer> {
  let hits = 0;
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    hits++;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
