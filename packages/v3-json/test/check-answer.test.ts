import { AnswerMismatchError, ResponseValidationError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../src/check-answer.js';

const merchant = { mchId: '1230000109', appId: 'wxd678efh567hg6787' };

// A paid Transaction as the v3 query answers it (after verification).
const transaction = {
  appid: merchant.appId,
  mchid: merchant.mchId,
  out_trade_no: 'ORDER-A-0001',
  transaction_id: '4200000215201811190261405420',
  trade_state: 'SUCCESS',
  success_time: '2018-06-08T10:34:56+08:00',
  amount: { total: 100, payer_total: 90, currency: 'CNY', payer_currency: 'CNY' },
  promotion_detail: [
    {
      coupon_id: '109519',
      amount: 10,
      wechatpay_contribute: 0,
      merchant_contribute: 10,
      other_contribute: 0,
      currency: 'CNY',
    },
  ],
};

// A Refund as the v3 refund endpoints answer it.
const refund = {
  refund_id: '50000000382019052709732678859',
  out_refund_no: 'REFUND-1',
  transaction_id: '4200000215201811190261405420',
  out_trade_no: 'ORDER-A-0001',
  status: 'SUCCESS',
  create_time: '2018-06-08T10:34:56+08:00',
  success_time: '2018-06-08T10:35:56.123Z',
  amount: {
    total: 100,
    refund: 10,
    from: [{ account: 'AVAILABLE', amount: 10 }],
    payer_total: 90,
    payer_refund: 9,
    settlement_refund: 10,
    settlement_total: 100,
    discount_refund: 1,
    refund_fee: 0,
    currency: 'CNY',
  },
};

function mismatch(run: () => void): AnswerMismatchError {
  try {
    run();
  } catch (error) {
    expect(AnswerMismatchError.isInstance(error), String(error)).toBe(true);
    return error as AnswerMismatchError;
  }
  throw new Error('expected an AnswerMismatchError');
}

describe('v3 checkAnswer: binding', () => {
  it('accepts an answer about the merchant and the order asked for, by either reference', () => {
    expect(() =>
      checkAnswer(transaction, { ...merchant, outTradeNo: 'ORDER-A-0001' }),
    ).not.toThrow();
    expect(() =>
      checkAnswer(transaction, { ...merchant, transactionId: '4200000215201811190261405420' }),
    ).not.toThrow();
  });

  it('refuses an answer about another order, naming the field; not retryable', () => {
    const error = mismatch(() =>
      checkAnswer(transaction, { ...merchant, outTradeNo: 'ORDER-B-0002' }),
    );
    expect(error.field).toBe('out_trade_no');
    expect(error.retryable).toBe(false);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.issues).toEqual([{ path: 'out_trade_no', message: 'does not match the request' }]);
    expect(error.raw).toBe(transaction);
    expect(
      mismatch(() =>
        checkAnswer(transaction, {
          ...merchant,
          outTradeNo: 'ORDER-A-0001',
          transactionId: '4200000215201811190261405421',
        }),
      ).field,
    ).toBe('transaction_id');
    // An unpaid order has no transaction_id: it cannot be the paid one asked for by id.
    const { transaction_id: _dropped, ...unpaid } = transaction;
    expect(
      mismatch(() =>
        checkAnswer(unpaid, { ...merchant, transactionId: '4200000215201811190261405420' }),
      ).field,
    ).toBe('transaction_id');
  });

  it('refuses another merchant or appid, also in partner fields; absent ones are not compared', () => {
    expect(
      mismatch(() => checkAnswer({ ...transaction, mchid: '1230000110' }, merchant)).field,
    ).toBe('mchid');
    expect(
      mismatch(() => checkAnswer({ ...transaction, appid: 'wx0000000000000000' }, merchant)).field,
    ).toBe('appid');
    expect(
      mismatch(() => checkAnswer({ ...transaction, sp_mchid: '1230000110' }, merchant)).field,
    ).toBe('sp_mchid');
    const { mchid: _m, appid: _a, ...bare } = transaction;
    expect(() => checkAnswer(bare, merchant)).not.toThrow();
    // Without a configured appId only the merchant id is compared.
    expect(() =>
      checkAnswer({ ...transaction, appid: 'wx0000000000000000' }, { mchId: merchant.mchId }),
    ).not.toThrow();
  });

  it('binds the sub-merchant exactly when the request named one', () => {
    const sub = { ...transaction, sub_mchid: '1900000109' };
    expect(() => checkAnswer(sub, { ...merchant, subMchId: '1900000109' })).not.toThrow();
    expect(mismatch(() => checkAnswer(sub, { ...merchant, subMchId: '1900000110' })).field).toBe(
      'sub_mchid',
    );
    expect(
      mismatch(() => checkAnswer(transaction, { ...merchant, subMchId: '1900000109' })).field,
    ).toBe('sub_mchid');
    expect(mismatch(() => checkAnswer(sub, merchant)).field).toBe('sub_mchid');
  });

  it('binds the refund and its order', () => {
    const asked = { ...merchant, outRefundNo: 'REFUND-1', outTradeNo: 'ORDER-A-0001' };
    expect(() => checkAnswer(refund, asked)).not.toThrow();
    expect(mismatch(() => checkAnswer(refund, { ...asked, outRefundNo: 'REFUND-2' })).field).toBe(
      'out_refund_no',
    );
    expect(
      mismatch(() => checkAnswer(refund, { ...asked, outTradeNo: 'ORDER-B-0002' })).field,
    ).toBe('out_trade_no');
  });

  it('leaves anything but an object to the schema', () => {
    for (const value of [undefined, null, 'text', 42, [transaction]]) {
      expect(() => checkAnswer(value, { ...merchant, outTradeNo: 'ORDER-A-0001' })).not.toThrow();
    }
  });
});

