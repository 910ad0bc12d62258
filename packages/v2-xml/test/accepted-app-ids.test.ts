import { AnswerMismatchError, ConfigError, type WxPayError } from '@wxpay/core';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer } from '../src/check-answer.js';
import { createV2Client, type V2Client } from '../src/index.js';

// One mch_id, several appids (official account, mini-program, app) sharing one notify URL: a
// client made for one appid accepts notifications (and replies) of the others only when
// `acceptedAppIds` lists them. The notifications are the simulator's real deliveries for an
// order made under its own appid; the clients under test are configured with another appid.

const OTHER_APP = 'wx0ther0app0000001';
let sim: Simulator;
let creator: V2Client;
let strict: V2Client;
let multi: V2Client;
let seq = 0;
const nextNo = () => `AAV2${Date.now()}${seq++}`;

beforeAll(async () => {
  sim = await startSimulator({ notificationRetryDelaysMs: [10] });
  // Nothing listens on port 9: the simulator records each delivery it attempts.
  creator = createV2Client(sim.clientConfig('v2', { notifyUrl: 'http://127.0.0.1:9/n' }));
  strict = createV2Client(sim.clientConfig('v2', { appId: OTHER_APP }));
  multi = createV2Client(
    sim.clientConfig('v2', { appId: OTHER_APP, acceptedAppIds: [sim.merchant.appId] }),
  );
});
afterAll(async () => {
  await Promise.all([creator.close(), strict.close(), multi.close()]);
  await sim.stop();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('v2 acceptedAppIds', () => {
  it('a payment notification of another appid: refused by default, accepted when listed', async () => {
    const no = nextNo();
    await creator.createOrder({
      kind: 'native',
      outTradeNo: no,
      description: 'app',
      amount: { total: 100 },
      clientIp: '127.0.0.1',
    });
    sim.pay(no, { silent: true });
    sim.sendPaymentNotification(no);
    const delivery = await sim.notifications.waitFor((a) => a.outTradeNo === no);
    const request = { headers: delivery.headers, body: delivery.body };
    const error = await rejection(strict.parseNotification(request));
    expect(AnswerMismatchError.isInstance(error), String(error)).toBe(true);
    expect((error as AnswerMismatchError).field).toBe('appid');
    const notification = await multi.parseNotification(request);
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
      let error: unknown;
      try {
        createV2Client(sim.clientConfig('v2', { acceptedAppIds }));
      } catch (e) {
        error = e;
      }
      expect(ConfigError.isInstance(error), String(error)).toBe(true);
      expect((error as WxPayError).message).toContain('acceptedAppIds');
    }
  });
});
