import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseV2, v2Request, v2Sign } from '../../src/contract/raw-client.js';
import { billDate } from '../../src/time-format.js';
import { useSimulator } from '../support/use-simulator.js';

const env = useSimulator({ prefix: 'V2T' });
const { no, v2: call } = env;
const creds = () => env.sim.merchant;

const order = (outTradeNo: string, extra: Record<string, string> = {}) => ({
  body: '腾讯充值中心-QQ会员充值',
  out_trade_no: outTradeNo,
  total_fee: '888',
  spbill_create_ip: '123.12.12.123',
  notify_url: 'http://127.0.0.1:9/notify',
  trade_type: 'JSAPI',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  ...extra,
});

function expectSignedBy(fields: Record<string, string>, type: 'MD5' | 'HMAC-SHA256') {
  expect(fields.sign).toBe(v2Sign(fields, creds().apiKey, type));
}

describe('v2 authentication', () => {
  it('rejects a request signed with the wrong key: return_code FAIL 签名错误, unsigned', async () => {
    const res = await v2Request(
      env.sim.url,
      '/pay/unifiedorder',
      { ...creds(), apiKey: 'x'.repeat(32) },
      order(no()),
    );
    expect(res.status).toBe(200);
    expect(res.fields.return_code).toBe('FAIL');
    expect(res.fields.return_msg).toBe('签名错误');
    expect(res.fields.sign).toBeUndefined();
  });

  it('rejects an HMAC-SHA256 signature presented as MD5 and accepts it when sign_type says so', async () => {
    const fields = {
      appid: creds().appId,
      mch_id: creds().mchId,
      nonce_str: 'abc',
      out_trade_no: 'nope000001',
    };
    const sign = v2Sign(fields, creds().apiKey, 'HMAC-SHA256');
    const body = (extra: string) =>
      `<xml>${Object.entries(fields)
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join('')}${extra}<sign>${sign}</sign></xml>`;
    const post = (b: string) =>
      fetch(`${env.sim.url}/pay/orderquery`, { method: 'POST', body: b }).then((r) => r.text());
    expect(parseV2(await post(body(''))).return_msg).toBe('签名错误');
    // sign_type is signed too, so it must be part of the signed fields.
    const withType = { ...fields, sign_type: 'HMAC-SHA256' };
    const sign2 = v2Sign(withType, creds().apiKey, 'HMAC-SHA256');
    const ok = parseV2(
      await post(
        `<xml>${Object.entries(withType)
          .map(([k, v]) => `<${k}>${v}</${k}>`)
          .join('')}<sign>${sign2}</sign></xml>`,
      ),
    );
    expect(ok.return_code).toBe('SUCCESS');
    expect(ok.err_code).toBe('ORDERNOTEXIST');
    expectSignedBy(ok, 'HMAC-SHA256');
  });

  it('answers XML format errors and unknown merchants without a signature', async () => {
    const bad = await fetch(`${env.sim.url}/pay/orderquery`, {
      method: 'POST',
      body: '<nope/>',
    }).then((r) => r.text());
    expect(parseV2(bad)).toMatchObject({ return_code: 'FAIL', return_msg: 'XML格式错误' });
    const res = await v2Request(
      env.sim.url,
      '/pay/orderquery',
      { ...creds(), mchId: '1234567890' },
      { out_trade_no: 'x12345' },
    );
    expect(res.fields.return_code).toBe('FAIL');
  });
});

