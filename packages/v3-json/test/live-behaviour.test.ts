import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { startSimulator } from '@wxpay/simulator';
import { startNotificationReceiver } from '@wxpay/simulator/contract';
import {
  type FailoverOrigins,
  outTradeNumbers,
  startDeadServer,
  startSimulatorClient,
  withDeadPrimary,
} from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3ClientConfig } from '../src/index.js';

// The v3 client against the simulator's live forms (docs/protocol/live-behaviour.md).
const nextNo = outTradeNumbers('LIVE3');
const { sim, client, config, stop } = await startSimulatorClient('v3', createV3Client, (s) => ({
  wechatpayPublicKey: s.merchant.wechatpayPublicKey,
  notifyUrl: 'http://127.0.0.1:9/notify',
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
}));
afterAll(stop);

const native = (outTradeNo: string, total = 100) => ({
  kind: 'native' as const,
  outTradeNo,
  description: 'live',
  amount: { total },
});
const create = (outTradeNo: string, total = 100) => client.createOrder(native(outTradeNo, total));

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
  /** Refunds `refund` fen of the 100-fen order `no` as refund number `${no}${suffix}`. */
  const refundOf = (no: string, suffix: string, refund: number) =>
    client.refund({
      order: { outTradeNo: no },
      outRefundNo: `${no}${suffix}`,
      amount: { refund, total: 100 },
    });

  it('refunding an unpaid order: RESOURCE_NOT_EXISTS → OrderNotFoundError', async () => {
    const no = nextNo();
    await create(no);
    const error = await refundOf(no, 'R', 1).catch((e: unknown) => e);
    expect(OrderNotFoundError.isInstance(error), String(error)).toBe(true);
    expect((error as OrderNotFoundError).code).toBe('RESOURCE_NOT_EXISTS');
  });

  it('refunding more than is left is an InvalidRequestError (INVALID_REQUEST, not NOT_ENOUGH)', async () => {
    const no = nextNo();
    await create(no);
    sim.pay(no, { silent: true });
    await refundOf(no, 'R1', 60);
    const error = await refundOf(no, 'R2', 60).catch((e: unknown) => e);
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

describe('backup domain', () => {
  it('retries an idempotent call once on the backup origin when the primary cannot be reached, and logs it', async () => {
    const events: LogEvent[] = [];
    const failoverConfig = (origins: FailoverOrigins) =>
      config({ ...origins, retry: { maxAttempts: 1 }, logger: (e) => events.push(e) });
    await withDeadPrimary(
      sim.url,
      (origins) => createV3Client(failoverConfig(origins)),
      async (failover, dead) => {
        const no = nextNo();
        await failover.createOrder(native(no, 1));
        expect(sim.getOrder(no)?.state).toBe('NOTPAY');
        expect(dead.hits()).toBeGreaterThanOrEqual(1);
        const warn = events.find((e) => e.level === 'warn' && /backup domain/.test(e.message));
        expect(warn?.message).toContain(new URL(sim.url).host);
      },
    );
  });

  it('does not fail over for a custom baseUrl without backupBaseUrl, nor when it is false', async () => {
    const dead = await startDeadServer();
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
    const other = await startDeadServer();
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
      createV3Client(
        migrating.clientConfig('v3', {
          wechatpayPublicKey: migrating.merchant.wechatpayPublicKey,
          notifyUrl: 'http://127.0.0.1:9/notify',
          ...overrides,
        }),
      );
    const both = forMigrating({ platformCertificates: 'auto' });
    const publicOnly = forMigrating({});
    const receiver = await startNotificationReceiver();
    try {
      for (const share of [0, 1]) {
        migrating.live.publicKeyShare = share;
        const outTradeNo = nextNo();
        await both.createOrder({ ...native(outTradeNo, 1), notifyUrl: receiver.url });
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
