import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { type PaymentClient, SignatureVerificationError } from '@wxpay/core';
import { type Simulator, type SimulatorMerchant, startSimulator } from '@wxpay/simulator';
import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type NotifyClients,
  type NotifyOptions,
  notifyPath,
  type OnNotification,
  PROTOCOLS,
  type Protocol,
} from '../common/notify-clients.js';
import { createOrderBook, type OrderBook } from '../common/order-book.js';

/** What an example's test gives the framework it starts. */
export interface ExampleContext {
  readonly clients: NotifyClients;
  readonly onNotification: OnNotification;
  /** Collects the errors the example reports (refusals, callback failures). */
  readonly options: NotifyOptions;
  /** The simulator's merchant credentials (for examples configured from the environment). */
  readonly merchant: SimulatorMerchant;
}

/** A started example: where it listens and how to stop it. */
export interface RunningExample {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** The notify route of a protocol (default `/wxpay/notify/<protocol>`). */
  readonly path?: (protocol: Protocol) => string;
  close(): Promise<void>;
}

/** A node:http server listening on 127.0.0.1, port 0. */
export async function listen(server: Server): Promise<RunningExample> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Serves Web Fetch handlers (by exact path) through node:http the way Next.js does: the
 * incoming request becomes a Web `Request` whose body streams from the socket, and the
 * `Response` is written back as is.
 */
export function createFetchServer(
  routes: Readonly<Record<string, (request: Request) => Promise<Response>>>,
): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const route = routes[url.pathname];
    if (!route || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        headers.append(name, v);
      }
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
    void route(request).then(
      async (response) => {
        const out: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          out[name] = value;
        });
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      },
      () => res.writeHead(500).end(),
    );
  });
}

let orderCounter = 0;

function nextOrderNo(protocol: Protocol): string {
  orderCounter += 1;
  return `EX${protocol.toUpperCase()}${Date.now().toString(36).toUpperCase()}${orderCounter}`;
}

/** Clients for tests that never reach a notify route (their verification refuses everything). */
export const UNUSED_CLIENTS: NotifyClients = {
  v2: { parseNotification: () => Promise.reject(new Error('unused')) },
  v3: { parseNotification: () => Promise.reject(new Error('unused')) },
};

/**
 * Asserts that the application's own JSON route (`POST /orders/echo`) still parses JSON:
 * the raw-body handling of the notify routes must not leak into the rest of the app.
 */
export async function expectJsonEchoed(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/orders/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outTradeNo: 'A1' }),
  });
  expect(await response.json()).toEqual({ received: { outTradeNo: 'A1' } });
}

