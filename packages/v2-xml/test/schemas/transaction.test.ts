import { describe, expect, it } from 'vitest';
import { isOrderQueryReply, orderQueryResponseSchema } from '../../src/schemas/transaction.js';

const REPLY: Record<string, string> = {
  return_code: 'SUCCESS',
  appid: 'wx2421b1c4370ec43b',
  mch_id: '10000100',
  result_code: 'SUCCESS',
  trade_state: 'SUCCESS',
  out_trade_no: '1415757673',
  transaction_id: '1008450740201411110005820873',
  total_fee: '1',
  settlement_total_fee: '1',
  cash_fee: '1',
  coupon_fee: '0',
  coupon_count: '0',
  attach: '订单额外描述',
};

const VALUES = [
  '',
  '0',
  '1',
  '-1',
  '1.5',
  ' 1',
  '1e3',
  'abc',
  '1234567890123456',
  '123456789012345',
];

describe('isOrderQueryReply', () => {
  it('never accepts a reply the schema refuses, and accepts the usual one', () => {
    const corpus: Record<string, string>[] = [REPLY];
    for (const name of Object.keys(REPLY)) {
      const { [name]: _dropped, ...without } = REPLY;
      corpus.push(without);
      for (const v of VALUES) corpus.push({ ...REPLY, [name]: v });
    }
    let fast = 0;
    let refusedByBoth = 0;
    for (const raw of corpus) {
      const zodOk = orderQueryResponseSchema.safeParse(raw).success;
      if (isOrderQueryReply(raw)) {
        fast++;
        expect(zodOk, JSON.stringify(raw)).toBe(true);
      } else {
        // The check is exact for string-valued messages: what it refuses, zod refuses too.
        expect(zodOk, JSON.stringify(raw)).toBe(false);
        refusedByBoth++;
      }
    }
    expect(isOrderQueryReply(REPLY)).toBe(true);
    expect(fast).toBeGreaterThan(50);
    expect(refusedByBoth).toBeGreaterThan(20);
  });
});
