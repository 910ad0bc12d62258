import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AbortedError,
  type CreateOrderParams,
  type PaymentNotification,
  SystemError,
  TimeoutError,
  WxPayError,
} from '@wxpay/core';
import {
  type FaultSpec,
  type RecordedRequest,
  type Simulator,
  startSimulator,
} from '@wxpay/simulator';
import {
  type LocalServer,
  type NotificationEndpoint,
  recordUnhandledRejections,
  startLocalServer,
  startNotificationEndpoint,
  Tally,
} from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createV2Client,
  parseXml,
  type V2Client,
  type V2ClientConfig,
  verifyFields,
} from '../../src/index.js';

const rejections = recordUnhandledRejections();
const tally = new Tally('faults through the simulator');
const MAX_ATTEMPTS = 4;
const QUERY = '/pay/orderquery';
let sim: Simulator;
let client: V2Client;
let receiver: NotificationEndpoint;
let proxy: LocalServer;
/** What the merchant's endpoint was handed, and how many deliveries it is still to fail. */
const deliveries = { seen: [] as PaymentNotification[], failNext: 0 };
let seq = 0;

function config(extra: Partial<V2ClientConfig> = {}): V2ClientConfig {
  return sim.clientConfig('v2', {
    timeoutMs: 2_000,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 10, maxDelayMs: 40 },
    ...extra,
  });
}

