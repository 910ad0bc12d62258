import { type CreateOrderParams, type RefundParams, ValidationError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../simulator-types.js';
import type { ContractContext } from '../context.js';
import { parseV2 } from '../raw-client.js';

// One order and one refund carrying every optional field, with values from the docs' examples.
const goodsDetail = {
  costPrice: 608800,
  invoiceId: 'INV20240001',
  goods: [
    {
      merchantGoodsId: '1246464644',
      wechatpayGoodsId: '1001',
      goodsName: 'iPhoneX 256G',
      quantity: 1,
      unitPrice: 528800,
    },
  ],
};
const store = {
  id: '0001',
  name: '腾讯大厦分店',
  areaCode: '440305',
  address: '科技中一道10000号',
};
const refundGoods = [
  {
    merchantGoodsId: '1246464644',
    wechatpayGoodsId: '1001',
    goodsName: 'iPhoneX 256G',
    unitPrice: 100,
    refundAmount: 100,
    refundQuantity: 1,
  },
];

/** The request the simulator logged last whose body names `marker` (an out_trade_no / out_refund_no). */
function logged(requests: readonly RecordedRequest[], marker: string): RecordedRequest {
  const found = [...requests].reverse().find((r) => r.body.includes(marker));
  expect(found, `a request naming ${marker} reached the simulator`).toBeDefined();
  return found as RecordedRequest;
}
const v2Fields = (r: RecordedRequest) => parseV2(r.body);
const v3Body = (r: RecordedRequest) => JSON.parse(r.body) as Record<string, unknown>;

/**
 * The order and refund fields merchants send (goods detail, profit sharing, e-invoice, store,
 * limit_pay, refund funding and goods, the `wire` escape hatch) reach WeChat Pay under exactly
 * the wire names the docs use, asserted from the simulator's request log; a field the client's
 * protocol cannot carry is refused with a ValidationError naming it, before anything is sent.
 */
export function describeOrderFields(ctx: ContractContext): void {
  const { no, params, expectError } = ctx;
  describe('order and refund fields on the wire', () => {
    const richOrder = (outTradeNo: string): CreateOrderParams => ({
      ...params('native', outTradeNo),
      deviceId: '013467007045764',
      goodsDetail,
      profitSharing: true,
      supportFapiao: true,
      store,
      ...(ctx.client.protocol === 'v2' ? { limitPay: 'no_credit' as const } : {}),
      wire: { attach: 'from-wire' },
    });

    it('goods detail, profit sharing, e-invoice, store and the wire escape hatch', async () => {
      const outTradeNo = no();
      await ctx.client.createOrder(richOrder(outTradeNo));
      const request = logged(ctx.sim.requests, outTradeNo);
      if (ctx.client.protocol === 'v2') {
        const f = v2Fields(request);
        expect(JSON.parse(f.detail ?? '')).toEqual({
          cost_price: 608800,
          receipt_id: 'INV20240001',
          goods_detail: [
            {
              goods_id: '1246464644',
              wxpay_goods_id: '1001',
              goods_name: 'iPhoneX 256G',
              quantity: 1,
              price: 528800,
            },
          ],
        });
        expect(f.profit_sharing).toBe('Y');
        expect(f.receipt).toBe('Y');
        expect(f.limit_pay).toBe('no_credit');
        expect(f.device_info).toBe('013467007045764');
        expect(JSON.parse(f.scene_info ?? '')).toEqual({
          store_info: {
            id: '0001',
            name: '腾讯大厦分店',
            area_code: '440305',
            address: '科技中一道10000号',
          },
        });
        expect(f.attach, 'wire fields are merged last').toBe('from-wire');
      } else {
        const body = v3Body(request);
        expect(body.detail).toEqual({
          cost_price: 608800,
          invoice_id: 'INV20240001',
          goods_detail: [
            {
              merchant_goods_id: '1246464644',
              wechatpay_goods_id: '1001',
              goods_name: 'iPhoneX 256G',
              quantity: 1,
              unit_price: 528800,
            },
          ],
        });
        expect(body.settle_info).toEqual({ profit_sharing: true });
        expect(body.support_fapiao).toBe(true);
        expect(body.scene_info).toEqual({
          payer_client_ip: '127.0.0.1',
          device_id: '013467007045764',
          store_info: {
            id: '0001',
            name: '腾讯大厦分店',
            area_code: '440305',
            address: '科技中一道10000号',
          },
        });
        expect(body.attach, 'wire fields are merged last').toBe('from-wire');
      }
      expect(ctx.sim.getOrder(outTradeNo)?.attach).toBe('from-wire');
    });

    it('refund funding account, funding sources and goods detail', async () => {
      const { outTradeNo } = await ctx.create('native', 100);
      ctx.sim.pay(outTradeNo, { silent: true });
      const outRefundNo = `${outTradeNo}F`;
      const refund: RefundParams = {
        order: { outTradeNo },
        outRefundNo,
        amount: { refund: 100, total: 100 },
        fundsAccount: 'AVAILABLE',
        notifyUrl: ctx.receiver.url,
      };
      if (ctx.client.protocol === 'v2') {
        await ctx.client.refund(refund);
        expect(v2Fields(logged(ctx.sim.requests, outRefundNo)).refund_account).toBe(
          'REFUND_SOURCE_RECHARGE_FUNDS',
        );
        return;
      }
      await ctx.client.refund({
        ...refund,
        amount: { refund: 100, total: 100, from: [{ account: 'AVAILABLE', amount: 100 }] },
        goodsDetail: refundGoods,
      });
      const body = v3Body(logged(ctx.sim.requests, outRefundNo));
      expect(body.funds_account).toBe('AVAILABLE');
      expect(body.amount).toEqual({
        refund: 100,
        total: 100,
        from: [{ account: 'AVAILABLE', amount: 100 }],
        currency: 'CNY',
      });
      expect(body.goods_detail).toEqual([
        {
          merchant_goods_id: '1246464644',
          wechatpay_goods_id: '1001',
          goods_name: 'iPhoneX 256G',
          unit_price: 100,
          refund_amount: 100,
          refund_quantity: 1,
        },
      ]);
    });

    it('a field the protocol cannot carry is a ValidationError naming it; nothing is sent', async () => {
      const before = ctx.sim.requests.length;
      const paths = async (promise: Promise<unknown>) =>
        ((await expectError(promise, ValidationError)) as ValidationError).issues.map(
          (i) => i.path,
        );
      if (ctx.client.protocol === 'v3') {
        const outTradeNo = no();
        expect(
          await paths(ctx.client.createOrder({ ...richOrder(outTradeNo), limitPay: 'no_credit' })),
        ).toContain('limitPay');
      } else {
        const refund: RefundParams = {
          order: { outTradeNo: no() },
          outRefundNo: no(),
          amount: { refund: 10, total: 10, from: [{ account: 'AVAILABLE', amount: 10 }] },
          goodsDetail: refundGoods,
        };
        expect(await paths(ctx.client.refund(refund))).toEqual(['amount.from', 'goodsDetail']);
        expect(
          await paths(ctx.client.createOrder({ ...richOrder(no()), wire: { sign: 'x' } })),
        ).toEqual(['wire.sign']);
      }
      // A subOpenid payer exists only for a sub-merchant with its own appid.
      if (!ctx.provider) {
        const p = params('jsapi', no());
        expect(
          await paths(
            ctx.client.createOrder({ ...p, kind: 'jsapi', payer: { subOpenid: 'oSub' } }),
          ),
        ).toEqual(['payer.subOpenid']);
      }
      expect(ctx.sim.requests.length, 'no request was sent').toBe(before);
    });
  });
}
