import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
  createNodeNotificationHandler,
  createWebNotificationHandler,
  DEFAULT_NOTIFICATION_MAX_BODY_BYTES,
  handleNotification,
  type NotificationBody,
  type PaymentClient,
  type PaymentNotification,
  UnsupportedNotificationProtocolError,
} from '@wxpay/core';
import { v2Acknowledgement } from '@wxpay/core/adapter';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  type NotificationReceiver,
  type ReceivedNotification,
  startNotificationReceiver,
} from '@wxpay/simulator/contract';
import type { V2Client } from '@wxpay/v2-xml';
import type { V3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClients } from './simulator-clients.js';
import { nativeOrder } from './support/native-order.js';

// The core notification kernel with real clients and notifications the simulator delivered:
// every body form frameworks hand over, one cap for both protocols, the answer always in the
// protocol of the request, and a client refusing the protocol it lacks.

describe('core notification handlers with real v2 and v3 notifications', () => {
  let sim: Simulator;
  let receiver: NotificationReceiver;
  let v2: V2Client;
  let v3: V3Client;
  const delivered: Partial<Record<'v2' | 'v3', ReceivedNotification>> = {};
  let seq = 0;

  beforeAll(async () => {
    [sim, receiver] = await Promise.all([startSimulator(), startNotificationReceiver()]);
    // The receiver stands for a merchant that acknowledges everything (each in its protocol).
    receiver.respond = (n) =>
      n.text.startsWith('<') ? { ...v2Acknowledgement(true) } : { status: 204 };
    ({ v2, v3 } = simulatorClients(sim));
    for (const [protocol, client] of [
      ['v2', v2],
      ['v3', v3],
    ] as const) {
      const outTradeNo = `KRN${protocol.toUpperCase()}${Date.now()}${seq++}`;
      await client.createOrder(nativeOrder(outTradeNo, 'kernel', 99, { notifyUrl: receiver.url }));
      sim.pay(outTradeNo);
      const attempt = await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
      delivered[protocol] = await receiver.waitFor((n) => n.text === attempt.body);
    }
  });
  afterAll(async () => {
    await Promise.all([v2?.close(), v3?.close()]);
    await Promise.all([sim?.stop(), receiver?.stop()]);
  });

  const notification = (protocol: 'v2' | 'v3') => {
    const n = delivered[protocol];
    if (!n) throw new Error(`no ${protocol} notification was delivered`);
    return n;
  };
  const clientFor = { v2: () => v2, v3: () => v3 };

  for (const protocol of ['v2', 'v3'] as const) {
    const ok = protocol === 'v2' ? 200 : 204;

    it(`${protocol}: a string, a Buffer, a Uint8Array, a node stream and a Web stream all verify`, async () => {
      const n = notification(protocol);
      const forms: [string, () => NotificationBody][] = [
        ['string', () => n.text],
        ['Buffer', () => Buffer.from(n.body)],
        ['Uint8Array', () => new Uint8Array(n.body)],
        ['node stream', () => Readable.from([n.body.subarray(0, 7), n.body.subarray(7)])],
        [
          'node byte stream',
          () => Readable.from([n.body.subarray(0, 7), n.body.subarray(7)], { objectMode: false }),
        ],
        ['Web stream', () => new Response(n.body).body],
      ];
      for (const [form, body] of forms) {
        const seen: PaymentNotification[] = [];
        const answer = await handleNotification(
          clientFor[protocol](),
          { headers: n.headers, body: body() },
          (x) => void seen.push(x),
        );
        expect([form, answer.status, seen.length]).toEqual([form, ok, 1]);
      }
    });

    it(`${protocol}: an asynchronous callback is awaited over HTTP: a rejected promise or thenable is a failure, a late success the acknowledgement`, async () => {
      const n = notification(protocol);
      const failed = protocol === 'v2' ? 200 : 500;
      const outcomes: [string, () => unknown, number, boolean][] = [
        ['rejected promise', () => Promise.reject(new Error('database down')), failed, false],
        [
          'rejected thenable',
          // biome-ignore lint/suspicious/noThenProperty: a non-Promise thenable is the case under test.
          () => ({ then: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('down')) }),
          failed,
          false,
        ],
        ['late success', () => new Promise((r) => setTimeout(r, 20)), ok, true],
      ];
      for (const [what, callback, status, acknowledged] of outcomes) {
        let settled = false;
        const handler = createNodeNotificationHandler(clientFor[protocol](), () => {
          const result = callback();
          if (result instanceof Promise)
            void result.then(
              () => (settled = true),
              () => {},
            );
          return result;
        });
        const answer = await serveOnce(handler, n);
        const body = protocol === 'v2' ? answer.body.includes('SUCCESS') : answer.status === 204;
        expect([what, answer.status, body]).toEqual([what, status, acknowledged]);
        if (what === 'late success') expect(settled).toBe(true);
      }
    });

    it(`${protocol}: a body a middleware already read into req.body (express.raw) verifies over HTTP`, async () => {
      const n = notification(protocol);
      const seen: PaymentNotification[] = [];
      const handler = createNodeNotificationHandler(clientFor[protocol](), (x) => {
        seen.push(x);
      });
      // What express.raw() does: read the stream, leave the bytes in req.body.
      const raw = async (req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        Object.assign(req, { body: Buffer.concat(chunks) });
        await handler(req, res);
      };
      const answer = await serveOnce(raw, n);
      expect([answer.status, seen.length]).toEqual([ok, 1]);
    });

    it(`${protocol}: one default cap for both protocols (${DEFAULT_NOTIFICATION_MAX_BODY_BYTES} bytes): one byte more is 413, in the request's protocol`, async () => {
      const n = notification(protocol);
      const pad = (size: number) =>
        protocol === 'v2' ? `<xml>${' '.repeat(size - 11)}</xml>` : `{${' '.repeat(size - 2)}}`;
      const handler = createNodeNotificationHandler(clientFor[protocol](), () => {});
      const atCap = await serveOnce(handler, {
        ...n,
        text: pad(DEFAULT_NOTIFICATION_MAX_BODY_BYTES),
      });
      expect(atCap.status).not.toBe(413);
      const over = await serveOnce(handler, {
        ...n,
        text: pad(DEFAULT_NOTIFICATION_MAX_BODY_BYTES + 1),
      });
      expect(over.status).toBe(413);
      if (protocol === 'v2') expect(over.body).toContain('FAIL');
      else expect(JSON.parse(over.body)).toMatchObject({ code: 'FAIL' });
    });

    it(`${protocol}: a throwing onError still leaves every request answered (refused and callback failure)`, async () => {
      const n = notification(protocol);
      const options = {
        onError: () => {
          throw new Error('logger down');
        },
      };
      const failing = createWebNotificationHandler(
        clientFor[protocol](),
        () => {
          throw new Error('database down');
        },
        options,
      );
      const answer = await failing(
        new Request('http://127.0.0.1/notify', { method: 'POST', headers: flat(n), body: n.body }),
      );
      if (protocol === 'v2') {
        expect(answer.status).toBe(200);
        expect(await answer.text()).toContain('FAIL');
      } else {
        expect(answer.status).toBe(500);
      }
      const node = createNodeNotificationHandler(clientFor[protocol](), () => {}, options);
      // One signed byte changed: v2 a character of the sign, v3 one space more in the body.
      const forged =
        protocol === 'v2'
          ? n.text.replace(
              /<sign>(<!\[CDATA\[)?[0-9A-F]/,
              (m) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`,
            )
          : n.text.replace('{"', '{ "');
      expect(forged).not.toBe(n.text);
      const refused = await serveOnce(node, { ...n, text: forged });
      expect(refused.status).toBe(protocol === 'v2' ? 200 : 401);
      expect(refused.body).toContain('FAIL');
    });
  }

  it('a v3 notification at a v2-only client is refused in v3 terms (5xx), never acknowledged, with a typed error', async () => {
    const errors: unknown[] = [];
    let called = false;
    const answer = await handleNotification(
      v2,
      { headers: notification('v3').headers, body: notification('v3').body },
      () => {
        called = true;
      },
      { onError: (e) => errors.push(e) },
    );
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'FAIL' });
    expect(called).toBe(false);
    expect(UnsupportedNotificationProtocolError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as UnsupportedNotificationProtocolError).protocol).toBe('v3');
  });

  it('a v2 notification at a v3-only client is refused with the v2 FAIL acknowledgement and a typed error', async () => {
    const errors: unknown[] = [];
    const answer = await handleNotification(
      v3 as PaymentClient,
      { headers: notification('v2').headers, body: notification('v2').body },
      () => {},
      { onError: (e) => errors.push(e) },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    expect(UnsupportedNotificationProtocolError.isInstance(errors[0])).toBe(true);
  });
});

function flat(n: { headers: ReceivedNotification['headers'] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(n.headers)) {
    if (typeof v === 'string' && k !== 'content-length' && k !== 'host') out[k] = v;
  }
  return out;
}

/** Serves `handler` on 127.0.0.1 for one POST of the notification's headers and text. */
async function serveOnce(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  n: { headers: ReceivedNotification['headers']; text: string },
): Promise<{ status: number; body: string }> {
  const server = createServer((req, res) => void handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/notify`, {
      method: 'POST',
      headers: flat(n),
      body: n.text,
    });
    return { status: res.status, body: await res.text() };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
