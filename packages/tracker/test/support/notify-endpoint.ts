import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationRequest, PaymentNotification } from '@wxpay/core';

/** A merchant's notify_url: verifies each notification (through a client), then hands it on. */
export interface NotifyEndpoint {
  readonly url: string;
  /** Notifications verified so far. */
  readonly verified: number;
  stop(): Promise<void>;
}

const V2_OK = '<xml><return_code><![CDATA[SUCCESS]]></return_code></xml>';
const V2_FAIL = '<xml><return_code><![CDATA[FAIL]]></return_code></xml>';

/** Starts the endpoint on 127.0.0.1; `deliver` gets every notification `parse` verified. */
export async function startNotifyEndpoint(
  parse: (request: NotificationRequest) => Promise<PaymentNotification>,
  deliver: (n: PaymentNotification) => Promise<unknown>,
): Promise<NotifyEndpoint> {
  let verified = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const v2 = !req.headers['wechatpay-signature'];
    try {
      const n = await parse({ headers: req.headers, body });
      verified += 1;
      await deliver(n);
      if (v2) res.writeHead(200, { 'Content-Type': 'text/xml' }).end(V2_OK);
      else res.writeHead(204).end();
    } catch {
      if (v2) res.writeHead(500, { 'Content-Type': 'text/xml' }).end(V2_FAIL);
      else res.writeHead(500).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    get verified() {
      return verified;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls `check` every 25 ms until it returns true; throws after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
