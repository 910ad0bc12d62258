/**
 * Neutral types for the order and refund fields merchants send beyond the basics (goods
 * detail, profit sharing, e-invoice, store scene, payment limits, refund funding), the
 * service-provider (partner) identity of a sub-merchant, and the `wire` escape hatch.
 * Each adapter maps them to its protocol's wire names, or refuses a field its protocol cannot
 * carry with a `ValidationError` naming it.
 */

/** One line of goods in an order (v3 `detail.goods_detail[]`, v2 `detail` JSON). */
export interface GoodsItem {
  /** The merchant's own goods id (v3 `merchant_goods_id`, v2 `goods_id`). */
  readonly merchantGoodsId: string;
  /** WeChat Pay's goods id, when registered (v3 `wechatpay_goods_id`, v2 `wxpay_goods_id`). */
  readonly wechatpayGoodsId?: string;
  readonly goodsName?: string;
  /** Number of units, at least 1. */
  readonly quantity: number;
  /** Price of one unit in fen (v3 `unit_price`, v2 `price`). */
  readonly unitPrice: number;
}

/** Goods detail of an order: what was sold, for discounts targeted at single goods. */
export interface GoodsDetail {
  /** The original price of the whole order in fen (v3/v2 `cost_price`). */
  readonly costPrice?: number;
  /** The merchant's receipt/invoice number (v3 `invoice_id`, v2 `receipt_id`). */
  readonly invoiceId?: string;
  readonly goods?: readonly GoodsItem[];
}

/** The store an order is taken in (v3 `scene_info.store_info`, v2 `scene_info` JSON). */
export interface StoreInfo {
  readonly id: string;
  readonly name?: string;
  /** Administrative area code of the store's location. */
  readonly areaCode?: string;
  readonly address?: string;
}

/**
 * A JSON value for the `wire` escape hatch. v3 sends it as JSON; v2 sends strings and numbers
 * as they are and objects/arrays as JSON text (as v2 does for `detail`/`scene_info`).
 */
export type WireValue =
  | string
  | number
  | boolean
  | null
  | readonly WireValue[]
  | { readonly [name: string]: WireValue };

/**
 * Wire fields the neutral model does not name, keyed by their **wire** name (snake_case,
 * exactly as the WeChat Pay docs spell them). They are merged into the request body last, so
 * they override anything the adapter mapped — an escape hatch, checked by WeChat Pay only.
 * Signature fields (v2 `sign`, `sign_type`, `nonce_str`) cannot be set.
 */
export type WireFields = { readonly [wireName: string]: WireValue };

/** One line of goods being refunded (v3 refund `goods_detail[]`; v2 cannot carry it). */
export interface RefundGoodsItem {
  readonly merchantGoodsId: string;
  readonly wechatpayGoodsId?: string;
  readonly goodsName?: string;
  /** Price of one unit in fen. */
  readonly unitPrice: number;
  /** Amount refunded for this line in fen. */
  readonly refundAmount: number;
  /** Units refunded, at least 1. */
  readonly refundQuantity: number;
}

/** Which account funds part of a refund (v3 `amount.from[]`; v2 cannot carry it). */
export interface RefundFundsSource {
  readonly account: 'AVAILABLE' | 'UNAVAILABLE';
  /** Amount in fen. */
  readonly amount: number;
}

/**
 * A sub-merchant (特约商户) of a service provider. The client's own `mchId`/`appId` are the
 * provider's; `subAppId` is the sub-merchant's appid, needed when its payers are identified by
 * an openid of that app (`payer.subOpenid`) and used to sign the client-side pay parameters.
 */
export interface SubMerchant {
  readonly subMchId: string;
  readonly subAppId?: string;
}

/** The payer of a partner-mode JSAPI order identified under the sub-merchant's appid. */
export interface SubPayer {
  /** The payer's openid under the sub-merchant's `subAppId` (v3 `sub_openid`, v2 `sub_openid`). */
  readonly subOpenid: string;
}