/** Forwards to the simulator, then sends the answer one byte every 60 ms (a slow body). */
async function slowProxy(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const upstream = await fetch(`${sim.url}${req.url}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: Buffer.concat(chunks),
  });
  const body = Buffer.from(await upstream.arrayBuffer());
  res.writeHead(upstream.status, { 'content-type': 'text/xml', 'content-length': body.length });
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed || i >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(i, i + 1));
    i++;
  }, 60);
  res.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  sim = await startSimulator();
  client = createV2Client(config());
  receiver = await startNotificationEndpoint(client, (notification) => {
    deliveries.seen.push(notification);
    if (deliveries.failNext > 0) {
      deliveries.failNext--;
      throw new Error('the shop database is down');
    }
  });
  proxy = await startLocalServer((req, res) => {
    slowProxy(req, res).catch(() => res.destroy());
  });
});

afterAll(async () => {
  tally.print();
  await client.close();
  await sim.stop();
  await Promise.all([receiver.stop(), proxy.stop()]);
});

const no = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

function params(outTradeNo: string, total = 100): CreateOrderParams {
  return {
    kind: 'native',
    outTradeNo,
    description: 'fault test',
    amount: { total, currency: 'CNY' },
    notifyUrl: receiver.url,
    clientIp: '127.0.0.1',
  };
}

/** Requests to `path` received since index `from`, with their decoded fields. */
function since(
  from: number,
  path: string,
): Array<RecordedRequest & { fields: Record<string, string> }> {
  return sim.requests
    .slice(from)
    .filter((r) => r.path === path)
    .map((r) => ({ ...r, fields: parseXml(r.body) }));
}

/** Every attempt validly signed, each with its own nonce and sign. */
function expectFreshlySigned(attempts: ReturnType<typeof since>) {
  for (const a of attempts) {
    expect(verifyFields(a.fields, a.fields.sign ?? '', sim.merchant.apiKey, 'MD5')).toBe(true);
  }
  expect(new Set(attempts.map((a) => a.fields.nonce_str)).size).toBe(attempts.length);
  expect(new Set(attempts.map((a) => a.fields.sign)).size).toBe(attempts.length);
}

async function expectTyped<T extends { isInstance(e: unknown): boolean; name: string }>(
  promise: Promise<unknown>,
  cls: T,
): Promise<unknown> {
  tally.tried++;
  try {
    await promise;
  } catch (error) {
    expect(cls.isInstance(error), `expected ${cls.name}, got ${String(error)}`).toBe(true);
    tally.rejected++;
    return error;
  }
  tally.acceptedWrongly++;
  throw new Error(`expected ${cls.name}, the call succeeded`);
}

async function expectRecovered<T>(promise: Promise<T>): Promise<T> {
  tally.tried++;
  const value = await promise;
  tally.acceptedValid++;
  return value;
}

async function waitUntil(check: () => boolean, limitMs = 5_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A new order (`prefix` + a unique suffix), and where the simulator's request log stands after it. */
async function newOrder(
  prefix: string,
  total = 100,
): Promise<{ outTradeNo: string; from: number }> {
  const outTradeNo = no(prefix);
  await client.createOrder(params(outTradeNo, total));
  return { outTradeNo, from: sim.requests.length };
}

/** A new order paid in full (no notification), with the parameters of its full refund. */
async function paidOrder(prefix: string, total: number) {
  const { outTradeNo } = await newOrder(prefix, total);
  sim.pay(outTradeNo, { silent: true });
  const outRefundNo = `${outTradeNo}R`;
  const refund = { order: { outTradeNo }, outRefundNo, amount: { refund: total, total } };
  return { outTradeNo, outRefundNo, refund };
}

/** Runs `run` while every order query meets `fault`; the faults are cleared after it. */
async function whileEveryQueryFails(fault: FaultSpec, run: () => Promise<unknown>): Promise<void> {
  sim.faults.push({ ...fault, path: QUERY, times: Infinity });
  try {
    await run();
  } finally {
    sim.faults.clear();
  }
}

describe('queries and close are retried within bounds, freshly signed each time', () => {
  it('latency beyond the timeout, twice, then an answer', async () => {
    const { outTradeNo, from } = await newOrder('LAT');
    sim.faults.push({ kind: 'latency', latencyMs: 1_500, path: QUERY, times: 2 });
    // The timeout leaves room for the third, normal answer on a busy 2-core machine.
    const order = await expectRecovered(client.queryOrder({ outTradeNo }, { timeoutMs: 600 }));
    expect(order.state).toBe('NOTPAY');
    // The two slow requests are logged once the simulator has handled them.
    await waitUntil(() => since(from, QUERY).length === 3);
    const attempts = since(from, QUERY);
    expect(attempts.filter((a) => a.fault === 'latency')).toHaveLength(2);
    expectFreshlySigned(attempts);
  });

  it('always too slow: TimeoutError after exactly maxAttempts requests', async () => {
    const { outTradeNo, from } = await newOrder('TMO');
    await whileEveryQueryFails({ kind: 'latency', latencyMs: 400 }, async () => {
      await expectTyped(client.queryOrder({ outTradeNo }, { timeoutMs: 100 }), TimeoutError);
      await waitUntil(() => since(from, QUERY).length === MAX_ATTEMPTS);
    });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(since(from, QUERY)).toHaveLength(MAX_ATTEMPTS);
    expectFreshlySigned(since(from, QUERY));
  });

  it('5xx on every attempt: SystemError after exactly maxAttempts requests', async () => {
    const { outTradeNo, from } = await newOrder('5XX');
    await whileEveryQueryFails({ kind: 'status', status: 503 }, () =>
      expectTyped(client.queryOrder({ outTradeNo }), SystemError),
    );
    const attempts = since(from, QUERY);
    expect(attempts.map((a) => a.status)).toEqual(Array(MAX_ATTEMPTS).fill(503));
    expectFreshlySigned(attempts);
  });

  it('close: 5xx, reset, then success; the order is closed once', async () => {
    const { outTradeNo, from } = await newOrder('CLS');
    sim.faults.push({ kind: 'status', status: 500, path: '/pay/closeorder', times: 1 });
    sim.faults.push({ kind: 'reset', path: '/pay/closeorder', times: 1 });
    await expectRecovered(client.closeOrder(outTradeNo));
    const attempts = since(from, '/pay/closeorder');
    expect(attempts.map((a) => a.fault)).toEqual(['status', 'reset', undefined]);
    expectFreshlySigned(attempts);
    expect(sim.getOrder(outTradeNo)?.state).toBe('CLOSED');
  });

  it('truncated answers: a typed error within bounds, never a success', async () => {
    const { outTradeNo, from } = await newOrder('TRN');
    await whileEveryQueryFails({ kind: 'truncate' }, () =>
      expectTyped(client.queryOrder({ outTradeNo }), WxPayError),
    );
    const attempts = since(from, QUERY);
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    expect(attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expectFreshlySigned(attempts);
  });

  it('a slow body past the timeout is a TimeoutError, retried within bounds', async () => {
    const { outTradeNo } = await newOrder('SLW');
    const slow = createV2Client(
      config({ baseUrl: proxy.url, retry: { maxAttempts: 2, baseDelayMs: 10 } }),
    );
    const from = sim.requests.length;
    try {
      await expectTyped(slow.queryOrder({ outTradeNo }, { timeoutMs: 300 }), TimeoutError);
    } finally {
      await slow.close();
    }
    const attempts = since(from, QUERY);
    expect(attempts).toHaveLength(2);
    expectFreshlySigned(attempts);
  });
});

describe('creation and refunds are never duplicated', () => {
  it('createOrder retried after 5xx and reset keeps the same out_trade_no; one order exists', async () => {
    const outTradeNo = no('CRT');
    const from = sim.requests.length;
    sim.faults.push({ kind: 'status', status: 500, path: '/pay/unifiedorder', times: 1 });
    sim.faults.push({ kind: 'reset', path: '/pay/unifiedorder', times: 1 });
    const prepay = await expectRecovered(client.createOrder(params(outTradeNo)));
    // A truncated answer (processed by the server) and a caller's retry give the same prepay.
    sim.faults.push({ kind: 'truncate', path: '/pay/unifiedorder', times: 1 });
    const again = await client
      .createOrder(params(outTradeNo))
      .catch(() => client.createOrder(params(outTradeNo)));
    expect(again).toEqual(prepay);
    const attempts = since(from, '/pay/unifiedorder');
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(attempts.map((a) => a.fields.out_trade_no))).toEqual(new Set([outTradeNo]));
    expectFreshlySigned(attempts);
    expect(sim.getOrder(outTradeNo)?.state).toBe('NOTPAY');
  });

  it('refund retried after reset, 5xx and truncation refunds once (same out_refund_no)', async () => {
    const { outTradeNo, outRefundNo, refund } = await paidOrder('RFD', 300);
    const from = sim.requests.length;
    sim.faults.push({ kind: 'reset', path: '/secapi/pay/refund', times: 1 });
    sim.faults.push({ kind: 'status', status: 502, path: '/secapi/pay/refund', times: 1 });
    sim.faults.push({ kind: 'truncate', path: '/secapi/pay/refund', times: 1 });
    // The truncated answer comes after the refund was made; the caller retries the same refund.
    const first = await client.refund(refund).catch(() => client.refund(refund));
    const second = await expectRecovered(client.refund(refund));
    expect(second.refundId).toBe(first.refundId);
    const attempts = since(from, '/secapi/pay/refund');
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(attempts.map((a) => a.fields.out_refund_no))).toEqual(new Set([outRefundNo]));
    expectFreshlySigned(attempts);
    expect(sim.getOrder(outTradeNo)?.refunds).toHaveLength(1);
    expect(sim.getRefund(outRefundNo)).toBeDefined();
  });
});

describe('charges are never repeated blindly', () => {
  it('micropay after a reset: one request, a typed error, no second charge', async () => {
    const outTradeNo = no('MPY');
    const from = sim.requests.length;
    sim.faults.push({ kind: 'reset', path: '/pay/micropay', times: 1 });
    await expectTyped(
      client.micropay({
        outTradeNo,
        description: 'fault test',
        amount: { total: 250 },
        authCode: '134567890123456789',
        clientIp: '127.0.0.1',
      }),
      WxPayError,
    );
    expect(since(from, '/pay/micropay')).toHaveLength(1);
  });
});

describe('AbortSignal mid-retry', () => {
  it('aborting during the backoff stops at once: AbortedError, no further request', async () => {
    const { outTradeNo } = await newOrder('ABT');
    const patient = createV2Client(
      config({ retry: { maxAttempts: 10, baseDelayMs: 300, maxDelayMs: 300 } }),
    );
    const from = sim.requests.length;
    sim.faults.push({ kind: 'status', status: 500, path: QUERY, times: Infinity });
    const controller = new AbortController();
    try {
      const call = patient.queryOrder({ outTradeNo }, { signal: controller.signal });
      await waitUntil(() => since(from, QUERY).length >= 1);
      controller.abort();
      await expectTyped(call, AbortedError);
      // Attempts sent before the abort are answered (and logged) at once with the 500.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const seen = since(from, QUERY).length;
      // Longer than the largest backoff (300 ms): a retry still scheduled would arrive by now.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(since(from, QUERY)).toHaveLength(seen);
      expect(seen).toBeLessThan(10);
    } finally {
      sim.faults.clear();
      await patient.close();
    }
  });

  it('aborting an attempt in flight: AbortedError, no further request', async () => {
    const { outTradeNo, from } = await newOrder('ABF');
    const controller = new AbortController();
    await whileEveryQueryFails({ kind: 'latency', latencyMs: 300 }, async () => {
      const call = client.queryOrder({ outTradeNo }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await expectTyped(call, AbortedError);
      // The delayed request is logged when the simulator gets to it (300 ms); nothing follows.
      await waitUntil(() => since(from, QUERY).length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(since(from, QUERY)).toHaveLength(1);
    });
  });
});

describe('notification redelivery', () => {
  it('a payment notification delivered again (after a failing callback) has the same id', async () => {
    const { outTradeNo } = await newOrder('NTF');
    const before = deliveries.seen.length;
    deliveries.failNext = 1;
    sim.pay(outTradeNo);
    await sim.notifications.waitFor((a) => a.acknowledged && a.body.includes(outTradeNo));
    const mine = deliveries.seen
      .slice(before)
      .filter((n) => n.type === 'payment' && n.order.outTradeNo === outTradeNo);
    tally.tried++;
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(new Set(mine.map((n) => n.id)).size).toBe(1);
    tally.acceptedValid++;
  });

  it('a refund notification delivered twice has the same id', async () => {
    const { outRefundNo, refund } = await paidOrder('NTR', 200);
    await client.refund(refund);
    const before = deliveries.seen.length;
    deliveries.failNext = 1;
    sim.completeRefund(outRefundNo);
    const mine = () =>
      deliveries.seen
        .slice(before)
        .filter((n) => n.type === 'refund' && n.refund.outRefundNo === outRefundNo);
    await waitUntil(() => mine().length >= 2);
    tally.tried++;
    expect(new Set(mine().map((n) => n.id)).size).toBe(1);
    tally.acceptedValid++;
  });

  it('no unhandled rejections, nothing accepted wrongly', async () => {
    await rejections.expectNone();
    expect(tally.acceptedWrongly).toBe(0);
    expect(tally.tried).toBe(tally.rejected + tally.acceptedValid);
  });
});
