import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { v2Request, v2Sign, v3Request } from '../src/contract/raw-client.js';
import { type Simulator, startSimulator } from '../src/start-simulator.js';
import { verifyV3Answer } from '../src/testing/index.js';
import { createV3NativeOrder, refundV3 } from './support/v3-order-requests.js';

let sim: Simulator;
let seq = 0;
const no = (p: string) => `${p}${Date.now()}${seq++}`;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.faults.clear();
});

/** A paid v3 order of `total` fen with one refund of 100 fen. */
async function paidWithRefund(total: number) {
  const outTradeNo = no('FA');
  await createV3NativeOrder(sim, { outTradeNo, total, description: 'foreign answer' });
  const paid = sim.pay(outTradeNo, { silent: true });
  const outRefundNo = `${outTradeNo}R`;
  const refunded = await refundV3(sim, outTradeNo, { refund: 100, total }, outRefundNo);
  expect(refunded.status).toBe(200);
  return { outTradeNo, transactionId: paid.transactionId ?? '', outRefundNo };
}

const v3Verifies = (answer: { headers: Record<string, string>; text: string }) =>
  verifyV3Answer(answer.headers, answer.text, sim.merchant.wechatpayPublicKey.key);
const v2Verifies = (fields: Record<string, string>) =>
  fields.sign === v2Sign(fields, sim.merchant.apiKey, 'MD5');

describe('the foreign-answer fault', () => {
  it('v3: a query for order A is answered, correctly signed, with order B', async () => {
    const [a, b] = await Promise.all([paidWithRefund(300), paidWithRefund(700)]);
    sim.faults.push({ kind: 'foreign-answer', answerFor: { outTradeNo: b.outTradeNo } });
    const answer = await v3Request(
      sim.url,
      'GET',
      `/v3/pay/transactions/out-trade-no/${a.outTradeNo}?mchid=${sim.merchant.mchId}`,
      sim.merchant,
      undefined,
      { wechatpaySerial: sim.merchant.wechatpayPublicKey.id },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      out_trade_no: b.outTradeNo,
      transaction_id: b.transactionId,
      amount: { total: 700 },
    });
    expect(v3Verifies(answer)).toBe(true);
    expect(sim.requests.at(-1)?.fault).toBe('foreign-answer');
  });

  it('v3: another refund, a refund under another order, another merchant', async () => {
    const [a, b] = await Promise.all([paidWithRefund(300), paidWithRefund(700)]);
    const query = (outRefundNo: string) =>
      v3Request(
        sim.url,
        'GET',
        `/v3/refund/domestic/refunds/${outRefundNo}`,
        sim.merchant,
        undefined,
        { wechatpaySerial: sim.merchant.wechatpayPublicKey.id },
      );
    sim.faults.push({ kind: 'foreign-answer', answerFor: { outRefundNo: b.outRefundNo } });
    const other = await query(a.outRefundNo);
    expect(other.json).toMatchObject({ out_refund_no: b.outRefundNo, out_trade_no: b.outTradeNo });
    expect(v3Verifies(other)).toBe(true);
    sim.faults.push({ kind: 'foreign-answer', answerFor: { outTradeNo: b.outTradeNo } });
    const moved = await query(a.outRefundNo);
    expect(moved.json).toMatchObject({
      out_refund_no: a.outRefundNo,
      out_trade_no: b.outTradeNo,
      transaction_id: b.transactionId,
    });
    sim.faults.push({ kind: 'foreign-answer', answerFor: { mchId: '1900009999' } });
    const merchant = await v3Request(
      sim.url,
      'GET',
      `/v3/pay/transactions/id/${a.transactionId}?mchid=${sim.merchant.mchId}`,
      sim.merchant,
      undefined,
      { wechatpaySerial: sim.merchant.wechatpayPublicKey.id },
    );
    expect(merchant.json).toMatchObject({ mchid: '1900009999', out_trade_no: a.outTradeNo });
    expect(v3Verifies(merchant)).toBe(true);
  });

  it('v2: orderquery and refundquery answer about another order and refund, signed', async () => {
    const [a, b] = await Promise.all([paidWithRefund(300), paidWithRefund(700)]);
    sim.faults.push({
      kind: 'foreign-answer',
      path: '/pay/orderquery',
      answerFor: { outTradeNo: b.outTradeNo, mchId: '1900009999' },
    });
    const order = await v2Request(sim.url, '/pay/orderquery', sim.merchant, {
      out_trade_no: a.outTradeNo,
    });
    expect(order.fields).toMatchObject({
      out_trade_no: b.outTradeNo,
      transaction_id: b.transactionId,
      total_fee: '700',
      mch_id: '1900009999',
      appid: sim.merchant.appId,
    });
    expect(v2Verifies(order.fields)).toBe(true);
    sim.faults.push({
      kind: 'foreign-answer',
      path: '/pay/refundquery',
      answerFor: { outRefundNo: b.outRefundNo },
    });
    const refund = await v2Request(sim.url, '/pay/refundquery', sim.merchant, {
      out_refund_no: a.outRefundNo,
    });
    expect(refund.fields).toMatchObject({
      refund_count: '1',
      out_refund_no_0: b.outRefundNo,
      out_trade_no: b.outTradeNo,
    });
    expect(v2Verifies(refund.fields)).toBe(true);
  });

  it('error answers are left alone', async () => {
    const { outTradeNo } = await paidWithRefund(300);
    sim.faults.push({ kind: 'foreign-answer', answerFor: { outTradeNo } });
    const missing = await v2Request(sim.url, '/pay/orderquery', sim.merchant, {
      out_trade_no: 'NEVER_CREATED_FA',
    });
    expect(missing.fields).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
    expect(missing.fields.out_trade_no).toBeUndefined();
  });
});
