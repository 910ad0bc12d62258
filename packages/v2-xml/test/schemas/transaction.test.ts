import { compareWithSchema } from '@wxpay/simulator/testing';
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

/** The reply, and each reply that lacks one field of it or has one of VALUES in that field. */
function variantsOf(reply: Record<string, string>): Record<string, string>[] {
  const corpus = [reply];
  for (const name of Object.keys(reply)) {
    const { [name]: _dropped, ...without } = reply;
    corpus.push(without);
    for (const v of VALUES) corpus.push({ ...reply, [name]: v });
  }
  return corpus;
}

describe('isOrderQueryReply', () => {
  it('never accepts a reply the schema refuses, and accepts the usual one', () => {
    const corpus = variantsOf(REPLY);
    const judged = compareWithSchema(corpus, isOrderQueryReply, orderQueryResponseSchema);
    expect(judged.acceptedButInvalid).toEqual([]);
    // The check is exact for string-valued messages: what it refuses, zod refuses too.
    expect(judged.refusedButValid).toEqual([]);
    expect(isOrderQueryReply(REPLY)).toBe(true);
    expect(judged.accepted).toBeGreaterThan(50);
    expect(judged.refusedByBoth).toBeGreaterThan(20);
  });
});
