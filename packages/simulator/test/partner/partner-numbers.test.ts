import { describe, expect, it } from 'vitest';
import type { DashboardOverview } from '../../src/dashboard/build-overview.js';
import { billDate } from '../../src/time-format.js';
import { sendRaw } from '../support/send-raw.js';
import { useSimulator } from '../support/use-simulator.js';
import { createV3PartnerNativeOrder } from '../support/v3-order-requests.js';

// Order and refund numbers are per (sub-)merchant (docs/protocol/partner.md): two sub-merchants
// of the simulated provider use the same numbers over real HTTP with real signatures.

const session = useSimulator({ prefix: 'PN' });
const { no, v2, v3 } = session;

const subs = () => {
  const [a, b] = session.sim.subMerchants.list();
  if (!a || !b) throw new Error('the simulator binds two sub-merchants by default');
  return { a: a.subMchId, b: b.subMchId };
};
const control = (method: string, path: string, body?: unknown) =>
  sendRaw(
    `${session.sim.url}/__sim${path}`,
    method,
    body === undefined ? {} : { 'Content-Type': 'application/json' },
    body === undefined ? undefined : JSON.stringify(body),
  );

const v3Native = (outTradeNo: string, subMchId: string, total: number) =>
  createV3PartnerNativeOrder(session.sim, subMchId, { outTradeNo, total });
// A v2 NATIVE order for a sub-merchant, answered SUCCESS.
async function v2Native(outTradeNo: string, subMchId: string, total: number): Promise<void> {
  const order = { out_trade_no: outTradeNo, total_fee: String(total), sub_mch_id: subMchId };
  const answer = await v2('/pay/unifiedorder', {
    ...order,
    body: 'numbers per sub-merchant',
    spbill_create_ip: '123.12.12.123',
    notify_url: 'http://127.0.0.1:9/notify',
    trade_type: 'NATIVE',
    product_id: 'P1',
  });
  expect(answer.fields.result_code).toBe('SUCCESS');
}

/** Both sub-merchants create an order of one number through `create` (a's total first). */
async function createBoth(create: typeof v3Native, prefix: string, totals: [number, number]) {
  const { a, b } = subs();
  const outTradeNo = no(prefix);
  await create(outTradeNo, a, totals[0]);
  await create(outTradeNo, b, totals[1]);
  return { a, b, outTradeNo };
}

/** {@link createBoth}, then the payer pays both orders. */
async function payBoth(create: typeof v3Native, prefix: string, totals: [number, number]) {
  const { a, b, outTradeNo } = await createBoth(create, prefix, totals);
  const pay = (sub: string) => session.sim.pay(outTradeNo, { subMchId: sub, silent: true });
  return { a, b, outTradeNo, paidA: pay(a), paidB: pay(b) };
}

describe('v3: one out_trade_no and out_refund_no for two sub-merchants', () => {
  it('creates, queries, refunds and closes each order separately', async () => {
    const { a, b, outTradeNo } = await createBoth(v3Native, 'N3', [100, 200]);
    const query = (sub: string) =>
      v3(
        'GET',
        `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}?sp_mchid=${session.sim.merchant.mchId}&sub_mchid=${sub}`,
      );
    session.sim.pay(outTradeNo, { subMchId: a, silent: true });
    expect((await query(a)).json).toMatchObject({
      sub_mchid: a,
      trade_state: 'SUCCESS',
      amount: { total: 100 },
    });
    expect((await query(b)).json).toMatchObject({ sub_mchid: b, trade_state: 'NOTPAY' });
    // The provider's own (direct-mode) orders are a third set of numbers.
    const direct = await v3(
      'GET',
      `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${session.sim.merchant.mchId}`,
    );
    expect(direct.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });

    const outRefundNo = no('R3');
    const refund = { out_trade_no: outTradeNo, out_refund_no: outRefundNo };
    const amount = { refund: 40, total: 100, currency: 'CNY' };
    expect(
      (await v3('POST', '/v3/refund/domestic/refunds', { ...refund, sub_mchid: a, amount })).json,
    ).toMatchObject({ out_refund_no: outRefundNo, amount: { refund: 40 } });
    // b's order of that number is unpaid: refusing it shows the refund looked at b's own order.
    const refusedB = await v3('POST', '/v3/refund/domestic/refunds', {
      ...refund,
      sub_mchid: b,
      amount: { ...amount, total: 200 },
    });
    expect(refusedB.json).toMatchObject({ code: 'RESOURCE_NOT_EXISTS' });
    const refundOf = (sub: string) =>
      v3('GET', `/v3/refund/domestic/refunds/${outRefundNo}?sub_mchid=${sub}`);
    expect((await refundOf(a)).json).toMatchObject({ out_refund_no: outRefundNo });
    expect((await refundOf(b)).status).toBe(404);

    const close = await v3(
      'POST',
      `/v3/pay/partner/transactions/out-trade-no/${outTradeNo}/close`,
      { sp_mchid: session.sim.merchant.mchId, sub_mchid: b },
    );
    expect(close.status).toBe(204);
    expect(session.sim.getOrder(outTradeNo, { subMchId: b })?.state).toBe('CLOSED');
    expect(session.sim.getOrder(outTradeNo, { subMchId: a })?.state).toBe('REFUND');
  });

  it("answers a partner query by another sub-merchant's transaction_id with ORDER_NOT_EXIST", async () => {
    const { a, b, outTradeNo, paidA, paidB } = await payBoth(v3Native, 'T3', [100, 200]);
    const byId = (id: string | undefined, sub: string) =>
      v3(
        'GET',
        `/v3/pay/partner/transactions/id/${id}?sp_mchid=${session.sim.merchant.mchId}&sub_mchid=${sub}`,
      );
    expect((await byId(paidA.transactionId, a)).json).toMatchObject({
      out_trade_no: outTradeNo,
      sub_mchid: a,
      amount: { total: 100 },
    });
    expect((await byId(paidB.transactionId, b)).json).toMatchObject({
      out_trade_no: outTradeNo,
      sub_mchid: b,
      amount: { total: 200 },
    });
    const other = await byId(paidA.transactionId, b);
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });
});

