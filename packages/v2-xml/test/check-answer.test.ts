import { AnswerMismatchError, ResponseValidationError, type WxPayError } from '@wxpay/core';
import { thrownBy } from '@wxpay/simulator/testing';
import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../src/check-answer.js';

const merchant = { appId: 'wx2421b1c4370ec43b', mchId: '10000100' };

// A paid orderquery reply, as the v2 API sends it (after verification).
const paid = {
  return_code: 'SUCCESS',
  result_code: 'SUCCESS',
  appid: merchant.appId,
  mch_id: merchant.mchId,
  out_trade_no: 'ORDER-A-0001',
  transaction_id: '4200000215201811190261405420',
  trade_state: 'SUCCESS',
  total_fee: '100',
  cash_fee: '90',
  fee_type: 'CNY',
  cash_fee_type: 'CNY',
  coupon_fee: '10',
  coupon_count: '1',
  coupon_fee_0: '10',
};

// A refundquery reply holding two refunds of one order.
const refunds = {
  return_code: 'SUCCESS',
  appid: merchant.appId,
  mch_id: merchant.mchId,
  out_trade_no: 'ORDER-A-0001',
  transaction_id: '4200000215201811190261405420',
  total_fee: '100',
  refund_count: '2',
  out_refund_no_0: 'REFUND-1',
  refund_id_0: '50000000382019052709732678859',
  refund_fee_0: '10',
  out_refund_no_1: 'REFUND-2',
  refund_id_1: '50000000382019052709732678860',
  refund_fee_1: '20',
};

const mismatch = (run: () => void) => thrownBy(AnswerMismatchError, run);

describe('v2 checkAnswer: binding', () => {
  it('accepts a reply about the merchant and the order asked for, by either reference', () => {
    expect(() => checkAnswer(paid, { ...merchant, outTradeNo: 'ORDER-A-0001' })).not.toThrow();
    expect(() =>
      checkAnswer(paid, { ...merchant, transactionId: '4200000215201811190261405420' }),
    ).not.toThrow();
    expect(() =>
      checkAnswer(paid, {
        ...merchant,
        outTradeNo: 'ORDER-A-0001',
        transactionId: '4200000215201811190261405420',
      }),
    ).not.toThrow();
  });

  it('refuses a reply about another order, naming the field; not retryable', () => {
    const byNo = mismatch(() => checkAnswer(paid, { ...merchant, outTradeNo: 'ORDER-B-0002' }));
    expect(byNo.field).toBe('out_trade_no');
    expect(byNo.retryable).toBe(false);
    expect(byNo).toBeInstanceOf(ResponseValidationError);
    expect(byNo.message).toContain('ORDER-A-0001');
    expect(byNo.raw).toBe(paid);
    expect(byNo.toJSON()).toMatchObject({ name: 'AnswerMismatchError', field: 'out_trade_no' });
    const byId = mismatch(() =>
      checkAnswer(paid, { ...merchant, transactionId: '4200000215201811190261405421' }),
    );
    expect(byId.field).toBe('transaction_id');
    // Both known: the one the request did not use is bound too.
    const other = mismatch(() =>
      checkAnswer(paid, {
        ...merchant,
        outTradeNo: 'ORDER-A-0001',
        transactionId: '4200000215201811190261405421',
      }),
    );
    expect(other.field).toBe('transaction_id');
  });

  it('refuses a reply that does not name the order at all', () => {
    const { out_trade_no: _dropped, ...anonymous } = paid;
    const unpaid = { ...paid, transaction_id: undefined };
    const unnamed = [
      [anonymous, { ...merchant, outTradeNo: 'ORDER-A-0001' }, 'out_trade_no'],
      [unpaid, { ...merchant, transactionId: '4200000215201811190261405420' }, 'transaction_id'],
    ] as const;
    for (const [answer, asked, field] of unnamed) {
      expect(mismatch(() => checkAnswer(answer, asked)).field).toBe(field);
    }
  });

  it('refuses another merchant or appid; absent or empty merchant fields are not compared', () => {
    expect(mismatch(() => checkAnswer({ ...paid, mch_id: '10000101' }, merchant)).field).toBe(
      'mch_id',
    );
    expect(
      mismatch(() => checkAnswer({ ...paid, appid: 'wx0000000000000000' }, merchant)).field,
    ).toBe('appid');
    const { appid: _a, mch_id: _m, ...bare } = paid;
    expect(() => checkAnswer(bare, merchant)).not.toThrow();
    expect(() => checkAnswer({ ...paid, appid: '' }, merchant)).not.toThrow();
  });

  it('binds the sub-merchant exactly when the request named one', () => {
    const sub = { ...paid, sub_mch_id: '1900000109' };
    expect(() => checkAnswer(sub, { ...merchant, subMchId: '1900000109' })).not.toThrow();
    expect(mismatch(() => checkAnswer(sub, { ...merchant, subMchId: '1900000110' })).field).toBe(
      'sub_mch_id',
    );
    // Asked for a sub-merchant, answered without one — and the other way round.
    expect(mismatch(() => checkAnswer(paid, { ...merchant, subMchId: '1900000109' })).field).toBe(
      'sub_mch_id',
    );
    expect(mismatch(() => checkAnswer(sub, merchant)).field).toBe('sub_mch_id');
    expect(() => checkAnswer({ ...paid, sub_mch_id: '' }, merchant)).not.toThrow();
  });

  it('binds the refund: a flat refund reply and one of the refundquery groups', () => {
    const reply = { ...paid, out_refund_no: 'REFUND-1', refund_id: '5000' };
    const flat = { ...merchant, outTradeNo: 'ORDER-A-0001' };
    const accepted = [
      [reply, { ...flat, outRefundNo: 'REFUND-1' }],
      [refunds, { ...merchant, outRefundNo: 'REFUND-2' }],
      [refunds, { ...merchant, refundId: '50000000382019052709732678860' }],
    ] as const;
    for (const [answer, asked] of accepted) {
      expect(() => checkAnswer(answer, asked)).not.toThrow();
    }
    const refused = [
      [reply, { ...flat, outRefundNo: 'REFUND-9' }, 'out_refund_no'],
      [refunds, { ...merchant, outRefundNo: 'REFUND-3' }, 'out_refund_no'],
      [refunds, { ...merchant, refundId: '5' }, 'refund_id'],
      [refunds, { ...merchant, outTradeNo: 'ORDER-B-0002' }, 'out_trade_no'],
    ] as const;
    for (const [answer, asked, field] of refused) {
      expect(mismatch(() => checkAnswer(answer, asked)).field, JSON.stringify(asked)).toBe(field);
    }
  });
});

