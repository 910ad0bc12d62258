import {
  AbortedError,
  type LogEvent,
  type PaymentNotification,
  SystemError,
  TimeoutError,
} from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import {
  type NotificationEndpoint,
  recordUnhandledRejections,
  startNotificationEndpoint,
  Tally,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client, type V3ClientConfig } from '../../src/index.js';
import { SlowBodyProxy } from './support/slow-body-proxy.js';

const rejections = recordUnhandledRejections();
const tally = new Tally('faults (handled as specified)');
let sim: Simulator;
let proxy: SlowBodyProxy;
let client: V3Client;
let hook: NotificationEndpoint;
const delivered: PaymentNotification[] = [];
let failNextDelivery = false;
let onLog: ((event: LogEvent) => void) | undefined;
let seq = 0;

function config(baseUrl: string, extra: Partial<V3ClientConfig> = {}): V3ClientConfig {
  return sim.clientConfig('v3', {
    wechatpayPublicKey: sim.merchant.wechatpayPublicKey,
    baseUrl,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
    logger: (event: LogEvent) => onLog?.(event),
    ...extra,
  });
}

beforeAll(async () => {
  sim = await startSimulator({ notificationRetryDelaysMs: [30, 60, 120] });
  proxy = await new SlowBodyProxy(sim.url).start();
  client = createV3Client(config(sim.url));
  hook = await startNotificationEndpoint(client, (n) => {
    delivered.push(n);
    if (failNextDelivery) {
      failNextDelivery = false;
      throw new Error('database unavailable');
    }
  });
});

afterAll(async () => {
  await client.close();
  await hook.stop();
  await proxy.stop();
  await sim.stop();
  tally.print();
});

const no = (prefix: string) => `SEC${prefix}${Date.now()}${seq++}`;
const queryPath = '/v3/pay/transactions/out-trade-no/';
/** Every order query answers HTTP 500, until the test clears the faults. */
const QUERY_ALWAYS_500 = {
  kind: 'status',
  status: 500,
  path: queryPath,
  times: Number.POSITIVE_INFINITY,
} as const;

/** The parameters of a native order whose notifications go to the test's endpoint. */
function nativeOrder(outTradeNo: string, description: string, total: number) {
  const amount = { total, currency: 'CNY' };
  return { kind: 'native', outTradeNo, description, amount, notifyUrl: hook.url } as const;
}

async function newOrder(): Promise<string> {
  const outTradeNo = no('F');
  await client.createOrder(nativeOrder(outTradeNo, 'fault test', 300));
  return outTradeNo;
}

function attemptsSince(from: number, pathPrefix: string) {
  return sim.requests.slice(from).filter((r) => r.path.startsWith(pathPrefix));
}