describe('v2: one out_trade_no and out_refund_no for two sub-merchants', () => {
  it('keeps orders, refunds, transaction ids and bill rows apart', async () => {
    const { a, b, outTradeNo, paidA, paidB } = await payBoth(v2Native, 'N2', [100, 300]);
    const byId = (sub: string, id: string | undefined) =>
      v2('/pay/orderquery', { sub_mch_id: sub, transaction_id: id ?? '' });
    expect((await byId(a, paidA.transactionId)).fields).toMatchObject({
      sub_mch_id: a,
      total_fee: '100',
    });
    expect((await byId(b, paidA.transactionId)).fields).toMatchObject({
      result_code: 'FAIL',
      err_code: 'ORDERNOTEXIST',
    });

    const outRefundNo = no('R2');
    const refund = (sub: string, fen: string, total: string) =>
      v2('/secapi/pay/refund', {
        sub_mch_id: sub,
        out_trade_no: outTradeNo,
        out_refund_no: outRefundNo,
        total_fee: total,
        refund_fee: fen,
      });
    expect((await refund(a, '30', '100')).fields).toMatchObject({ result_code: 'SUCCESS' });
    expect((await refund(b, '70', '300')).fields).toMatchObject({ result_code: 'SUCCESS' });
    const refundOf = (sub: string) =>
      v2('/pay/refundquery', { sub_mch_id: sub, out_refund_no: outRefundNo });
    expect((await refundOf(a)).fields).toMatchObject({ sub_mch_id: a, refund_fee_0: '30' });
    expect((await refundOf(b)).fields).toMatchObject({ sub_mch_id: b, refund_fee_0: '70' });

    const bill = await v2('/pay/downloadbill', {
      bill_date: billDate(session.sim.now()).compact,
      bill_type: 'ALL',
    });
    const rows = bill.text.split('\r\n').filter((line) => line.includes(`\`${outTradeNo},`));
    // A payment and a refund row per sub-merchant; the 特约商户号 column (4th) names it.
    const subColumn = rows.map((line) => line.split(',')[3]).sort();
    expect(subColumn).toEqual([`\`${a}`, `\`${a}`, `\`${b}`, `\`${b}`].sort());
    expect(paidB.transactionId).not.toBe(paidA.transactionId);
  });
});

describe('controls for a number two sub-merchants used', () => {
  it('ask which sub-merchant when ambiguous, and act on the one named', async () => {
    const { a, b, outTradeNo } = await createBoth(v3Native, 'C3', [100, 200]);
    expect(() => session.sim.pay(outTradeNo)).toThrow(/several sub-merchants.*subMchId/);
    const ambiguous = await control('POST', '/pay', { outTradeNo });
    expect(ambiguous.status).toBe(400);
    const paid = await control('POST', '/pay', { outTradeNo, subMchId: b, silent: true });
    expect(paid.status).toBe(200);
    expect(JSON.parse(paid.text)).toMatchObject({ total: 200, state: 'SUCCESS' });
    const orderB = await control('GET', `/orders/${outTradeNo}?subMchId=${b}`);
    expect(JSON.parse(orderB.text)).toMatchObject({ state: 'SUCCESS', partner: { subMchId: b } });
    expect(session.sim.getOrder(outTradeNo, { subMchId: a })?.state).toBe('NOTPAY');
    // The merchant's own orders (null) hold no such number.
    expect(session.sim.getOrder(outTradeNo, { subMchId: null })).toBeUndefined();
  });

  it('show the sub-merchant of each order in the dashboard overview', async () => {
    const { a, b, outTradeNo } = await createBoth(v3Native, 'D3', [100, 200]);
    const view = JSON.parse((await control('GET', '/overview')).text) as DashboardOverview;
    const shown = view.orders
      .filter((o) => o.outTradeNo === outTradeNo)
      .map((o) => [o.subMchId, o.total]);
    expect(shown.sort()).toEqual(
      [
        [a, 100],
        [b, 200],
      ].sort(),
    );
  });
});
