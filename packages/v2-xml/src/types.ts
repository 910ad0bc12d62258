import type {
  AwaitFinalStateOptions,
  CallOptions,
  Order,
  OrderRef,
  PaymentClient,
  Refund,
  ServiceProviderClient,
} from '@wxpay/core';

/** An order as the v2 API reports it: the neutral {@link Order} plus v2-only facts. */
export interface V2Order extends Order {
  /** `device_info`. */
  readonly deviceId?: string;
  /** `is_subscribe`: whether the payer follows the official account. */
  readonly subscribed?: boolean;
  /** `settlement_total_fee`: total minus non-cash coupons, in fen. */
  readonly settlementTotal?: number;
  /** `coupon_fee`: total coupon amount, in fen. */
  readonly couponTotal?: number;
}

/** Parameters of a payment-code (micropay) charge. */
export interface MicropayParams {
  readonly outTradeNo: string;
  readonly description: string;
  readonly amount: { readonly total: number; readonly currency?: string };
  /** The 18-digit payment code scanned from the payer's WeChat. */
  readonly authCode: string;
  /** The terminal's IP (v2 `spbill_create_ip`). */
  readonly clientIp: string;
  readonly attach?: string;
  readonly deviceId?: string;
  readonly goodsTag?: string;
  readonly expiresAt?: Date;
}

/** Options of {@link V2Client.micropay}. */
export interface MicropayOptions extends CallOptions {
  /**
   * What to do when the charge's outcome is pending or unknown — the payer is entering a
   * password (USERPAYING), or the charge hit SYSTEMERROR/BANKERROR, a rate limit or a network
   * failure. By default the error is thrown (`UserPayingError`, `SystemError` …); with this set,
   * the order is polled with `awaitFinalState` (these are its options) and the settled order
   * returned, as docs/protocol/v2.md prescribes ("query, never re-charge"). An order that never
   * reached WeChat Pay surfaces as `OrderNotFoundError`; a poll that times out as
   * `TimeoutError` — then reverse the order.
   */
  readonly awaitUserPaying?: AwaitFinalStateOptions | true;
}

/** Options of {@link V2Client.reverseOrder}. */
export interface ReverseOptions extends CallOptions {
  /** How many times to call again while WeChat answers `recall=Y` (default 5). */
  readonly maxRecalls?: number;
  /** Wait between recalls in milliseconds (default 1000). */
  readonly recallDelayMs?: number;
}

/** Result of {@link V2Client.reverseOrder}. */
export interface ReverseResult {
  /** True when WeChat still asked to call again after the last allowed attempt. */
  readonly recall: boolean;
  /** How many reverse requests were sent. */
  readonly calls: number;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** How to find refunds with `/pay/refundquery` (priority as listed). */
export type RefundQueryRef =
  | { readonly refundId: string }
  | { readonly outRefundNo: string }
  | { readonly transactionId: string }
  | { readonly outTradeNo: string };

/** Result of {@link V2Client.queryRefunds}. */
export interface RefundQueryResult {
  readonly outTradeNo?: string;
  readonly transactionId?: string;
  /** Refunds of the order on this page (at most 10). */
  readonly refunds: readonly Refund[];
  /** Total refunds of the order (`total_refund_count`), when paging applies. */
  readonly totalRefundCount?: number;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Bill types of `/pay/downloadbill`. */
export type BillType = 'ALL' | 'SUCCESS' | 'REFUND' | 'RECHARGE_REFUND';

/** Parameters of {@link V2Client.downloadBill}. */
export interface DownloadBillParams {
  /** The bill's day, `yyyyMMdd` (Beijing date). */
  readonly billDate: string;
  readonly billType?: BillType;
  /** Ask for a gzip-compressed bill (`tar_type=GZIP`), decompressed while streaming. */
  readonly gzip?: boolean;
  /**
   * Largest statement accepted, in bytes after decompression (default 1 GiB); beyond it the
   * download fails with `ResponseTooLargeError` (a defence against gzip bombs).
   */
  readonly maxBytes?: number;
}

/** A parsed statement: the backtick prefix of every cell removed. Amounts are in yuan, as text. */
export interface Bill {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly summaryHeader: readonly string[];
  readonly summary: readonly string[];
}

/** One line of a statement, as {@link V2Client.streamBill} yields it. */
export interface BillLine {
  readonly section: 'header' | 'row' | 'summaryHeader' | 'summary';
  /** Cells with the leading backtick removed. */
  readonly cells: string[];
}

/** The v2 client: the neutral {@link PaymentClient} plus v2-only calls. */
/**
 * A v2 client. As a service provider's client, `forSubMerchant` scopes it to one sub-merchant
 * (docs/protocol/partner.md).
 */
export interface V2Client extends PaymentClient, ServiceProviderClient {
  readonly protocol: 'v2';
  queryOrder(ref: OrderRef, options?: CallOptions): Promise<V2Order>;
  /** Charges a payment code (`/pay/micropay`). */
  micropay(params: MicropayParams, options?: MicropayOptions): Promise<V2Order>;
  /** Reverses a micropay order (`/secapi/pay/reverse`, mutual TLS), following `recall=Y`. */
  reverseOrder(ref: OrderRef, options?: ReverseOptions): Promise<ReverseResult>;
  /** `/pay/refundquery` by any reference; one page of refunds. */
  queryRefunds(
    ref: RefundQueryRef,
    options?: CallOptions & { readonly offset?: number },
  ): Promise<RefundQueryResult>;
  /** Downloads and parses a statement (`/pay/downloadbill`, unsigned reply). */
  downloadBill(params: DownloadBillParams, options?: CallOptions): Promise<Bill>;
  /**
   * Like {@link V2Client.downloadBill}, but yields the statement line by line while it
   * downloads, in constant memory. Failures (no bill, bad date) reject before the first line.
   */
  streamBill(params: DownloadBillParams, options?: CallOptions): Promise<AsyncIterable<BillLine>>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}
