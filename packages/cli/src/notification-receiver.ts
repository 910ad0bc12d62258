import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PaymentNotification } from '@wxpay/core';

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A merchant's notify endpoint on 127.0.0.1 that records verified notifications. */
export interface NotificationReceiver {
  readonly url: string;
  /** Resolves with the first verified notification `match` accepts, or rejects after `timeoutMs`. */
  waitFor(
    match: (n: PaymentNotification) => boolean,
    timeoutMs?: number,
  ): Promise<PaymentNotification>;
  /** Call from the adapter's handler callback. */
  record(notification: PaymentNotification): void;
  close(): Promise<void>;
}

/** Starts a receiver that routes `/<name>` to the given adapter handlers. */
export async function startNotificationReceiver(
  routes: (receiver: NotificationReceiver) => Record<string, NodeHandler>,
): Promise<NotificationReceiver> {
  const seen: PaymentNotification[] = [];
  const waiters = new Set<{
    match: (n: PaymentNotification) => boolean;
    resolve: (n: PaymentNotification) => void;
  }>();
  let table: Record<string, NodeHandler> = {};
  const server = createServer((req, res) => {
    const handler = table[new URL(req.url ?? '/', 'http://x').pathname];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    void handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const receiver: NotificationReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    record(notification) {
      seen.push(notification);
      for (const w of waiters) {
        if (w.match(notification)) {
          waiters.delete(w);
          w.resolve(notification);
        }
      }
    },
    waitFor(match, timeoutMs = 5_000) {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (n: PaymentNotification) => {
            clearTimeout(timer);
            resolve(n);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no verified notification within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      server.close();
    },
  };
  table = routes(receiver);
  return receiver;
}
