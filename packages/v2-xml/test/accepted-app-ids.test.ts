import { AnswerMismatchError, ConfigError } from '@wxpay/core';
import { rejectionOf, startAppIdClients, thrownBy } from '@wxpay/simulator/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAnswer } from '../src/check-answer.js';
import { createV2Client } from '../src/index.js';

// One mch_id, several appids (official account, mini-program, app) sharing one notify URL: a
// client made for one appid accepts notifications (and replies) of the others only when
// `acceptedAppIds` lists them. The notifications are the simulator's real deliveries for an
// order made under its own appid; the clients under test are configured with another appid.

const OTHER_APP = 'wx0ther0app0000001';
const t = await startAppIdClients('v2', createV2Client, OTHER_APP);
afterAll(() => t.stop());

describe('v2 acceptedAppIds', () => {
  it('a payment notification of another appid: refused by default, accepted when listed', async () => {
    const no = await t.paidOrder();
    const request = await t.paymentNotification(no);
    const error = await rejectionOf(t.strict.parseNotification(request));
    expect(AnswerMismatchError.isInstance(error) && error.field, String(error)).toBe('appid');
    const notification = await t.multi.parseNotification(request);
    expect(notification.type === 'payment' && notification.order.outTradeNo).toBe(no);
  });

  it('binds replies to the client appid or a listed one, nothing else', () => {
    const reply = { return_code: 'SUCCESS', appid: 'wxA', mch_id: '10000100', out_trade_no: 'O1' };
    const binding = { appId: 'wxB', mchId: '10000100', outTradeNo: 'O1' };
    expect(() => checkAnswer(reply, { ...binding, acceptedAppIds: ['wxA'] })).not.toThrow();
    expect(() => checkAnswer({ ...reply, appid: 'wxB' }, binding)).not.toThrow();
    for (const acceptedAppIds of [undefined, [], ['wxC']]) {
      try {
        checkAnswer(reply, { ...binding, acceptedAppIds });
        expect.unreachable(`accepted with ${JSON.stringify(acceptedAppIds)}`);
      } catch (error) {
        expect((error as AnswerMismatchError).field).toBe('appid');
      }
    }
  });

  it('is validated: each entry a non-empty appid of at most 32 characters', () => {
    for (const acceptedAppIds of [[''], ['x'.repeat(33)]]) {
      const error = thrownBy(ConfigError, () =>
        createV2Client(t.sim.clientConfig('v2', { acceptedAppIds })),
      );
      expect(error.message).toContain('acceptedAppIds');
    }
  });
});
