import { createServer, type Server } from 'node:http';
import { createNodeNotificationHandler } from '@wxpay/core';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
} from '../common/notify-clients.js';

/**
 * Plain node:http: the core node handler take `(req, res)` directly and read the raw
 * body themselves, so there is nothing to configure. Build each handler once, not per request.
 */
export function createNotifyServer(
  clients: NotifyClients,
  onNotification: OnNotification,
  options: NotifyOptions = {},
): Server {
  const routes = new Map([
    [notifyPath('v2'), createNodeNotificationHandler(clients.v2, onNotification, options)],
    [notifyPath('v3'), createNodeNotificationHandler(clients.v3, onNotification, options)],
  ]);
  return createServer((req, res) => {
    const handler =
      req.method === 'POST'
        ? routes.get(new URL(req.url ?? '/', 'http://localhost').pathname)
        : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    // The handlers never reject: every failure becomes a failure acknowledgement.
    void handler(req, res);
  });
}
