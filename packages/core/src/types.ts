import type {
  GoodsDetail,
  RefundFundsSource,
  RefundGoodsItem,
  StoreInfo,
  SubMerchant,
  SubPayer,
  WireFields,
} from './order-details.js';
import type { RefundState, TradeState } from './trade-state.js';

/** Per-call options accepted by every client method. */
export interface CallOptions {
  /** Aborts the whole call, including retries and backoff waits. */
  readonly signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds; overrides the client's default. */
  readonly timeoutMs?: number;
}

/** How a merchant refers to an order: by its own number or by WeChat Pay's transaction id. */
export type OrderRef = { readonly outTradeNo: string } | { readonly transactionId: string };

/** The kinds of order a merchant can create. `miniprogram` is JSAPI under a mini-program appid. */
export type OrderKind = 'jsapi' | 'miniprogram' | 'app' | 'native' | 'h5';

/** An amount in fen (1/100 CNY). */
export interface OrderAmount {
  readonly total: number;
  /** ISO 4217; defaults to `CNY`. */
  readonly currency?: string;
}

/** Fields shared by every kind of order creation. */
export interface CreateOrderBase {
  readonly outTradeNo: string;
  readonly description: string;
  readonly amount: OrderAmount;
  /** Echoed back verbatim in queries and notifications (≤127 bytes). */
  readonly attach?: string;
  /** Overrides the client's configured notify URL. */
  readonly notifyUrl?: string;
  /** When the order stops accepting payment. */
  readonly expiresAt?: Date;
  /** Payer's IP (v2 requires it for every kind; v3 only for h5). */
  readonly clientIp?: string;
  readonly goodsTag?: string;
  /** Terminal / device id. */
  readonly deviceId?: string;
  /** Goods detail, with the order's original price and the merchant's invoice id. */
  readonly goodsDetail?: GoodsDetail;
  /** Freeze the funds for later profit sharing (v3 `settle_info.profit_sharing`, v2 `profit_sharing`). */
  readonly profitSharing?: boolean;
  /** Offer the payer an e-invoice (v3 `support_fapiao`, v2 `receipt`). */
  readonly supportFapiao?: boolean;
  /** The store the order is taken in. */
  readonly store?: StoreInfo;
  /** `no_credit`: the payer may not pay by credit card (v2 `limit_pay`; v3 cannot carry it). */
  readonly limitPay?: 'no_credit';
  /**
   * Wire fields the neutral model does not name, merged into the request body **last** (they
   * override mapped fields). See {@link WireFields}.
   */
  readonly wire?: WireFields;
}

/** The payer of a JSAPI or mini-program order. */
export interface Payer {
  readonly openid: string;
}

/** H5 scene information, required for `h5` orders. */
export interface H5Info {
  readonly type: 'Wap' | 'iOS' | 'Android';
  readonly appName?: string;
  readonly appUrl?: string;
  readonly bundleId?: string;
  readonly packageName?: string;
}

/** Parameters of `createOrder`, discriminated by `kind`. */
export type CreateOrderParams =
  | (CreateOrderBase & {
      readonly kind: 'jsapi' | 'miniprogram';
      /** `{ openid }` under the client's appid, or (partner mode) `{ subOpenid }` under the sub-merchant's. */
      readonly payer: Payer | SubPayer;
    })
  | (CreateOrderBase & { readonly kind: 'app' })
  | (CreateOrderBase & { readonly kind: 'native'; readonly productId?: string })
  | (CreateOrderBase & {
      readonly kind: 'h5';
      readonly clientIp: string;
      readonly h5Info: H5Info;
    });

/** Parameters for `WeixinJSBridge.invoke('getBrandWCPayRequest')` / `wx.requestPayment`. */
export interface BridgeConfig {
  readonly appId: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly package: string;
  readonly signType: 'MD5' | 'HMAC-SHA256' | 'RSA';
  readonly paySign: string;
}

/** Parameters for the native App SDK's `PayReq` (wire names, as the App SDK expects them). */
export interface AppConfig {
  readonly appid: string;
  readonly partnerid: string;
  readonly prepayid: string;
  readonly package: 'Sign=WXPay';
  readonly noncestr: string;
  readonly timestamp: string;
  readonly sign: string;
}

/** The result of `createOrder`, matching the order's kind. */
export type Prepay =
  | {
      readonly kind: 'jsapi' | 'miniprogram';
      readonly prepayId: string;
      readonly bridgeConfig: BridgeConfig;
    }
  | { readonly kind: 'app'; readonly prepayId: string; readonly appConfig: AppConfig }
  | { readonly kind: 'native'; readonly codeUrl: string; readonly prepayId?: string }
  | { readonly kind: 'h5'; readonly h5Url: string; readonly prepayId?: string };

/** A coupon or discount applied to a payment. */
export interface Promotion {
  readonly couponId: string;
  /** `CASH` (funded by a top-up) or `NOCASH` (v2 `NO_CASH`). Unknown values are kept. */
  readonly type?: string;
  /** Amount in fen. */
  readonly amount: number;
  readonly name?: string;
  readonly scope?: string;
}

/** Amounts of an order, in fen. */
export interface OrderAmounts {
  readonly total?: number;
  /** What the payer actually paid (v2 `cash_fee`, v3 `payer_total`). */
  readonly payerTotal?: number;
  readonly currency?: string;
  readonly payerCurrency?: string;
}

