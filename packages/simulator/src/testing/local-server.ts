import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server on 127.0.0.1 started by {@link startLocalServer}. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** Drops open (keep-alive) connections and closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts `listener` on a free port of 127.0.0.1: the merchant's side of a test (a notification
 * endpoint, a proxy, a hand-written WeChat Pay answer) with the set-up and tear-down every
 * such test needs, so none of them leaves a listening socket behind.
 */
export async function startLocalServer(listener: RequestListener): Promise<LocalServer> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  async function stop(): Promise<void> {
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

/**
 * A URL on 127.0.0.1 where nothing listens (a port taken and given back at once), for tests
 * of a refused connection. Unlike {@link startDeadServer}, nothing accepts the connection.
 */
export async function unusedLocalUrl(): Promise<string> {
  const { url, stop } = await startLocalServer(() => undefined);
  await stop();
  return url;
}
