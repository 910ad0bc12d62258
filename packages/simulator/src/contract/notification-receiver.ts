import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitUntilFound } from '../wait-until-found.js';

/** A notification as a merchant's server received it. */
export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  /** The raw body bytes. */
  readonly body: Buffer;
  readonly text: string;
}

/** What the receiver answers. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** A local notify_url endpoint that records what it receives. */
export interface NotificationReceiver {
  /** The notify URL (`http://127.0.0.1:PORT/notify`). */
  readonly url: string;
  readonly received: readonly ReceivedNotification[];
  /** Decides the answer for each request (default: v3-style 204). */
  respond: (n: ReceivedNotification, index: number) => ReceiverAnswer;
  /** Resolves with the first received notification matching `predicate`. */
  waitFor(
    predicate: (n: ReceivedNotification) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedNotification>;
  stop(): Promise<void>;
}

/** Starts a notification receiver on 127.0.0.1 (port 0). */
export async function startNotificationReceiver(): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const waiters = new Set<() => void>();
  const receiver: NotificationReceiver = {
    url: '',
    received,
    respond: () => ({ status: 204 }),
    waitFor(predicate, timeoutMs = 5_000) {
      const find = () => received.find(predicate);
      return waitUntilFound(find, waiters, timeoutMs, 'matching notification');
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const n: ReceivedNotification = { headers: req.headers, body, text: body.toString('utf8') };
    received.push(n);
    const answer = receiver.respond(n, received.length - 1);
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
    for (const w of [...waiters]) w();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  (receiver as { url: string }).url = `http://127.0.0.1:${port}/notify`;
  return receiver;
}
