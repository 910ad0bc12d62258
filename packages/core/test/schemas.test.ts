import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import {
  createOrderParamsSchema,
  orderRefSchema,
  parseInput,
  refundParamsSchema,
} from '../src/schemas.js';

const order = {
  kind: 'jsapi',
  outTradeNo: 'ORDER_20261123_0001',
  description: 'Image形象店-深圳腾大-QQ公仔',
  amount: { total: 100 },
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
} as const;

describe('input schemas', () => {
  it('accepts a valid order of each kind', () => {
    expect(parseInput(createOrderParamsSchema, order, 'order')).toEqual(order);
    expect(
      parseInput(createOrderParamsSchema, { ...order, kind: 'miniprogram' }, 'order').kind,
    ).toBe('miniprogram');
    const { payer: _p, ...base } = order;
    expect(parseInput(createOrderParamsSchema, { ...base, kind: 'app' }, 'order').kind).toBe('app');
    expect(
      parseInput(createOrderParamsSchema, { ...base, kind: 'native', productId: 'P1' }, 'order')
        .kind,
    ).toBe('native');
    expect(
      parseInput(
        createOrderParamsSchema,
        { ...base, kind: 'h5', clientIp: '1.2.3.4', h5Info: { type: 'Wap' } },
        'order',
      ).kind,
    ).toBe('h5');
  });

  it('names every bad field in a ValidationError', () => {
    const bad = { ...order, outTradeNo: 'x', amount: { total: 1.5 }, payer: {} };
    try {
      parseInput(createOrderParamsSchema, bad, 'createOrder params');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['outTradeNo', 'amount.total', 'payer.openid']));
      expect((error as Error).message).toContain('createOrder params');
    }
  });

  it('rejects unknown fields, a jsapi order without payer and an h5 order without clientIp', () => {
    expect(() => parseInput(createOrderParamsSchema, { ...order, extra: 1 }, 'order')).toThrow(
      ValidationError,
    );
    const { payer: _p, ...noPayer } = order;
    expect(() => parseInput(createOrderParamsSchema, noPayer, 'order')).toThrow(ValidationError);
    expect(() =>
      parseInput(
        createOrderParamsSchema,
        { ...noPayer, kind: 'h5', h5Info: { type: 'Wap' } },
        'order',
      ),
    ).toThrow(ValidationError);
  });

  it('validates order references and refunds', () => {
    expect(
      parseInput(orderRefSchema, { transactionId: '4200000215201811190261405420' }, 'ref'),
    ).toBeTruthy();
    expect(() => parseInput(orderRefSchema, { transactionId: 'abc' }, 'ref')).toThrow(
      ValidationError,
    );
    expect(() => parseInput(orderRefSchema, {}, 'ref')).toThrow(ValidationError);
    const refund = {
      order: { outTradeNo: 'ORDER_0001' },
      outRefundNo: 'R@1',
      amount: { refund: 50, total: 100 },
    };
    expect(parseInput(refundParamsSchema, refund, 'refund')).toEqual(refund);
    expect(() =>
      parseInput(refundParamsSchema, { ...refund, amount: { refund: 101, total: 100 } }, 'refund'),
    ).toThrow(/refund must not exceed total/);
  });
});

describe('byte-counted limits', () => {
  it('counts description and attach in UTF-8 bytes, as WeChat Pay does', () => {
    const cjk42 = '微'.repeat(42); // 126 bytes
    expect(() =>
      parseInput(createOrderParamsSchema, { ...order, description: cjk42 }, 'order'),
    ).not.toThrow();
    expect(() =>
      parseInput(createOrderParamsSchema, { ...order, description: `${cjk42}ab` }, 'order'),
    ).toThrow(/127 UTF-8 bytes/);
    expect(() =>
      parseInput(createOrderParamsSchema, { ...order, attach: 'a'.repeat(128) }, 'order'),
    ).toThrow(ValidationError);
    expect(
      parseInput(createOrderParamsSchema, { ...order, attach: 'a'.repeat(127) }, 'order').attach,
    ).toHaveLength(127);
  });
});
