import { AnswerMismatchError, ConfigError, type WxPayError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV3Client, type V3Client } from '../src/index.js';

// One mchid, several appids (official account, mini-program, app): a client made for one of
// them sees the merchant's orders of the others only when `acceptedAppIds` lists them. Over
// real HTTP against the simulator, whose orders carry its own appid; the clients under test
// are configured with another appid of the same merchant.

const OTHER_APP = 'wx0ther0app0000001';
let sim: Simulator;
let creator: V3Client;
let strict: V3Client;
let multi: V3Client;
let seq = 0;
const nextNo = () => `AAV3${Date.now()}${seq++}`;

beforeAll(async () => {
  sim = await startSimulator({ notificationRetryDelaysMs: [10] });
  const retry = { maxAttempts: 1 };
  // Nothing listens on port 9: the simulator records each delivery it attempts.
  creator = createV3Client(sim.clientConfig('v3', { notifyUrl: 'http://127.0.0.1:9/n', retry }));
  strict = createV3Client(sim.clientConfig('v3', { appId: OTHER_APP, retry }));
  multi = createV3Client(
    sim.clientConfig('v3', { appId: OTHER_APP, acceptedAppIds: [sim.merchant.appId], retry }),
  );
});
afterAll(async () => {
  await Promise.all([creator.close(), strict.close(), multi.close()]);
  await sim.stop();
});

async function paidOrder(): Promise<string> {
  const outTradeNo = nextNo();
  await creator.createOrder({
    kind: 'native',
    outTradeNo,
    description: 'app',
    amount: { total: 100 },
  });
  sim.pay(outTradeNo, { silent: true });
  return outTradeNo;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('v3 acceptedAppIds', () => {
  it('refuses an order of another appid by default, naming appid', async () => {
    const no = await paidOrder();
    const error = await rejection(strict.queryOrder({ outTradeNo: no }));
    expect(AnswerMismatchError.isInstance(error), String(error)).toBe(true);
    expect((error as AnswerMismatchError).field).toBe('appid');
  });

  it('accepts the orders of a listed appid of the same merchant', async () => {
    const no = await paidOrder();
    const order = await multi.queryOrder({ outTradeNo: no });
    expect([order.outTradeNo, order.state]).toEqual([no, 'SUCCESS']);
    // An appid that is neither the client's nor listed is still refused.
    const other = createV3Client(
      sim.clientConfig('v3', { appId: OTHER_APP, acceptedAppIds: ['wx0ther0app0000002'] }),
    );
    try {
      const error = await rejection(other.queryOrder({ outTradeNo: no }));
      expect((error as AnswerMismatchError).field).toBe('appid');
    } finally {
      await other.close();
    }
  });

  it('applies to notifications: the same delivery is refused by default, accepted when listed', async () => {
    const no = await paidOrder();
    sim.sendPaymentNotification(no);
    const delivery = await sim.notifications.waitFor((a) => a.outTradeNo === no);
    const request = { headers: delivery.headers, body: delivery.body };
    const error = await rejection(strict.parseNotification(request));
    expect(AnswerMismatchError.isInstance(error), String(error)).toBe(true);
    expect((error as AnswerMismatchError).field).toBe('appid');
    const notification = await multi.parseNotification(request);
    expect(notification.type === 'payment' && notification.order.outTradeNo).toBe(no);
  });

  it('is validated: each entry a non-empty appid of at most 32 characters', () => {
    for (const acceptedAppIds of [[''], ['x'.repeat(33)]]) {
      const error = (() => {
        try {
          createV3Client(sim.clientConfig('v3', { acceptedAppIds }));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(ConfigError.isInstance(error), String(error)).toBe(true);
      expect((error as WxPayError).message).toContain('acceptedAppIds');
    }
  });
});