/** Changes one byte inside a value of a delivered body, keeping it well-formed. */
export function tamper(protocol: Protocol, body: string): string {
  // v2: the amount paid; v3: one base64 character of the encrypted resource.
  const pattern = protocol === 'v2' ? /(<total_fee>(?:<!\[CDATA\[)?)(\d)/ : /("ciphertext":")(.)/;
  const match = pattern.exec(body);
  if (!match?.[1] || !match[2]) throw new Error(`nothing to tamper with in the ${protocol} body`);
  const at = match.index + match[1].length;
  const original = match[2];
  const replacement =
    protocol === 'v2' ? (original === '9' ? '8' : '9') : original === 'A' ? 'B' : 'A';
  return body.slice(0, at) + replacement + body.slice(at + 1);
}

/** POSTs a body with the given headers, as WeChat Pay would. */
export async function post(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

/** Asserts a success acknowledgement: v2 `return_code` SUCCESS; v3 any 2xx. */
export function expectAcknowledged(protocol: Protocol, status: number, body: string): void {
  if (protocol === 'v2') {
    expect(status).toBe(200);
    expect(v2.parseXml(body).return_code).toBe('SUCCESS');
  } else {
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(300);
  }
}

/** Asserts a failure acknowledgement: v2 `return_code` FAIL; v3 4xx/5xx with `code` FAIL. */
export function expectRefused(protocol: Protocol, status: number, body: string): void {
  if (protocol === 'v2') {
    expect(v2.parseXml(body).return_code).toBe('FAIL');
  } else {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(body)).toMatchObject({ code: 'FAIL' });
  }
}

/**
 * Registers the shared suite of one example: a simulator started once for the file, both
 * protocols' clients (v3 in public-key mode), and for each protocol: a real order paid on the
 * simulator whose notification the example acknowledges after the callback recorded it; a
 * tampered copy refused before the callback; an exact redelivery acknowledged but applied once;
 * a refund's notification on the same route; a failing callback answered with a failure.
 */
export function describeExample(
  name: string,
  start: (context: ExampleContext) => Promise<RunningExample>,
  options: { readonly book?: OrderBook } = {},
): void {
  describe(`${name}: WeChat Pay notifications from the simulator`, () => {
    const book = options.book ?? createOrderBook();
    // Orders whose first callback throws, as when the merchant's database is briefly down.
    const failFirst = new Set<string>();
    const errors: unknown[] = [];
    const exampleOptions: NotifyOptions = { onError: (error) => errors.push(error) };
    const onNotification: OnNotification = (notification) => {
      if (notification.type === 'payment' && failFirst.delete(notification.order.outTradeNo)) {
        throw new Error('database unavailable');
      }
      return book.onNotification(notification);
    };
    let sim: Simulator;
    let clients: { v2: v2.V2Client; v3: v3.V3Client };
    let app: RunningExample;
    const payments = new Map<Protocol, ReturnType<typeof payOnce>>();

    beforeAll(async () => {
      sim = await startSimulator();
      const m = sim.merchant;
      clients = {
        v2: v2.createV2Client(sim.clientConfig('v2', { signType: 'HMAC-SHA256' })),
        v3: v3.createV3Client(sim.clientConfig('v3', { wechatpayPublicKey: m.wechatpayPublicKey })),
      };
      app = await start({ clients, onNotification, options: exampleOptions, merchant: m });
    });

    afterAll(async () => {
      await app?.close();
      await Promise.all([clients?.v2.close(), clients?.v3.close()]);
      await sim?.stop();
    });

    const urlOf = (protocol: Protocol) => `${app.baseUrl}${(app.path ?? notifyPath)(protocol)}`;

    /** Creates an order through the adapter, pays it and waits for the first delivery. */
    async function payOnce(protocol: Protocol, behaviour: { failFirst?: boolean } = {}) {
      const client: PaymentClient = clients[protocol];
      const outTradeNo = nextOrderNo(protocol);
      if (behaviour.failFirst) failFirst.add(outTradeNo);
      await client.createOrder({
        kind: 'jsapi',
        outTradeNo,
        description: `example ${name}`,
        amount: { total: 1_234 },
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
        clientIp: '127.0.0.1',
        notifyUrl: urlOf(protocol),
      });
      sim.pay(outTradeNo);
      const delivery = await sim.notifications.waitFor(
        (a) => a.outTradeNo === outTradeNo && (a.acknowledged || !behaviour.failFirst),
        10_000,
      );
      return { outTradeNo, delivery };
    }

    const paid = (protocol: Protocol) => {
      let payment = payments.get(protocol);
      if (!payment) {
        payment = payOnce(protocol);
        payments.set(protocol, payment);
      }
      return payment;
    };

    for (const protocol of PROTOCOLS) {
      it(`${protocol}: acknowledges a paid order's notification after the callback recorded it`, async () => {
        const { outTradeNo, delivery } = await paid(protocol);
        expect(delivery.attempt).toBe(1);
        expect(delivery.acknowledged).toBe(true);
        expectAcknowledged(protocol, delivery.status ?? 0, delivery.responseBody ?? '');
        const seen = book.received.filter(
          (n) => n.type === 'payment' && n.order.outTradeNo === outTradeNo,
        );
        expect(seen).toHaveLength(1);
        const notification = seen[0];
        expect(notification?.type === 'payment' && notification.order.state).toBe('SUCCESS');
        expect(book.paid.get(outTradeNo)?.amount.total).toBe(1_234);
      });

      it(`${protocol}: refuses a notification with one byte changed, before the callback`, async () => {
        const { delivery } = await paid(protocol);
        const forged = tamper(protocol, delivery.body);
        expect(forged).not.toBe(delivery.body);
        expect(forged.length).toBe(delivery.body.length);
        const before = book.received.length;
        const reported = errors.length;
        const reply = await post(urlOf(protocol), delivery.headers, forged);
        expectRefused(protocol, reply.status, reply.body);
        // A refused message is the sender's fault (4xx); 5xx says the merchant's side failed.
        if (protocol === 'v3') expect(reply.status).toBe(401);
        expect(book.received.length).toBe(before);
        if (!options.book) {
          // Refused for the right reason: the signature, not a parse or routing accident.
          expect(
            errors.slice(reported).map((e) => SignatureVerificationError.isInstance(e)),
          ).toEqual([true]);
        }
      });

      it(`${protocol}: acknowledges an exact redelivery but applies it once`, async () => {
        const { outTradeNo, delivery } = await paid(protocol);
        const applied = book.applied;
        const reply = await post(urlOf(protocol), delivery.headers, delivery.body);
        expectAcknowledged(protocol, reply.status, reply.body);
        expect(
          book.received.filter((n) => n.type === 'payment' && n.order.outTradeNo === outTradeNo),
        ).toHaveLength(2);
        expect(book.applied).toBe(applied);
      });

      it(`${protocol}: acknowledges the refund notification on the same route`, async () => {
        const { outTradeNo } = await paid(protocol);
        const outRefundNo = `${outTradeNo}R`;
        await clients[protocol].refund({
          order: { outTradeNo },
          outRefundNo,
          amount: { refund: 234, total: 1_234 },
          reason: 'example refund',
        });
        sim.completeRefund(outRefundNo);
        const delivery = await sim.notifications.waitFor(
          (a) => a.outRefundNo === outRefundNo,
          10_000,
        );
        expect(delivery.type).toBe('refund');
        expect(delivery.url).toBe(urlOf(protocol));
        expectAcknowledged(protocol, delivery.status ?? 0, delivery.responseBody ?? '');
        const refund = book.refunds.get(outRefundNo);
        expect(refund?.status).toBe('SUCCESS');
        expect(refund?.amount.refund).toBe(234);
      });

      // The Next.js example wires its own module-level order book, so no failure is injected.
      if (!options.book) {
        it(`${protocol}: answers a failing callback with a failure, so the notification is redelivered`, async () => {
          const reported = errors.length;
          const { outTradeNo, delivery } = await payOnce(protocol, { failFirst: true });
          expect(errors.slice(reported).map((e) => (e as Error).message)).toEqual([
            'database unavailable',
          ]);
          const attempts = sim.notifications.forOrder(outTradeNo);
          expect(attempts.map((a) => a.acknowledged)).toEqual([false, true]);
          const [first] = attempts;
          expectRefused(protocol, first?.status ?? 0, first?.responseBody ?? '');
          if (protocol === 'v3') expect(first?.status).toBeGreaterThanOrEqual(500);
          expect(delivery.attempt).toBe(2);
          expect(book.paid.get(outTradeNo)?.amount.total).toBe(1_234);
        });
      }
    }
  });
}
