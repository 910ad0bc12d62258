import { AnswerMismatchError, ConfigError } from '@wxpay/core';
import { rejectionOf, startAppIdClients, thrownBy } from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createV3Client } from '../src/index.js';

// One mchid, several appids (official account, mini-program, app): a client made for one of
// them sees the merchant's orders of the others only when `acceptedAppIds` lists them. Over
// real HTTP against the simulator, whose orders carry its own appid; the clients under test
// are configured with another appid of the same merchant.

const OTHER_APP = 'wx0ther0app0000001';
const t = await startAppIdClients('v3', createV3Client, OTHER_APP, { retry: { maxAttempts: 1 } });
afterAll(() => t.stop());

/** Expects `promise` to fail with an AnswerMismatchError naming the appid. */
async function expectAppIdRefused(promise: Promise<unknown>): Promise<void> {
  const error = await rejectionOf(promise);
  expect(AnswerMismatchError.isInstance(error) && error.field, String(error)).toBe('appid');
}

describe('v3 acceptedAppIds', () => {
  it('refuses an order of another appid by default, naming appid', async () => {
    const no = await t.paidOrder();
    await expectAppIdRefused(t.strict.queryOrder({ outTradeNo: no }));
  });

  it('accepts the orders of a listed appid of the same merchant', async () => {
    const no = await t.paidOrder();
    const order = await t.multi.queryOrder({ outTradeNo: no });
    expect([order.outTradeNo, order.state]).toEqual([no, 'SUCCESS']);
    // An appid that is neither the client's nor listed is still refused.
    const other = createV3Client(
      t.sim.clientConfig('v3', { appId: OTHER_APP, acceptedAppIds: ['wx0ther0app0000002'] }),
    );
    try {
      await expectAppIdRefused(other.queryOrder({ outTradeNo: no }));
    } finally {
      await other.close();
    }
  });

  it('applies to notifications: the same delivery is refused by default, accepted when listed', async () => {
    const no = await t.paidOrder();
    const request = await t.paymentNotification(no);
    await expectAppIdRefused(t.strict.parseNotification(request));
    const notification = await t.multi.parseNotification(request);
    expect(notification.type === 'payment' && notification.order.outTradeNo).toBe(no);
  });

  it('is validated: each entry a non-empty appid of at most 32 characters', () => {
    for (const acceptedAppIds of [[''], ['x'.repeat(33)]]) {
      const error = thrownBy(ConfigError, () =>
        createV3Client(t.sim.clientConfig('v3', { acceptedAppIds })),
      );
      expect(error.message).toContain('acceptedAppIds');
    }
  });
});