/** A protocol-neutral view of an order as WeChat Pay reports it. */
export interface Order {
  readonly outTradeNo: string;
  readonly transactionId?: string;
  readonly state: TradeState;
  readonly stateDescription?: string;
  /** JSAPI, NATIVE, APP, MICROPAY, MWEB, FACEPAY (unknown values kept). */
  readonly tradeType?: string;
  /**
   * Amounts. Unpaid v2 orders report none (the v2 query only returns amounts for SUCCESS),
   * so every member is optional.
   */
  readonly amount: OrderAmounts;
  readonly payer?: Payer;
  readonly successTime?: Date;
  readonly attach?: string;
  readonly bankType?: string;
  readonly promotions: readonly Promotion[];
  /** Partner mode: the sub-merchant the order belongs to. */
  readonly subMchId?: string;
  /** Partner mode: the sub-merchant's appid, when the order names one. */
  readonly subAppId?: string;
  /** Partner mode: the payer's openid under {@link Order.subAppId}. */
  readonly subOpenid?: string;
  /** The decoded wire object, exactly as received, so nothing the server said is lost. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Parameters of a refund request. */
export interface RefundParams {
  /** The order to refund. */
  readonly order: OrderRef;
  /** The merchant's refund number; retries must reuse it so the refund is never doubled. */
  readonly outRefundNo: string;
  readonly amount: {
    /** Amount to refund, in fen. */
    readonly refund: number;
    /** The order's total, in fen. */
    readonly total: number;
    readonly currency?: string;
    /** Which accounts fund the refund; the amounts must add up to `refund` (v3 only). */
    readonly from?: readonly RefundFundsSource[];
  };
  readonly reason?: string;
  readonly notifyUrl?: string;
  /** Refund from the available balance instead of unsettled funds (v3 `funds_account`, v2 `refund_account`). */
  readonly fundsAccount?: 'AVAILABLE';
  /** The goods being refunded (v3 only). */
  readonly goodsDetail?: readonly RefundGoodsItem[];
  /** Wire fields merged into the request body last; see {@link WireFields}. */
  readonly wire?: WireFields;
}

/** A protocol-neutral view of a refund. */
export interface Refund {
  readonly outRefundNo: string;
  readonly refundId?: string;
  readonly outTradeNo?: string;
  readonly transactionId?: string;
  readonly status: RefundState;
  readonly amount: {
    readonly refund?: number;
    readonly total?: number;
    readonly payerRefund?: number;
    readonly currency?: string;
  };
  readonly channel?: string;
  /** The account that received the money, as WeChat Pay describes it. */
  readonly receivedAccount?: string;
  readonly createTime?: Date;
  readonly successTime?: Date;
  /** Partner mode: the sub-merchant the refund belongs to, when the answer names it. */
  readonly subMchId?: string;
  /** Partner mode: the sub-merchant's appid, when the answer names it. */
  readonly subAppId?: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * A verified notification. `id` is stable across redeliveries of the same event, so callers
 * can deduplicate on it.
 */
export type PaymentNotification =
  | {
      readonly type: 'payment';
      readonly id: string;
      /** Partner mode: which sub-merchant the notification is for (one endpoint serves all). */
      readonly subMchId?: string;
      readonly order: Order;
      readonly raw: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'refund';
      readonly id: string;
      /** Partner mode: which sub-merchant the notification is for (one endpoint serves all). */
      readonly subMchId?: string;
      readonly refund: Refund;
      readonly raw: Readonly<Record<string, unknown>>;
    }
  | {
      /**
       * A verified and decrypted v3 notification of an event type wxpay does not map (other
       * products use the same envelope), handed over rather than refused.
       */
      readonly type: 'other';
      readonly id: string;
      /** Partner mode: which sub-merchant the notification is for, when the resource names it. */
      readonly subMchId?: string;
      /** The envelope's `event_type`, e.g. `MCHTRANSFER.BILL.FINISHED`. */
      readonly eventType: string;
      /** The resource's `original_type`, when sent. */
      readonly resourceType?: string;
      /** The decrypted resource, as WeChat Pay sent it. */
      readonly resource: Readonly<Record<string, unknown>>;
      readonly raw: Readonly<Record<string, unknown>>;
    };

/** An incoming notification request: headers as node:http gives them and the raw body. */
export interface NotificationRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The body exactly as received. A re-serialized body will not verify. */
  readonly body: string | Uint8Array;
}

/** The protocol-neutral WeChat Pay client both adapters implement. */
export interface PaymentClient {
  readonly protocol: 'v2' | 'v3';
  createOrder(params: CreateOrderParams, options?: CallOptions): Promise<Prepay>;
  queryOrder(ref: OrderRef, options?: CallOptions): Promise<Order>;
  /** Closes an unpaid order. Closing an already closed order succeeds. */
  closeOrder(outTradeNo: string, options?: CallOptions): Promise<void>;
  refund(params: RefundParams, options?: CallOptions): Promise<Refund>;
  queryRefund(outRefundNo: string, options?: CallOptions): Promise<Refund>;
  /** Verifies, then decodes a notification. Throws on any verification failure. */
  parseNotification(request: NotificationRequest): Promise<PaymentNotification>;
}

/** A {@link PaymentClient} scoped to one sub-merchant of a service provider (partner mode). */
export interface SubMerchantClient extends PaymentClient {
  /** The sub-merchant every call of this client is made for. */
  readonly subMerchant: SubMerchant;
}

/**
 * A client of a service provider (服务商): `forSubMerchant` returns a client scoped to one
 * sub-merchant that shares this client's keys, certificates and connections, so creating one
 * per request is cheap.
 */
export interface ServiceProviderClient {
  forSubMerchant(subMerchant: SubMerchant): SubMerchantClient;
}