describe('v2 checkAnswer: ranges', () => {
  const invalid = (fields: Record<string, string>, path: string) => {
    let caught: unknown;
    try {
      checkAnswer({ ...paid, ...fields }, merchant);
    } catch (error) {
      caught = error;
    }
    expect(ResponseValidationError.isInstance(caught), `${path}: ${String(caught)}`).toBe(true);
    expect(AnswerMismatchError.isInstance(caught)).toBe(false);
    expect((caught as ResponseValidationError).issues[0]?.path).toBe(path);
    expect((caught as WxPayError).retryable).toBe(false);
  };

  it('refuses negative, fractional or non-numeric amounts and counts', () => {
    invalid({ total_fee: '-100' }, 'total_fee');
    invalid({ cash_fee: '1.5' }, 'cash_fee');
    invalid({ coupon_fee_0: '1e3' }, 'coupon_fee_0');
    invalid({ refund_fee_3: ' 1' }, 'refund_fee_3');
    invalid({ coupon_refund_fee_0_1: '-1' }, 'coupon_refund_fee_0_1');
    invalid({ refund_count: 'x' }, 'refund_count');
    invalid({ settlement_total_fee: '1234567890123456' }, 'settlement_total_fee');
  });

  it('refuses malformed currencies', () => {
    invalid({ fee_type: 'cny' }, 'fee_type');
    invalid({ cash_fee_type: 'RMB1' }, 'cash_fee_type');
    invalid({ refund_fee_type: 'C' }, 'refund_fee_type');
  });

  it('accepts zero, large fen amounts, empty fields and other currencies', () => {
    expect(() =>
      checkAnswer(
        { ...paid, total_fee: '0', cash_fee: '999999999999999', fee_type: 'USD', coupon_fee: '' },
        merchant,
      ),
    ).not.toThrow();
  });
});
