import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request handler served on 127.0.0.1, standing in for a merchant's notify_url host. */
export interface ServedNodeHandler {
  /** `http://127.0.0.1:<port>`, without a path. */
  readonly origin: string;
  /** Drops open keep-alive connections and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `handler` on a free port of 127.0.0.1. The scenarios that check an adapter's node
 * notification handler end to end give WeChat Pay (the simulator) this origin as notify_url.
 */
export async function serveNodeHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
): Promise<ServedNodeHandler> {
  const server = createServer((req, res) => {
    void handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