describe('v3 checkAnswer: ranges', () => {
  const invalid = (value: unknown, path: string) => {
    let caught: unknown;
    try {
      checkAnswer(value, merchant);
    } catch (error) {
      caught = error;
    }
    expect(ResponseValidationError.isInstance(caught), `${path}: ${String(caught)}`).toBe(true);
    expect(AnswerMismatchError.isInstance(caught)).toBe(false);
    expect((caught as ResponseValidationError).issues[0]?.path).toBe(path);
  };
  const withAmount = (amount: Record<string, unknown>) => ({
    ...transaction,
    amount: { ...transaction.amount, ...amount },
  });

  it('refuses negative, fractional and unsafe amounts wherever they are', () => {
    invalid(withAmount({ total: -100 }), 'amount.total');
    invalid(withAmount({ payer_total: 0.5 }), 'amount.payer_total');
    invalid(withAmount({ total: 2 ** 53 }), 'amount.total');
    invalid(
      { ...transaction, promotion_detail: [{ coupon_id: '1', amount: -1 }] },
      'promotion_detail[0].amount',
    );
    invalid(
      { ...refund, amount: { ...refund.amount, from: [{ account: 'X', amount: -10 }] } },
      'amount.from[0].amount',
    );
    invalid({ ...refund, amount: { ...refund.amount, refund: -1 } }, 'amount.refund');
  });

  it('refuses malformed currencies and times', () => {
    invalid(withAmount({ currency: 'cny' }), 'amount.currency');
    invalid(withAmount({ payer_currency: 'RMB1' }), 'amount.payer_currency');
    invalid({ ...transaction, success_time: '2018-06-08 10:34:56' }, 'success_time');
    invalid({ ...refund, create_time: 'yesterday' }, 'create_time');
  });

  it('accepts zero amounts, empty currencies and well-formed answers', () => {
    expect(() => checkAnswer(withAmount({ total: 0, payer_currency: '' }), merchant)).not.toThrow();
    expect(() => checkAnswer(refund, merchant)).not.toThrow();
  });
});