/** Waits (bounded) until `ready()`; the simulator logs a delayed request only after its delay. */
async function until(ready: () => boolean, limitMs = 5_000): Promise<void> {
  for (let waited = 0; !ready() && waited < limitMs; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Every attempt carried its own nonce and signature. Read from the Authorization header as
 * received: the simulator leaves `nonce` unset for a request whose client left during a delay.
 */
function expectFreshSignatures(attempts: ReturnType<typeof attemptsSince>) {
  const auths = attempts.map((a) => String(a.headers.authorization));
  const nonces = auths.map((h) => /nonce_str="([^"]+)"/.exec(h)?.[1]);
  const signatures = auths.map((h) => /signature="([^"]+)"/.exec(h)?.[1]);
  expect(nonces.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
  expect(signatures.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
  expect(new Set(nonces).size).toBe(attempts.length);
  expect(new Set(signatures).size).toBe(attempts.length);
}

/** Records one fault scenario as handled. */
function handled() {
  tally.tried++;
  tally.rejected++;
}

describe('queries and close are retried within bounds, with a fresh signature per attempt', () => {
  it.each([
    [
      'latency beyond the timeout',
      { kind: 'latency', latencyMs: 800 } as const,
      { timeoutMs: 250 },
    ],
    ['HTTP 500', { kind: 'status', status: 500 } as const, {}],
    ['HTTP 503', { kind: 'status', status: 503 } as const, {}],
    ['connection reset', { kind: 'reset' } as const, {}],
    ['truncated body', { kind: 'truncate' } as const, {}],
  ])('query: %s, then success', async (_label, fault, options) => {
    const outTradeNo = await newOrder();
    const from = sim.requests.length;
    sim.faults.push({ ...fault, path: queryPath, times: 1 });
    const order = await client.queryOrder({ outTradeNo }, options);
    expect(order.outTradeNo).toBe(outTradeNo);
    await until(() => attemptsSince(from, queryPath).length >= 2);
    const attempts = attemptsSince(from, queryPath);
    // A delayed attempt is logged when its delay ends, so compare without order.
    expect(attempts.map((a) => a.fault ?? 'none').sort()).toEqual([fault.kind, 'none'].sort());
    expectFreshSignatures(attempts);
    handled();
  });

  it('query: a slow body (headers, half the body, then a stall) times out and is retried', async () => {
    const outTradeNo = await newOrder();
    const slow = createV3Client(config(proxy.url, { timeoutMs: 300 }));
    try {
      const from = sim.requests.length;
      proxy.slowReplies = 1;
      proxy.stallMs = 1_500;
      expect((await slow.queryOrder({ outTradeNo })).outTradeNo).toBe(outTradeNo);
      const attempts = attemptsSince(from, queryPath);
      expect(attempts).toHaveLength(2);
      expectFreshSignatures(attempts);
      // Without retries the same stall is a TimeoutError, never a partial order.
      const once = createV3Client(config(proxy.url, { timeoutMs: 300, retry: { maxAttempts: 1 } }));
      proxy.slowReplies = 1;
      await expect(once.queryOrder({ outTradeNo })).rejects.toSatisfy((e) =>
        TimeoutError.isInstance(e),
      );
      await once.close();
    } finally {
      await slow.close();
    }
    handled();
  });

  it('query: a persistent 500 stops after maxAttempts with SystemError', async () => {
    const outTradeNo = await newOrder();
    const from = sim.requests.length;
    sim.faults.push(QUERY_ALWAYS_500);
    try {
      await expect(client.queryOrder({ outTradeNo })).rejects.toSatisfy((e) =>
        SystemError.isInstance(e),
      );
    } finally {
      sim.faults.clear();
    }
    const attempts = attemptsSince(from, queryPath);
    expect(attempts).toHaveLength(3);
    expectFreshSignatures(attempts);
    handled();
  });

  it.each([
    ['HTTP 500', { kind: 'status', status: 500 } as const],
    ['connection reset', { kind: 'reset' } as const],
    // (A truncated 204 is no fault: close answers with an empty body.)
    ['latency beyond the timeout', { kind: 'latency', latencyMs: 800 } as const],
  ])('close: %s, then closed', async (_label, fault) => {
    const outTradeNo = await newOrder();
    const path = `${queryPath}${outTradeNo}/close`;
    const from = sim.requests.length;
    sim.faults.push({ ...fault, path, times: 1 });
    await client.closeOrder(outTradeNo, { timeoutMs: 250 });
    expect(sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
    await until(() => attemptsSince(from, path).length >= 2);
    const attempts = attemptsSince(from, path);
    expect(attempts).toHaveLength(2);
    expectFreshSignatures(attempts);
    handled();
  });
});

describe('creation and refunds are retried only with the same merchant numbers', () => {
  it.each([
    ['answer lost (truncated)', { kind: 'truncate' } as const],
    ['HTTP 500', { kind: 'status', status: 500 } as const],
    ['connection reset', { kind: 'reset' } as const],
  ])('createOrder: %s → one order, every attempt with the same out_trade_no', async (_l, fault) => {
    const outTradeNo = no('C');
    const path = '/v3/pay/transactions/native';
    const from = sim.requests.length;
    sim.faults.push({ ...fault, path, times: 1 });
    const prepay = await client.createOrder(nativeOrder(outTradeNo, 'retry', 100));
    expect(prepay.kind).toBe('native');
    const attempts = attemptsSince(from, path);
    expect(attempts).toHaveLength(2);
    expect(
      attempts.map((a) => (JSON.parse(a.body) as { out_trade_no: string }).out_trade_no),
    ).toEqual([outTradeNo, outTradeNo]);
    // Byte-identical bodies: the request is serialized once and only re-signed.
    expect(attempts[1]!.body).toBe(attempts[0]!.body);
    expectFreshSignatures(attempts);
    expect(sim.getOrder(outTradeNo)?.state).toBe('NOTPAY');
    handled();
  });

  it.each([
    ['answer lost (truncated)', { kind: 'truncate' } as const],
    ['HTTP 500', { kind: 'status', status: 500 } as const],
    ['connection reset', { kind: 'reset' } as const],
  ])('refund: %s → exactly one refund in the simulator', async (_l, fault) => {
    const outTradeNo = await newOrder();
    sim.pay(outTradeNo, { silent: true });
    const outRefundNo = no('R');
    const path = '/v3/refund/domestic/refunds';
    const from = sim.requests.length;
    sim.faults.push({ ...fault, path, times: 1 });
    const params = {
      order: { outTradeNo },
      outRefundNo,
      amount: { refund: 100, total: 300, currency: 'CNY' },
    };
    const refund = await client.refund(params);
    expect(refund.outRefundNo).toBe(outRefundNo);
    // The caller retrying too (a new call with the same out_refund_no) changes nothing.
    await client.refund(params);
    const attempts = attemptsSince(from, path);
    expect(attempts).toHaveLength(3);
    expect(
      new Set(attempts.map((a) => (JSON.parse(a.body) as { out_refund_no: string }).out_refund_no)),
    ).toEqual(new Set([outRefundNo]));
    expectFreshSignatures(attempts);
    expect(sim.getOrder(outTradeNo)?.refunds.map((r) => r.outRefundNo)).toEqual([outRefundNo]);
    expect(sim.getOrder(outTradeNo)?.refunds[0]?.refund).toBe(100);
    handled();
  });
});

describe('AbortSignal mid-retry', () => {
  it('aborted during the backoff: AbortedError at once, no further request', async () => {
    const outTradeNo = await newOrder();
    const slowRetry = createV3Client(
      config(sim.url, {
        retry: { maxAttempts: 10, baseDelayMs: 2_000, maxDelayMs: 2_000 },
        logger: (event) => {
          if (event.message.startsWith('retrying')) controller.abort();
        },
      }),
    );
    const controller = new AbortController();
    const from = sim.requests.length;
    sim.faults.push(QUERY_ALWAYS_500);
    try {
      await expect(
        slowRetry.queryOrder({ outTradeNo }, { signal: controller.signal }),
      ).rejects.toSatisfy((e) => AbortedError.isInstance(e));
      const sent = attemptsSince(from, queryPath).length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sent).toBe(1);
      expect(attemptsSince(from, queryPath)).toHaveLength(1);
    } finally {
      sim.faults.clear();
      await slowRetry.close();
    }
    handled();
  });

  it('aborted while the second attempt waits for its answer: settles before that answer', async () => {
    const outTradeNo = await newOrder();
    const controller = new AbortController();
    const from = sim.requests.length;
    sim.faults.push({ kind: 'status', status: 500, path: queryPath, times: 1 });
    sim.faults.push({ kind: 'latency', latencyMs: 1_000, path: queryPath, times: 1 });
    onLog = (event) => {
      if (event.message.startsWith('retrying')) setTimeout(() => controller.abort(), 150);
    };
    try {
      await expect(
        client.queryOrder({ outTradeNo }, { signal: controller.signal }),
      ).rejects.toSatisfy((e) => AbortedError.isInstance(e));
      // The delayed attempt is logged by the simulator only after its 1 s delay: the call had
      // already given up, without waiting for it.
      expect(attemptsSince(from, queryPath)).toHaveLength(1);
      await until(() => attemptsSince(from, queryPath).length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(attemptsSince(from, queryPath).map((a) => a.fault)).toEqual(['status', 'latency']);
    } finally {
      onLog = undefined;
      sim.faults.clear();
    }
    handled();
  });

  it('already aborted: nothing is sent', async () => {
    const from = sim.requests.length;
    await expect(
      client.queryOrder({ outTradeNo: 'SECNEVERSENT' }, { signal: AbortSignal.abort() }),
    ).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(sim.requests.length).toBe(from);
    handled();
  });
});

describe('notification redelivery', () => {
  it('the same notification delivered twice (after a failed handler) has the same id', async () => {
    const outTradeNo = await newOrder();
    failNextDelivery = true;
    const before = delivered.length;
    sim.pay(outTradeNo);
    await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo && a.acknowledged);
    const mine = delivered
      .slice(before)
      .filter((n) => n.type === 'payment' && n.order.outTradeNo === outTradeNo);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(new Set(mine.map((n) => n.id)).size).toBe(1);
    const attempts = sim.notifications.forOrder(outTradeNo);
    expect(attempts[0]?.acknowledged).toBe(false);
    expect(new Set(attempts.map((a) => a.id))).toEqual(new Set([mine[0]!.id]));
    // Re-sent on request, and the same captured message parsed twice: still the same id.
    sim.sendPaymentNotification(outTradeNo);
    await until(() => sim.notifications.forOrder(outTradeNo).length > attempts.length);
    const resent = sim.notifications.forOrder(outTradeNo).at(-1)!;
    const first = await client.parseNotification({ headers: resent.headers, body: resent.body });
    const again = await client.parseNotification({ headers: resent.headers, body: resent.body });
    expect(first.id).toBe(mine[0]!.id);
    expect(again.id).toBe(first.id);
    handled();
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
    expect(tally.rejected).toBe(tally.tried);
  });
});
