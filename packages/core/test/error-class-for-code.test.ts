import { describe, expect, it } from 'vitest';
import { errorClassForCode } from '../src/error-class-for-code.js';
import * as errors from '../src/errors.js';

describe('errorClassForCode', () => {
  it('maps both spellings of each code to the same class (docs/protocol/errors.md)', () => {
    const table = [
      [['ORDERNOTEXIST', 'ORDER_NOT_EXIST'], errors.OrderNotFoundError],
      [['REFUNDNOTEXIST', 'REFUND_NOT_EXIST'], errors.RefundNotFoundError],
      [['ORDERPAID', 'ORDER_PAID'], errors.OrderPaidError],
      [['ORDERCLOSED', 'ORDER_CLOSED'], errors.OrderClosedError],
      [['OUT_TRADE_NO_USED'], errors.DuplicateOrderError],
      [
        ['FREQUENCY_LIMITED', 'RATELIMIT_EXCEEDED', 'RATE_LIMITED', 'INVALID_REQ_TOO_MUCH'],
        errors.RateLimitedError,
      ],
      [
        [
          'SYSTEMERROR',
          'SYSTEM_ERROR',
          'BANKERROR',
          'BANK_ERROR',
          'BIZERR_NEED_RETRY',
          'SERVICE_UNAVAILABLE',
        ],
        errors.SystemError,
      ],
      [['SIGNERROR', 'SIGN_ERROR', 'NOAUTH', 'NO_AUTH'], errors.AuthenticationError],
      [['USERPAYING'], errors.UserPayingError],
      [
        ['PARAM_ERROR', 'NOTENOUGH', 'INVALID_REQUEST', 'SOMETHING_NEW'],
        errors.InvalidRequestError,
      ],
    ] as const;
    for (const [codes, cls] of table)
      for (const code of codes) expect(errorClassForCode(code)).toBe(cls);
  });

  it('places RESOURCE_NOT_EXISTS by context', () => {
    expect(errorClassForCode('RESOURCE_NOT_EXISTS', 'order')).toBe(errors.OrderNotFoundError);
    expect(errorClassForCode('RESOURCE_NOT_EXISTS', 'refund')).toBe(errors.RefundNotFoundError);
    expect(errorClassForCode('RESOURCE_NOT_EXISTS')).toBe(errors.InvalidRequestError);
  });

  it('builds errors that keep the code and retryability', () => {
    const Cls = errorClassForCode('SYSTEM_ERROR');
    const error = new Cls('busy', { code: 'SYSTEM_ERROR', status: 500 });
    expect(error.retryable).toBe(true);
    expect(error.code).toBe('SYSTEM_ERROR');
  });
});

describe('errorClassForCode: live forms', () => {
  it('maps the live duplicate-order answer INVALID_REQUEST "201 商户订单号重复" to errors.DuplicateOrderError', () => {
    expect(errorClassForCode('INVALID_REQUEST', 'order', '201 商户订单号重复')).toBe(
      errors.DuplicateOrderError,
    );
    expect(errorClassForCode('INVALID_REQUEST', 'order', '商户订单号重复')).toBe(
      errors.DuplicateOrderError,
    );
    // The code decides as well as the text: other INVALID_REQUESTs stay errors.InvalidRequestError.
    expect(errorClassForCode('INVALID_REQUEST', 'order', '订单金额不一致')).toBe(
      errors.InvalidRequestError,
    );
    expect(errorClassForCode('INVALID_REQUEST', 'order', '2010 other')).toBe(
      errors.InvalidRequestError,
    );
    expect(errorClassForCode('PARAM_ERROR', 'order', '201 商户订单号重复')).toBe(
      errors.InvalidRequestError,
    );
  });

  it('treats v2 ORDER_NOT_READY as retryable (the order is still processing)', () => {
    const Class = errorClassForCode('ORDER_NOT_READY', 'order');
    expect(Class).toBe(errors.SystemError);
    expect(new Class('x', { code: 'ORDER_NOT_READY' }).retryable).toBe(true);
  });
});