describe('v2 orders', () => {
  it('creates, repeats with the same prepay id, refuses different params, queries and pays', async () => {
    const id = no();
    const first = await call('/pay/unifiedorder', order(id), 'HMAC-SHA256');
    expect(first.fields).toMatchObject({
      return_code: 'SUCCESS',
      result_code: 'SUCCESS',
      trade_type: 'JSAPI',
    });
    expect(first.fields.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    expectSignedBy(first.fields, 'HMAC-SHA256');

    const again = await call('/pay/unifiedorder', order(id));
    expect(again.fields.prepay_id).toBe(first.fields.prepay_id);
    expectSignedBy(again.fields, 'MD5');

    const changed = await call('/pay/unifiedorder', order(id, { total_fee: '889' }));
    expect(changed.fields).toMatchObject({ result_code: 'FAIL', err_code: 'OUT_TRADE_NO_USED' });

    const unpaid = await call('/pay/orderquery', { out_trade_no: id });
    expect(unpaid.fields).toMatchObject({ trade_state: 'NOTPAY', out_trade_no: id });
    expect(unpaid.fields.transaction_id).toBeUndefined();

    env.sim.pay(id, {
      coupons: [
        { type: 'CASH', amount: 100, id: 'C1' },
        { type: 'NOCASH', amount: 50, id: 'C2' },
      ],
      silent: true,
    });
    const paid = await call('/pay/orderquery', { out_trade_no: id });
    expectSignedBy(paid.fields, 'MD5');
    expect(paid.fields).toMatchObject({
      trade_state: 'SUCCESS',
      total_fee: '888',
      cash_fee: '738',
      coupon_fee: '150',
      coupon_count: '2',
      coupon_type_0: 'CASH',
      coupon_id_0: 'C1',
      coupon_fee_0: '100',
      coupon_type_1: 'NO_CASH',
      coupon_fee_1: '50',
      settlement_total_fee: '838',
      trade_type: 'JSAPI',
      openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      fee_type: 'CNY',
      is_subscribe: 'N',
    });
    expect(paid.fields.transaction_id).toMatch(/^42\d{26}$/);
    expect(paid.fields.time_end).toMatch(/^\d{14}$/);

    const byTx = await call('/pay/orderquery', {
      transaction_id: paid.fields.transaction_id ?? '',
    });
    expect(byTx.fields.out_trade_no).toBe(id);

    const repay = await call('/pay/unifiedorder', order(id));
    expect(repay.fields.err_code).toBe('ORDERPAID');
    const close = await call('/pay/closeorder', { out_trade_no: id });
    expect(close.fields.err_code).toBe('ORDERPAID');
  });

  it('a paid order is queried with every field of the documented answer', async () => {
    const id = no();
    await call('/pay/unifiedorder', order(id, { device_info: 'WEB', attach: '订单额外描述' }));
    env.sim.pay(id, { silent: true, bankType: 'CCB_DEBIT' });
    const q = await call('/pay/orderquery', { out_trade_no: id });
    // The field list of the official sample answer (seed document 003).
    const documented = [
      'return_code',
      'return_msg',
      'appid',
      'mch_id',
      'device_info',
      'nonce_str',
      'sign',
      'result_code',
      'openid',
      'is_subscribe',
      'trade_type',
      'bank_type',
      'total_fee',
      'fee_type',
      'transaction_id',
      'out_trade_no',
      'attach',
      'time_end',
      'trade_state',
      'trade_state_desc',
      'cash_fee',
      'cash_fee_type',
    ];
    expect(Object.keys(q.fields).sort()).toEqual(expect.arrayContaining(documented.sort()));
    expect(q.fields).toMatchObject({
      device_info: 'WEB',
      attach: '订单额外描述',
      bank_type: 'CCB_DEBIT',
    });
  });

  it('enforces the conditional fields of unifiedorder', async () => {
    // 43 CJK characters are 129 UTF-8 bytes: over the limit, although only 43 characters.
    const longBody = await call('/pay/unifiedorder', order(no(), { body: '长'.repeat(43) }));
    expect(longBody.fields).toMatchObject({ return_code: 'FAIL', return_msg: 'body参数长度有误' });
    const noOpenid = await call('/pay/unifiedorder', order(no(), { openid: '' }));
    expect(noOpenid.fields).toMatchObject({
      return_code: 'FAIL',
      return_msg: 'JSAPI支付必须传openid',
    });
    const native = await call(
      '/pay/unifiedorder',
      order(no(), { trade_type: 'NATIVE', product_id: 'P1' }),
    );
    expect(native.fields.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const h5 = await call(
      '/pay/unifiedorder',
      order(no(), {
        trade_type: 'MWEB',
        scene_info: '{"h5_info":{"type":"Wap","wap_url":"https://a.b","wap_name":"x"}}',
      }),
    );
    expect(h5.fields.mweb_url).toMatch(/^https:\/\//);
  });

  it('reports ORDERNOTEXIST, closes, then ORDERCLOSED', async () => {
    expect((await call('/pay/orderquery', { out_trade_no: 'missing0001' })).fields.err_code).toBe(
      'ORDERNOTEXIST',
    );
    const id = no();
    await call('/pay/unifiedorder', order(id));
    const closed = await call('/pay/closeorder', { out_trade_no: id });
    expect(closed.fields).toMatchObject({ result_code: 'SUCCESS' });
    expect(env.sim.getOrder(id)?.state).toBe('CLOSED');
    expect((await call('/pay/closeorder', { out_trade_no: id })).fields.err_code).toBe(
      'ORDERCLOSED',
    );
    expect((await call('/pay/unifiedorder', order(id))).fields.err_code).toBe('ORDERCLOSED');
  });

  it('refunds idempotently, refuses over-refunds with INVALID_REQUEST, lists refunds', async () => {
    const id = no();
    await call('/pay/unifiedorder', order(id));
    expect(
      (
        await call('/secapi/pay/refund', {
          out_trade_no: id,
          out_refund_no: `${id}R0`,
          total_fee: '888',
          refund_fee: '1',
        })
      ).fields.err_code,
    ).toBe('ERROR');
    env.sim.pay(id, { silent: true });
    const r1 = await call('/secapi/pay/refund', {
      out_trade_no: id,
      out_refund_no: `${id}R1`,
      total_fee: '888',
      refund_fee: '800',
    });
    expect(r1.fields).toMatchObject({
      result_code: 'SUCCESS',
      refund_fee: '800',
      out_refund_no: `${id}R1`,
    });
    const r1again = await call('/secapi/pay/refund', {
      out_trade_no: id,
      out_refund_no: `${id}R1`,
      total_fee: '888',
      refund_fee: '800',
    });
    expect(r1again.fields.refund_id).toBe(r1.fields.refund_id);
    const over = await call('/secapi/pay/refund', {
      out_trade_no: id,
      out_refund_no: `${id}R2`,
      total_fee: '888',
      refund_fee: '100',
    });
    expect(over.fields.err_code).toBe('INVALID_REQUEST');
    expect(env.sim.getOrder(id)?.state).toBe('REFUND');

    const q = await call('/pay/refundquery', { out_refund_no: `${id}R1` });
    expect(q.fields).toMatchObject({
      refund_count: '1',
      refund_status_0: 'PROCESSING',
      refund_fee_0: '800',
    });
    env.sim.completeRefund(`${id}R1`);
    const done = await call('/pay/refundquery', { out_trade_no: id });
    expect(done.fields.refund_status_0).toBe('SUCCESS');
    expect(done.fields.refund_success_time_0).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect((await call('/pay/refundquery', { out_refund_no: 'nothing' })).fields.err_code).toBe(
      'REFUNDNOTEXIST',
    );
  });

  it('micropay: success, USERPAYING then pay, reverse', async () => {
    // A 10-fen charge of the payment code `authCode` (a valid one by default).
    const micropay = (outTradeNo: string, authCode = '134567890123456789') => {
      const charge = { body: 'shop', total_fee: '10', spbill_create_ip: '1.2.3.4' };
      return call('/pay/micropay', { ...charge, auth_code: authCode, out_trade_no: outTradeNo });
    };
    const ok = await micropay(no());
    expect(ok.fields).toMatchObject({ result_code: 'SUCCESS', trade_type: 'MICROPAY' });
    expect(ok.fields.total_fee).toBe('10');
    const b = no();
    env.sim.queueMicropayOutcome('USERPAYING');
    const paying = await micropay(b);
    expect(paying.fields.err_code).toBe('USERPAYING');
    expect((await call('/pay/orderquery', { out_trade_no: b })).fields.trade_state).toBe(
      'USERPAYING',
    );
    const rev = await call('/secapi/pay/reverse', { out_trade_no: b });
    expect(rev.fields).toMatchObject({ result_code: 'SUCCESS', recall: 'N' });
    expect(env.sim.getOrder(b)?.state).toBe('REVOKED');
    const badCode = await micropay(no(), '99');
    expect(badCode.fields.err_code).toBe('AUTH_CODE_INVALID');
  });

  it('serves bills as CSV, gzip on request, and "No Bill Exist" for empty days', async () => {
    const id = no();
    await call('/pay/unifiedorder', order(id));
    env.sim.pay(id, { silent: true });
    const date = billDate(env.sim.now()).compact;
    const csv = await call('/pay/downloadbill', { bill_date: date, bill_type: 'ALL' });
    expect(csv.text.split('\r\n')[0]).toMatch(/^交易时间,公众账号ID,商户号/);
    expect(csv.text).toContain(`\`${id}`);
    expect(csv.text).toContain('总交易单数');
    const gz = await call('/pay/downloadbill', {
      bill_date: date,
      bill_type: 'SUCCESS',
      tar_type: 'GZIP',
    });
    expect(gunzipSync(gz.body).toString('utf8')).toContain(`\`${id}`);
    const none = await call('/pay/downloadbill', { bill_date: '20000101', bill_type: 'ALL' });
    expect(none.fields).toMatchObject({
      return_code: 'FAIL',
      return_msg: 'No Bill Exist',
      error_code: '20002',
    });
  });
});
