import {
  createNodeNotificationHandler,
  type NotificationCallback,
  type NotificationClient,
  type NotificationHandlerOptions,
} from '@wxpay/core';
import { startLocalServer } from './local-server.js';

/** A merchant's notification endpoint on 127.0.0.1, started by {@link startNotificationEndpoint}. */
export interface NotificationEndpoint {
  /** `http://127.0.0.1:<port>/notify`: the `notifyUrl` to give the simulator. */
  readonly url: string;
  /** What the endpoint answered WeChat Pay, one body text per response, oldest first. */
  readonly answers: readonly string[];
  /** Drops open connections and closes the endpoint. */
  stop(): Promise<void>;
}

/**
 * Serves `createNodeNotificationHandler(client, callback, options)` over real HTTP, the way a
 * merchant's server runs it, and keeps every answer it sends so a test can check those too
 * (an acknowledgement must carry no secret, for example). Works for both adapters' clients.
 */
export async function startNotificationEndpoint(
  client: NotificationClient,
  callback: NotificationCallback,
  options: NotificationHandlerOptions = {},
): Promise<NotificationEndpoint> {
  const handler = createNodeNotificationHandler(client, callback, options);
  const answers: string[] = [];
  const server = await startLocalServer((req, res) => {
    const end = res.end.bind(res);
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && typeof chunk !== 'function') answers.push(String(chunk));
      return end(chunk as never, ...(rest as []));
    }) as typeof res.end;
    void handler(req, res);
  });
  return { url: `${server.url}/notify`, answers, stop: server.stop };
}
