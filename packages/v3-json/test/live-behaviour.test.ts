import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  ConnectionError,
  DuplicateOrderError,
  InvalidRequestError,
  type LogEvent,
  OrderNotFoundError,
  OrderPaidError,
  ResponseValidationError,
  ValidationError,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { startNotificationReceiver } from '@wxpay/simulator/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client, type V3ClientConfig } from '../src/index.js';

// The v3 client against the simulator's live forms (docs/protocol/live-behaviour.md).
let sim: Simulator;
let client: V3Client;
let seq = 0;
const nextNo = () => `LIVE3${Date.now()}${seq++}`;

const config = (overrides: Partial<V3ClientConfig> = {}): V3ClientConfig =>
  sim.clientConfig('v3', {
    wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
    notifyUrl: 'http://127.0.0.1:9/notify',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });

beforeAll(async () => {
  sim = await startSimulator();
  client = createV3Client(config());
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});

const create = (outTradeNo: string, total = 100) =>
  client.createOrder({ kind: 'native', outTradeNo, description: 'live', amount: { total } });

describe('duplicate out_trade_no', () => {
  it('maps both the documented and the live answer to DuplicateOrderError', async () => {
    for (const form of ['documented', 'live'] as const) {
      sim.live.duplicateOrder = form;
      const no = nextNo();
      await create(no);
      const error = await create(no, 101).catch((e: unknown) => e);
      expect(DuplicateOrderError.isInstance(error), `${form}: ${String(error)}`).toBe(true);
      expect((error as DuplicateOrderError).code).toBe(
        form === 'live' ? 'INVALID_REQUEST' : 'OUT_TRADE_NO_USED',
      );
    }
    sim.live.duplicateOrder = 'documented';
  });
});

