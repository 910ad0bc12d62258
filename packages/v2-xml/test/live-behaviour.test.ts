import {
  ConnectionError,
  DuplicateOrderError,
  type LogEvent,
  OrderPaidError,
  type PaymentNotification,
  SystemError,
  UserPayingError,
} from '@wxpay/core';
import {
  type LocalServer,
  startDeadServer,
  startLocalServer,
  startSimulatorClient,
  withDeadPrimary,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createNodeNotificationHandler, createV2Client, signFields } from '../src/index.js';
import { posCharge } from './support/pos-charge.js';

// The v2 client against the simulator's live forms (docs/protocol/live-behaviour.md).
const { sim, client, config, stop } = await startSimulatorClient('v2', createV2Client, () => ({
  signType: 'HMAC-SHA256' as const,
  notifyUrl: 'http://127.0.0.1:9/notify',
  retry: { baseDelayMs: 1, maxDelayMs: 5 },
}));
afterAll(stop);
let seq = 0;
const no = (prefix = 'LV2') =>
  `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

const native = (outTradeNo: string, total = 100, notifyUrl?: string) => ({
  kind: 'native' as const,
  outTradeNo,
  description: 'live',
  amount: { total },
  productId: 'p1',
  clientIp: '10.1.2.3',
  ...(notifyUrl ? { notifyUrl } : {}),
});

describe('App PayReq sign', () => {
  it('uses the sign type of the unifiedorder call (HMAC-SHA256 here), not always MD5', async () => {
    const prepay = await client.createOrder({
      kind: 'app',
      outTradeNo: no(),
      description: 'app',
      amount: { total: 1 },
      clientIp: '10.1.2.3',
    });
    if (prepay.kind !== 'app') throw new Error('expected an App prepay');
    const { sign, ...fields } = prepay.appConfig;
    expect(sign).toMatch(/^[0-9A-F]{64}$/);
    expect(sign).toBe(signFields(fields, sim.merchant.apiKey, 'HMAC-SHA256'));
    const request = sim.requests.at(-1);
    expect(request?.body).toContain('<sign_type><![CDATA[HMAC-SHA256]]></sign_type>');
  });
});

describe('duplicate out_trade_no', () => {
  it('maps both the documented and the live answer to DuplicateOrderError', async () => {
    for (const form of ['documented', 'live'] as const) {
      sim.live.duplicateOrder = form;
      const outTradeNo = no();
      await client.createOrder(native(outTradeNo));
      const error = await client.createOrder(native(outTradeNo, 101)).catch((e: unknown) => e);
      expect(DuplicateOrderError.isInstance(error), `${form}: ${String(error)}`).toBe(true);
    }
    sim.live.duplicateOrder = 'documented';
  });
});

describe('payment notifications', () => {
  let receiver: LocalServer;
  const received: PaymentNotification[] = [];

  beforeAll(async () => {
    receiver = await startLocalServer(
      createNodeNotificationHandler(client, (n) => {
        received.push(n);
      }),
    );
  });
  afterAll(() => receiver.stop());

  it('a default HMAC-SHA256 client accepts both forms: documented, and MD5-signed without sign_type', async () => {
    for (const form of ['documented', 'live'] as const) {
      sim.live.v2NotifySign = form;
      const outTradeNo = no();
      await client.createOrder(native(outTradeNo, 100, `${receiver.url}/notify`));
      sim.pay(outTradeNo);
      const n = await sim.notifications.waitFor(
        (a) => a.outTradeNo === outTradeNo && a.type === 'payment',
      );
      expect(n.acknowledged, `${form}: answered ${String(n.status)}`).toBe(true);
      expect(received.some((r) => r.type === 'payment' && r.order.outTradeNo === outTradeNo)).toBe(
        true,
      );
    }
    sim.live.v2NotifySign = 'documented';
  });

  it('acceptedNotifySignTypes still narrows it: an HMAC-only client refuses the MD5 form', async () => {
    const narrow = createV2Client(config({ acceptedNotifySignTypes: ['HMAC-SHA256'] }));
    const seen: PaymentNotification[] = [];
    const server = await startLocalServer(
      createNodeNotificationHandler(narrow, (n) => {
        seen.push(n);
      }),
    );
    try {
      sim.live.v2NotifySign = 'live';
      const outTradeNo = no();
      await client.createOrder(native(outTradeNo, 100, `${server.url}/notify`));
      sim.pay(outTradeNo);
      const n = await sim.notifications.waitFor(
        (a) => a.outTradeNo === outTradeNo && a.type === 'payment',
      );
      expect(n.acknowledged).toBe(false);
      expect(seen).toHaveLength(0);
    } finally {
      sim.live.v2NotifySign = 'documented';
      await narrow.close();
      await server.stop();
    }
  });
});

describe('closing', () => {
  it('closing an unknown order succeeds (the close API has no ORDERNOTEXIST)', async () => {
    await expect(client.closeOrder(no())).resolves.toBeUndefined();
  });

  it('a close that keeps failing is settled by a query: a paid order is OrderPaidError', async () => {
    const outTradeNo = no();
    await client.createOrder(native(outTradeNo));
    sim.pay(outTradeNo, { silent: true });
    sim.faults.push({ kind: 'status', status: 503, path: '/pay/closeorder', times: 10 });
    try {
      const error = await client.closeOrder(outTradeNo).catch((e: unknown) => e);
      expect(OrderPaidError.isInstance(error), String(error)).toBe(true);
    } finally {
      sim.faults.clear();
    }
  });

  it('the 5-minute rule: an early close fails retryably and leaves the order open; later it closes', async () => {
    sim.live.v2CloseMinAgeMs = 5 * 60_000;
    onTestFinished(() => {
      sim.live.v2CloseMinAgeMs = 0;
    });
    const outTradeNo = no();
    await client.createOrder(native(outTradeNo));
    const error = await client.closeOrder(outTradeNo).catch((e: unknown) => e);
    expect(SystemError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toContain('5分钟');
    expect(sim.getOrder(outTradeNo)?.state).toBe('NOTPAY');
    sim.advanceTime(5 * 60_000);
    await client.closeOrder(outTradeNo);
    expect(sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
  });
});

describe('refunds', () => {
  it('ORDER_NOT_READY is retried, and the retry with the same out_refund_no succeeds', async () => {
    const outTradeNo = no();
    await client.createOrder(native(outTradeNo));
    sim.pay(outTradeNo, { silent: true });
    sim.faults.push({
      kind: 'rewrite',
      path: '/secapi/pay/refund',
      rewrite: (a) => ({ ...a, result_code: 'FAIL', err_code: 'ORDER_NOT_READY' }),
    });
    const refund = await client.refund({
      order: { outTradeNo },
      outRefundNo: `${outTradeNo}R`,
      amount: { refund: 10, total: 100 },
    });
    expect(refund.outRefundNo).toBe(`${outTradeNo}R`);
    const calls = sim.requests.filter(
      (r) => r.path === '/secapi/pay/refund' && r.body.includes(outTradeNo),
    );
    expect(calls).toHaveLength(2);
  });
});

describe('reverse', () => {
  it('calls reverse again while the answer says recall=Y', async () => {
    const outTradeNo = no('MP');
    sim.queueMicropayOutcome('USERPAYING');
    const charge = await client.micropay(posCharge(outTradeNo, 'pos', 5)).catch((e: unknown) => e);
    expect(UserPayingError.isInstance(charge)).toBe(true);
    sim.live.queueReverseRecall(2);
    const result = await client.reverseOrder({ outTradeNo }, { recallDelayMs: 1 });
    expect(result).toMatchObject({ recall: false, calls: 3 });
    expect(sim.getOrder(outTradeNo)?.state).toBe('REVOKED');
  });
});

describe('backup domain', () => {
  it('retries an idempotent call once on the backup origin when the primary cannot be reached, and logs it', async () => {
    const events: LogEvent[] = [];
    await withDeadPrimary(
      sim.url,
      (origins) =>
        createV2Client(
          config({ ...origins, retry: { maxAttempts: 1 }, logger: (e) => events.push(e) }),
        ),
      async (failover, dead) => {
        const outTradeNo = no();
        await failover.createOrder(native(outTradeNo));
        expect(sim.getOrder(outTradeNo)?.state).toBe('NOTPAY');
        expect(dead.hits()).toBeGreaterThanOrEqual(1);
        expect(events.some((e) => e.level === 'warn' && /backup domain/.test(e.message))).toBe(
          true,
        );
      },
    );
  });

  it('never fails over a non-idempotent call (micropay), nor for a custom baseUrl by default', async () => {
    const dead = await startDeadServer();
    const failover = createV2Client(
      config({ baseUrl: dead.url, backupBaseUrl: sim.url, retry: { maxAttempts: 1 } }),
    );
    const plain = createV2Client(config({ baseUrl: dead.url, retry: { maxAttempts: 1 } }));
    try {
      const outTradeNo = no('MP');
      const error = await failover
        .micropay(posCharge(outTradeNo, 'pos', 5))
        .catch((e: unknown) => e);
      expect(ConnectionError.isInstance(error), String(error)).toBe(true);
      expect(sim.getOrder(outTradeNo)).toBeUndefined();
      const plainError = await plain.queryOrder({ outTradeNo: no() }).catch((e: unknown) => e);
      expect(ConnectionError.isInstance(plainError), String(plainError)).toBe(true);
    } finally {
      await Promise.all([failover.close(), plain.close()]);
      await dead.stop();
    }
  });
});
