import type {
  CreateOrderBase,
  GoodsItem,
  RefundGoodsItem,
  RefundParams,
  WireFields,
} from '@wxpay/core';
import { ValidationError } from '@wxpay/core';
import { opt } from './map-order.js';

type Json = Record<string, unknown>;

/** One order goods line (`detail.goods_detail[]`) in v3 wire names. */
function goodsItemToWire(item: GoodsItem): Json {
  return { ...goodsIdentityToWire(item), quantity: item.quantity, unit_price: item.unitPrice };
}

/** One refund goods line (`goods_detail[]`) in v3 wire names. */
function refundGoodsItemToWire(item: RefundGoodsItem): Json {
  return {
    ...goodsIdentityToWire(item),
    unit_price: item.unitPrice,
    refund_amount: item.refundAmount,
    refund_quantity: item.refundQuantity,
  };
}

/** How a goods line names its item, alike in order and refund goods details. */
function goodsIdentityToWire(item: GoodsItem | RefundGoodsItem): Json {
  return {
    merchant_goods_id: item.merchantGoodsId,
    ...opt('wechatpay_goods_id', item.wechatpayGoodsId),
    ...opt('goods_name', item.goodsName),
  };
}

/**
 * The v3 wire form of the optional order fields (docs/protocol/order-fields.md): `detail`,
 * `settle_info.profit_sharing`, `support_fapiao` and `scene_info.store_info`. `limitPay` has no
 * v3 field and is refused with a {@link ValidationError} naming it.
 */
export function orderDetailsToWire(params: CreateOrderBase): {
  readonly fields: Json;
  readonly storeInfo?: Json;
} {
  if (params.limitPay !== undefined) {
    throw new ValidationError('invalid createOrder params: limitPay does not exist in v3', [
      {
        path: 'limitPay',
        message: 'v3 orders have no limit_pay field; use the v2 client or remove it',
      },
    ]);
  }
  const g = params.goodsDetail;
  const detail = g && {
    ...opt('cost_price', g.costPrice),
    ...opt('invoice_id', g.invoiceId),
    ...opt('goods_detail', g.goods?.map(goodsItemToWire)),
  };
  const s = params.store;
  const storeInfo = s && {
    id: s.id,
    ...opt('name', s.name),
    ...opt('area_code', s.areaCode),
    ...opt('address', s.address),
  };
  return {
    fields: {
      ...opt('support_fapiao', params.supportFapiao),
      ...opt('detail', detail),
      ...opt(
        'settle_info',
        params.profitSharing === undefined ? undefined : { profit_sharing: params.profitSharing },
      ),
    },
    ...opt('storeInfo', storeInfo),
  };
}

/** The v3 wire form of the optional refund fields: `funds_account`, `amount.from`, `goods_detail`. */
export function refundDetailsToWire(params: RefundParams): {
  readonly fields: Json;
  readonly from?: Json[];
} {
  return {
    fields: {
      ...opt('funds_account', params.fundsAccount),
      ...opt('goods_detail', params.goodsDetail?.map(refundGoodsItemToWire)),
    },
    ...opt(
      'from',
      params.amount.from?.map((f) => ({ account: f.account, amount: f.amount })),
    ),
  };
}

/**
 * Merges the caller's `wire` escape hatch into a request body, last: a wire field overrides the
 * mapped field of the same name (documented; WeChat Pay alone checks it).
 */
export function mergeWire(body: Json, wire: WireFields | undefined): Json {
  return wire === undefined ? body : { ...body, ...wire };
}
