import type { CreateOrderBase, RefundParams, WireFields } from '@wxpay/core';
import { ValidationError } from '@wxpay/core';

type Fields = Record<string, string | number | undefined>;

const drop = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * The v2 wire form of the optional order fields (docs/protocol/order-fields.md): `detail` (JSON
 * text), `profit_sharing` (Y/N), `receipt` (Y), `limit_pay`; the store goes into `scene_info`.
 */
export function orderDetailsToV2(params: CreateOrderBase): Fields {
  const g = params.goodsDetail;
  const detail =
    g &&
    drop({
      cost_price: g.costPrice,
      receipt_id: g.invoiceId,
      goods_detail: g.goods?.map((item) =>
        drop({
          goods_id: item.merchantGoodsId,
          wxpay_goods_id: item.wechatpayGoodsId,
          goods_name: item.goodsName,
          quantity: item.quantity,
          price: item.unitPrice,
        }),
      ),
    });
  return {
    detail: detail && JSON.stringify(detail),
    profit_sharing:
      params.profitSharing === undefined ? undefined : params.profitSharing ? 'Y' : 'N',
    // v2 knows only `Y`; leaving it out is the same as not offering an e-invoice.
    receipt: params.supportFapiao ? 'Y' : undefined,
    limit_pay: params.limitPay,
  };
}

/**
 * The v2 `scene_info` JSON text: the H5 scene (when any) plus `store_info` for the store.
 * `h5SceneInfo` is the H5 scene's JSON text.
 */
export function sceneInfoWithStore(
  h5SceneInfo: string | undefined,
  store: CreateOrderBase['store'],
): string | undefined {
  if (store === undefined) return h5SceneInfo;
  const h5 = h5SceneInfo === undefined ? {} : (JSON.parse(h5SceneInfo) as object);
  return JSON.stringify({
    ...h5,
    store_info: drop({
      id: store.id,
      name: store.name,
      area_code: store.areaCode,
      address: store.address,
    }),
  });
}

/**
 * The v2 wire form of the optional refund fields: `refund_account` for the available balance.
 * `amount.from` and `goodsDetail` have no v2 field and are refused with a {@link ValidationError}.
 */
export function refundDetailsToV2(params: RefundParams): Fields {
  const issues = [];
  if (params.amount.from !== undefined) {
    issues.push({ path: 'amount.from', message: 'v2 refunds cannot say which accounts fund them' });
  }
  if (params.goodsDetail !== undefined) {
    issues.push({ path: 'goodsDetail', message: 'v2 refunds have no goods detail' });
  }
  if (issues.length > 0) {
    throw new ValidationError(
      `invalid refund params: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return {
    refund_account:
      params.fundsAccount === 'AVAILABLE' ? 'REFUND_SOURCE_RECHARGE_FUNDS' : undefined,
  };
}

// The signature envelope stays the client's: a wire field cannot replace it.
const RESERVED = new Set(['sign', 'sign_type', 'nonce_str']);

/**
 * Merges the caller's `wire` escape hatch into v2 fields, last (a wire field overrides the
 * mapped one): strings and numbers as they are, booleans as `true`/`false`, objects and arrays
 * as JSON text, `null` removes the field.
 */
export function mergeWireV2(fields: Fields, wire: WireFields | undefined): Fields {
  if (wire === undefined) return fields;
  const reserved = Object.keys(wire).filter((k) => RESERVED.has(k));
  if (reserved.length > 0) {
    throw new ValidationError(
      `invalid wire fields: ${reserved.join(', ')} cannot be set`,
      reserved.map((k) => ({ path: `wire.${k}`, message: 'the client signs the request itself' })),
    );
  }
  const out: Fields = { ...fields };
  for (const [name, value] of Object.entries(wire)) {
    out[name] =
      value === null
        ? undefined
        : typeof value === 'string' || typeof value === 'number'
          ? value
          : typeof value === 'boolean'
            ? String(value)
            : JSON.stringify(value);
  }
  return out;
}