describe('closing', () => {
  it('closing an unknown order succeeds (live answers 204)', async () => {
    await expect(client.closeOrder(nextNo())).resolves.toBeUndefined();
  });

  it('closing a paid order is settled by a query: OrderPaidError', async () => {
    const no = nextNo();
    await create(no);
    sim.pay(no, { silent: true });
    const error = await client.closeOrder(no).catch((e: unknown) => e);
    expect(OrderPaidError.isInstance(error), String(error)).toBe(true);
    const closeCalls = sim.requests.filter((r) => r.path.endsWith(`/${no}/close`));
    const queries = sim.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/out-trade-no/${no}`),
    );
    expect(closeCalls).toHaveLength(1);
    expect(queries.length).toBeGreaterThanOrEqual(1);
  });

  it('closing an unpaid order closes it', async () => {
    const no = nextNo();
    await create(no);
    await client.closeOrder(no);
    expect(sim.getOrder(no)?.state).toBe('CLOSED');
  });
});

describe('refunds', () => {
  it('refunding an unpaid order: RESOURCE_NOT_EXISTS → OrderNotFoundError', async () => {
    const no = nextNo();
    await create(no);
    const error = await client
      .refund({
        order: { outTradeNo: no },
        outRefundNo: `${no}R`,
        amount: { refund: 1, total: 100 },
      })
      .catch((e: unknown) => e);
    expect(OrderNotFoundError.isInstance(error), String(error)).toBe(true);
    expect((error as OrderNotFoundError).code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('refunding more than is left is an InvalidRequestError (INVALID_REQUEST, not NOT_ENOUGH)', async () => {
    const no = nextNo();
    await create(no);
    sim.pay(no, { silent: true });
    await client.refund({
      order: { outTradeNo: no },
      outRefundNo: `${no}R1`,
      amount: { refund: 60, total: 100 },
    });
    const error = await client
      .refund({
        order: { outTradeNo: no },
        outRefundNo: `${no}R2`,
        amount: { refund: 60, total: 100 },
      })
      .catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
    expect((error as InvalidRequestError).code).toBe('INVALID_REQUEST');
  });
});

describe('notify_url', () => {
  it('refuses an http notify URL before sending (live WeChat Pay requires https)', async () => {
    const requests = sim.requests.length;
    const error = await client
      .createOrder({
        kind: 'native',
        outTradeNo: nextNo(),
        description: 'x',
        amount: { total: 1 },
        notifyUrl: 'http://merchant.example/notify',
      })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/https/);
    expect(sim.requests.length).toBe(requests);
    expect(() => createV3Client(config({ notifyUrl: 'http://merchant.example/n' }))).toThrow(
      /https/,
    );
    const refund = await client
      .refund({
        order: { outTradeNo: nextNo() },
        outRefundNo: nextNo(),
        amount: { refund: 1, total: 1 },
        notifyUrl: 'http://merchant.example/refunds',
      })
      .catch((e: unknown) => e);
    expect(ValidationError.isInstance(refund), String(refund)).toBe(true);
    expect(sim.requests.length).toBe(requests);
  });
});

/** A server that accepts connections and drops them at once: an access point that is down. */
async function deadServer(): Promise<{
  url: string;
  hits: () => number;
  stop: () => Promise<void>;
}> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  server.on('connection', (s: Socket) => {
    hits++;
    sockets.add(s);
    s.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

describe('backup domain', () => {
  it('retries an idempotent call once on the backup origin when the primary cannot be reached, and logs it', async () => {
    const dead = await deadServer();
    const events: LogEvent[] = [];
    const failover = createV3Client(
      config({
        baseUrl: dead.url,
        backupBaseUrl: sim.url,
        retry: { maxAttempts: 1 },
        logger: (e) => events.push(e),
      }),
    );
    try {
      const no = nextNo();
      await failover.createOrder({
        kind: 'native',
        outTradeNo: no,
        description: 'x',
        amount: { total: 1 },
      });
      expect(sim.getOrder(no)?.state).toBe('NOTPAY');
      expect(dead.hits()).toBeGreaterThanOrEqual(1);
      const warn = events.find((e) => e.level === 'warn' && /backup domain/.test(e.message));
      expect(warn?.message).toContain(new URL(sim.url).host);
    } finally {
      await failover.close();
      await dead.stop();
    }
  });

  it('does not fail over for a custom baseUrl without backupBaseUrl, nor when it is false', async () => {
    const dead = await deadServer();
    for (const backupBaseUrl of [undefined, false] as const) {
      const c = createV3Client(
        config({
          baseUrl: dead.url,
          retry: { maxAttempts: 1 },
          ...(backupBaseUrl === false ? { backupBaseUrl } : {}),
        }),
      );
      const error = await c.queryOrder({ outTradeNo: nextNo() }).catch((e: unknown) => e);
      expect(ConnectionError.isInstance(error), String(error)).toBe(true);
      await c.close();
    }
    await dead.stop();
  });

  it('does not fail over on an answer (a 5xx is retried on the primary only)', async () => {
    const other = await deadServer();
    const c = createV3Client(config({ backupBaseUrl: other.url, retry: { maxAttempts: 1 } }));
    sim.faults.push({ kind: 'status', status: 500, protocol: 'v3' });
    await c.queryOrder({ outTradeNo: nextNo() }).catch(() => undefined);
    expect(other.hits()).toBe(0);
    await c.close();
    await other.stop();
  });
});

/** A plain forwarding proxy on another port: a bill host that is not the API origin. */
async function proxyTo(target: string): Promise<{ origin: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      `${target}${req.url ?? '/'}`,
      { method: req.method ?? 'GET', headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('bill download hosts', () => {
  it('refuses a download_url outside the allow-list and follows one on it', async () => {
    const paid = nextNo();
    await create(paid);
    sim.pay(paid, { silent: true });
    const proxy = await proxyTo(sim.url);
    const today = new Date(sim.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const moveHost = (answer: Record<string, unknown>) => ({
      ...answer,
      download_url: String(answer.download_url).replace(sim.url, proxy.origin),
    });
    try {
      sim.faults.push({ kind: 'rewrite', path: '/v3/bill/tradebill', rewrite: moveHost });
      const refused = await client.downloadTradeBill({ billDate: today }).catch((e: unknown) => e);
      expect(ResponseValidationError.isInstance(refused), String(refused)).toBe(true);
      const listed = createV3Client(config({ billDownloadHosts: [proxy.origin] }));
      sim.faults.push({ kind: 'rewrite', path: '/v3/bill/tradebill', rewrite: moveHost });
      const bill = await listed.downloadTradeBill({ billDate: today });
      const csv = Buffer.concat(await bill.stream.toArray()).toString('utf8');
      expect(csv.length).toBeGreaterThan(0);
      await listed.close();
    } finally {
      await proxy.stop();
    }
  });
});

describe('callbacks while WeChat Pay migrates the merchant to the public key', () => {
  it('a client holding both keys verifies callbacks signed with either; one holding only the public key is told why it cannot', async () => {
    const migrating = await startSimulator({ trust: 'migrating', live: { publicKeyShare: 0 } });
    const forMigrating = (overrides: Partial<V3ClientConfig>) =>
      createV3Client({
        mchId: migrating.merchant.mchId,
        appId: migrating.merchant.appId,
        privateKey: migrating.merchant.privateKey,
        certificateSerial: migrating.merchant.certificateSerial,
        apiV3Key: migrating.merchant.apiV3Key,
        wechatpayPublicKey: migrating.merchant.wechatpayPublicKey,
        baseUrl: migrating.url,
        notifyUrl: 'http://127.0.0.1:9/notify',
        ...overrides,
      });
    const both = forMigrating({ platformCertificates: 'auto' });
    const publicOnly = forMigrating({});
    const receiver = await startNotificationReceiver();
    try {
      for (const share of [0, 1]) {
        migrating.live.publicKeyShare = share;
        const outTradeNo = nextNo();
        await both.createOrder({
          kind: 'native',
          outTradeNo,
          description: 'm',
          amount: { total: 1 },
          notifyUrl: receiver.url,
        });
        migrating.pay(outTradeNo);
        const attempt = await migrating.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
        const got = await receiver.waitFor((r) => r.text === attempt.body);
        const n = { headers: got.headers, body: got.body };
        await expect(both.parseNotification(n)).resolves.toMatchObject({ type: 'payment' });
        if (share === 0) {
          const error = await publicOnly.parseNotification(n).catch((e: unknown) => e);
          expect(String(error)).toContain("platformCertificates: 'auto'");
        } else {
          await expect(publicOnly.parseNotification(n)).resolves.toMatchObject({ type: 'payment' });
        }
      }
    } finally {
      await Promise.all([both.close(), publicOnly.close(), receiver.stop()]);
      await migrating.stop();
    }
  });
});
