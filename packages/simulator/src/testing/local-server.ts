import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain HTTP server on 127.0.0.1 serving one handler. */
export interface LocalServer {
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: string;
  /** Drops open connections and closes the server. */
  stop(): Promise<void>;
}

/**
 * Serves `handler` (a merchant's notification endpoint, say `createNodeNotificationHandler`)
 * on a free port of 127.0.0.1; `url` ends in `path`, where the simulator is to deliver.
 */
export async function startLocalServer(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  path = '/notify',
): Promise<LocalServer> {
  const server = createServer((req, res) => void handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
