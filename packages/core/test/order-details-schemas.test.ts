import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { subMerchantSchema } from '../src/order-details-schemas.js';
import { createOrderParamsSchema, parseInput, refundParamsSchema } from '../src/schemas.js';

const order = {
  kind: 'native' as const,
  outTradeNo: 'ORDER000001',
  description: 'goods',
  amount: { total: 100 },
};
const refund = {
  order: { outTradeNo: 'ORDER000001' },
  outRefundNo: 'R1',
  amount: { refund: 100, total: 100 },
};

function issuePaths(schema: Parameters<typeof parseInput>[0], value: unknown): string[] {
  try {
    parseInput(schema, value, 'input');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => i.path);
  }
  return [];
}

describe('order detail fields', () => {
  it('accepts goods detail, profit sharing, e-invoice, store, limit_pay and wire fields', () => {
    const detailed = {
      ...order,
      goodsDetail: {
        costPrice: 608800,
        invoiceId: 'INV1',
        goods: [{ merchantGoodsId: 'G1', quantity: 2, unitPrice: 300 }],
      },
      profitSharing: true,
      supportFapiao: false,
      store: { id: '0001', areaCode: '440305' },
      limitPay: 'no_credit',
      wire: { time_start: '20240101000000', nested: { a: [1, null, true] } },
    };
    const parsed = parseInput(createOrderParamsSchema, detailed, 'createOrder params');
    expect(parsed.goodsDetail?.goods?.[0]?.quantity).toBe(2);
    expect(parsed.wire).toEqual({ time_start: '20240101000000', nested: { a: [1, null, true] } });
  });

  it('names each bad field', () => {
    expect(
      issuePaths(createOrderParamsSchema, {
        ...order,
        goodsDetail: { goods: [{ merchantGoodsId: '', quantity: 0, unitPrice: 1.5 }] },
        store: { name: 'no id' },
        limitPay: 'no_debit',
        wire: { NotSnake: 1 },
      }),
    ).toEqual(
      expect.arrayContaining([
        'goodsDetail.goods.0.merchantGoodsId',
        'goodsDetail.goods.0.quantity',
        'goodsDetail.goods.0.unitPrice',
        'store.id',
        'limitPay',
        'wire.NotSnake',
      ]),
    );
  });

  it('a JSAPI payer is an openid or a subOpenid, not both', () => {
    const jsapi = { ...order, kind: 'jsapi' as const };
    expect(issuePaths(createOrderParamsSchema, { ...jsapi, payer: { subOpenid: 'o1' } })).toEqual(
      [],
    );
    expect(
      issuePaths(createOrderParamsSchema, { ...jsapi, payer: { openid: 'o1', subOpenid: 'o2' } }),
    ).toContain('payer.openid');
  });
});

describe('refund detail fields', () => {
  it('accepts a funds account, funding sources adding up to the refund, and goods', () => {
    const parsed = parseInput(
      refundParamsSchema,
      {
        ...refund,
        amount: {
          refund: 100,
          total: 100,
          from: [
            { account: 'AVAILABLE', amount: 60 },
            { account: 'UNAVAILABLE', amount: 40 },
          ],
        },
        fundsAccount: 'AVAILABLE',
        goodsDetail: [
          { merchantGoodsId: 'G1', unitPrice: 100, refundAmount: 100, refundQuantity: 1 },
        ],
      },
      'refund params',
    );
    expect(parsed.amount.from).toHaveLength(2);
  });

  it('refuses funding sources that do not add up to the refund', () => {
    expect(
      issuePaths(refundParamsSchema, {
        ...refund,
        amount: { refund: 100, total: 100, from: [{ account: 'AVAILABLE', amount: 60 }] },
      }),
    ).toEqual(['amount.from']);
  });
});

describe('sub-merchant', () => {
  it('needs a digit merchant id; the appid is optional', () => {
    expect(parseInput(subMerchantSchema, { subMchId: '1900000109' }, 'sub')).toEqual({
      subMchId: '1900000109',
    });
    expect(issuePaths(subMerchantSchema, { subMchId: 'abc' })).toEqual(['subMchId']);
    expect(issuePaths(subMerchantSchema, { subMchId: '1', mchId: '2' })).toContain('');
  });
});
