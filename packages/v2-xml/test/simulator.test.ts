import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidRequestError, type PaymentNotification, UserPayingError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNodeNotificationHandler,
  createV2Client,
  formatBeijingTime,
  type V2Client,
} from '../src/index.js';

// The v2-only calls against the shared simulator (the neutral ones run in contract.test.ts).
let sim: Simulator;
let client: V2Client;
let receiver: Server;
let notifyUrl: string;
const notifications: PaymentNotification[] = [];
let seq = 0;
const no = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`.toUpperCase();

beforeAll(async () => {
  sim = await startSimulator();
  client = createV2Client(
    sim.clientConfig('v2', {
      signType: 'HMAC-SHA256',
      // The simulator signs payment notifications with the order's sign type.
      acceptedNotifySignTypes: ['HMAC-SHA256', 'MD5'],
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    }),
  );
  const handler = createNodeNotificationHandler(client, (n) => {
    notifications.push(n);
  });
  receiver = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  await client.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await sim.stop();
});

async function until<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const micropay = (outTradeNo: string) => ({
  outTradeNo,
  description: '门店-收银',
  amount: { total: 250 },
  authCode: '134567890123456789',
  clientIp: '10.1.2.3',
});

describe('v2 against the simulator', () => {
  it('micropay charges; reverse revokes the order', async () => {
    const outTradeNo = no('MP');
    const order = await client.micropay(micropay(outTradeNo));
    expect(order).toMatchObject({
      outTradeNo,
      state: 'SUCCESS',
      tradeType: 'MICROPAY',
      amount: { total: 250 },
    });
    expect(order.transactionId).toBeTruthy();
    const reversed = await client.reverseOrder({ outTradeNo });
    expect(reversed).toMatchObject({ recall: false, calls: 1 });
    expect((await client.queryOrder({ outTradeNo })).state).toBe('REVOKED');
  });

  it('micropay USERPAYING: typed error by default, or awaited to the final state', async () => {
    sim.queueMicropayOutcome('USERPAYING');
    const first = no('MP');
    const error = await client.micropay(micropay(first)).catch((e: unknown) => e);
    expect(UserPayingError.isInstance(error)).toBe(true);

    sim.queueMicropayOutcome('USERPAYING');
    const second = no('MP');
    const order = await client.micropay(micropay(second), {
      awaitUserPaying: {
        initialIntervalMs: 5,
        maxIntervalMs: 10,
        timeoutMs: 5_000,
        // The payer enters the password while we poll.
        onPoll: (o) => {
          if (o.state === 'USERPAYING') sim.pay(second, { silent: true });
        },
      },
    });
    expect(order).toMatchObject({ outTradeNo: second, state: 'SUCCESS' });
  });

  it('NOTENOUGH is an InvalidRequestError with the code', async () => {
    sim.queueMicropayOutcome('NOTENOUGH');
    const error = await client.micropay(micropay(no('MP'))).catch((e: unknown) => e);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'NOTENOUGH' });
  });

  it('coupons show up as promotions; refunds are queried and notified', async () => {
    const outTradeNo = no('CP');
    await client.createOrder({
      kind: 'native',
      outTradeNo,
      description: 'coupon order',
      amount: { total: 1000 },
      clientIp: '127.0.0.1',
      notifyUrl,
    });
    sim.pay(outTradeNo, {
      coupons: [
        { type: 'CASH', amount: 100 },
        { type: 'NOCASH', amount: 50, id: 'NC-1' },
      ],
    });
    const order = await client.queryOrder({ outTradeNo });
    expect(order.state).toBe('SUCCESS');
    expect(order.promotions).toHaveLength(2);
    expect(order.promotions[1]).toMatchObject({ couponId: 'NC-1', type: 'NOCASH', amount: 50 });
    expect(order.amount.payerTotal).toBe(850);
    const paid = await until(
      () => notifications.find((n) => n.type === 'payment' && n.order.outTradeNo === outTradeNo),
      'the payment notification',
    );
    expect(paid.id).toBe(`v2:payment:${order.transactionId}`);

    const outRefundNo = no('RF');
    const refund = await client.refund({
      order: { outTradeNo },
      outRefundNo,
      amount: { refund: 300, total: 1000 },
      notifyUrl,
    });
    expect(refund).toMatchObject({
      outRefundNo,
      status: 'PROCESSING',
      amount: { refund: 300, total: 1000 },
    });
    expect((await client.queryRefund(outRefundNo)).status).toBe('PROCESSING');
    sim.completeRefund(outRefundNo, 'SUCCESS');
    const done = await client.queryRefund(outRefundNo);
    expect(done.status).toBe('SUCCESS');
    expect(done.successTime).toBeInstanceOf(Date);
    const byOrder = await client.queryRefunds({ outTradeNo });
    expect(byOrder.refunds.map((r) => r.outRefundNo)).toEqual([outRefundNo]);
    const notified = await until(
      () => notifications.find((n) => n.type === 'refund' && n.refund.outRefundNo === outRefundNo),
      'the refund notification',
    );
    expect(notified).toMatchObject({
      type: 'refund',
      refund: { status: 'SUCCESS', refundId: done.refundId },
    });
  });

  it("downloads today's bill, plain and gzip, with the paid orders in it", async () => {
    const billDate = formatBeijingTime(new Date(sim.now())).slice(0, 8);
    const plain = await client.downloadBill({ billDate });
    const gz = await client.downloadBill({ billDate, gzip: true });
    expect(plain.rows.length).toBeGreaterThan(0);
    expect(gz).toEqual(plain);
    expect(plain.rows.every((row) => row.every((cell) => !cell.startsWith('`')))).toBe(true);
    expect(plain.summary.length).toBe(plain.summaryHeader.length);
    const error = await client
      .downloadBill({ billDate, billType: 'RECHARGE_REFUND' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '20002' });
  });
});
