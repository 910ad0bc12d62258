import type { SimulatorClientConfigs, WithOverrides } from './client-config.js';
import type { MicropayOutcome, NotifyOptions, TrustMode } from './context.js';
import type { SimulatorMerchant } from './credentials.js';
import type { AppliedFault, FaultQueue } from './faults.js';
import type { LiveFormOptions, LiveForms } from './live-forms.js';
import type { NotificationLog } from './notification-log.js';
import type {
  OrderSelector,
  SimulatedCoupon,
  SimulatedOrder,
  SimulatedRefund,
} from './order-store.js';
import type { SimulatedSubMerchant, SubMerchantRegistry } from './partner/sub-merchants.js';
import type { PlantOptions } from './planted-history.js';

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port (default 0: any free port). */
  readonly port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  readonly host?: string;
  /**
   * How v3 answers are signed: `certificate` (platform certificates from `/v3/certificates`),
   * `public-key` (the WeChat Pay public key; `/v3/certificates` answers RESOURCE_NOT_EXISTS), or
   * `both` (default: the key the request's `Wechatpay-Serial` names, else the certificate), or
   * `migrating` (answers as `both`; callbacks signed with the public key or the certificate at
   * random, `live.publicKeyShare` of them with the public key).
   */
  readonly trust?: TrustMode;
  /** Live-behaviour forms (docs/protocol/live-behaviour.md); all default to the documented one. */
  readonly live?: LiveFormOptions;
  /** The simulator's clock in ms (default `Date.now`); `advanceTime` adds to it. */
  readonly now?: () => number;
  /** Waits between notification redeliveries (default `[50, 100, 200, 400, 800]`). */
  readonly notificationRetryDelaysMs?: readonly number[];
  /**
   * Serve HTTPS with a generated CA (see {@link Simulator.tls}); `/secapi/*` then require the
   * merchant certificate over mutual TLS, as at WeChat Pay. Default false (plain HTTP).
   */
  readonly tls?: boolean;
  /**
   * Deliver notifications to hosts other than loopback (default false: a `notify_url` on
   * another host is recorded as a failed attempt and nothing leaves the machine).
   */
  readonly allowRemoteNotify?: boolean;
  /**
   * Sub-merchants bound to the simulated merchant acting as a service provider (partner mode).
   * Default: two generated ones, the first with its own appid. Calls naming any other
   * sub-merchant are refused as at WeChat Pay.
   */
  readonly subMerchants?: readonly SimulatedSubMerchant[];
}

/**
 * Options of {@link Simulator.pay}; `subMchId` picks the sub-merchant's order when several
 * sub-merchants used the number (see {@link OrderSelector}).
 */
export interface PayOptions extends OrderSelector {
  /** Coupons used by the payer; `id` defaults to a generated one. */
  readonly coupons?: ReadonlyArray<Omit<SimulatedCoupon, 'id'> & { readonly id?: string }>;
  /** The payer's openid (default: the order's, else a generated one). */
  readonly openid?: string;
  /** Paying bank (default `OTHERS`). */
  readonly bankType?: string;
  /** Do not send the payment notification. */
  readonly silent?: boolean;
}

/** One request the simulator received (control-surface calls excluded). */
export interface RecordedRequest {
  readonly protocol: 'v2' | 'v3';
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** v2 `nonce_str` or v3 Authorization nonce, when the request had one. */
  readonly nonce?: string;
  /** HTTP status answered (undefined for a reset connection). */
  readonly status?: number;
  /** The fault applied, if any. */
  readonly fault?: AppliedFault['kind'];
  /** Simulator time (ms). */
  readonly at: number;
}

/** A running simulated WeChat Pay (both protocols on one base URL). */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`; use it as the client's `baseUrl`. */
  readonly url: string;
  /** Test credentials for both protocols, generated at start. */
  readonly merchant: SimulatorMerchant;
  /** Scripted faults for upcoming requests. */
  readonly faults: FaultQueue;
  /** Live-behaviour switches, changeable while running (docs/protocol/live-behaviour.md). */
  readonly live: LiveForms;
  /** Delivery attempts of notifications. */
  readonly notifications: NotificationLog;
  /** Partner mode: the sub-merchants bound to `merchant` as service provider (`list()`, `bind()`). */
  readonly subMerchants: SubMerchantRegistry;
  /** Every API request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** In TLS mode: the CA certificate (PEM) clients must trust; undefined over plain HTTP. */
  readonly tls: { readonly ca: string } | undefined;
  /** Current simulator time (ms). */
  now(): number;
  /** The payer pays (NOTPAY/USERPAYING/ACCEPT → SUCCESS) and the payment notification is sent. */
  pay(outTradeNo: string, options?: PayOptions): SimulatedOrder;
  /**
   * The payment fails (→ PAYERROR). Order numbers are per (sub-)merchant: when several
   * sub-merchants used `outTradeNo`, `select` names whose (here and in the other controls).
   */
  fail(outTradeNo: string, select?: OrderSelector): SimulatedOrder;
  /** The payer is entering a password (→ USERPAYING). */
  setUserPaying(outTradeNo: string, select?: OrderSelector): SimulatedOrder;
  /** The order expires unpaid (→ CLOSED). */
  expire(outTradeNo: string, select?: OrderSelector): SimulatedOrder;
  /** A refund finishes (default SUCCESS) and the refund notification is sent. */
  completeRefund(
    outRefundNo: string,
    status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL',
    select?: OrderSelector,
  ): SimulatedRefund;
  /** Alias of {@link Simulator.completeRefund} (the name of the original design). */
  refund(
    outRefundNo: string,
    status?: 'SUCCESS' | 'CLOSED' | 'ABNORMAL',
    select?: OrderSelector,
  ): SimulatedRefund;
  /** Alias of {@link Simulator.expire}: the order closes unpaid (the name of the original design). */
  close(outTradeNo: string, select?: OrderSelector): SimulatedOrder;
  /** Decides what the next `/pay/micropay` charges do (queue; default SUCCESS). */
  queueMicropayOutcome(...outcomes: MicropayOutcome[]): void;
  /** (Re)sends the payment notification of a paid order, optionally skewed or mis-signed. */
  sendPaymentNotification(
    outTradeNo: string,
    options?: NotifyOptions,
    select?: OrderSelector,
  ): void;
  /** Moves the simulator clock forward (or back, with a negative value). */
  advanceTime(ms: number): void;
  /** Starts signing with a new platform certificate; the old one stays listed. Returns its serial. */
  rotatePlatformCertificate(): Promise<string>;
  /** Adds many already-paid orders at once (bill-scale tests); returns their number prefix. */
  plantPaidOrders(options: PlantOptions): string;
  /** A snapshot of an order, or undefined. */
  getOrder(outTradeNo: string, select?: OrderSelector): SimulatedOrder | undefined;
  /** A snapshot of a refund, or undefined. */
  getRefund(outRefundNo: string, select?: OrderSelector): SimulatedRefund | undefined;
  /** Stops the server and pending redeliveries. */
  stop(): Promise<void>;
  /**
   * A config ready for the adapter's factory, from this simulator's credentials and URL:
   * `createV3Client(sim.clientConfig('v3', { notifyUrl }))`. Defaults and merging: the `clientConfig` function.
   */
  clientConfig<P extends 'v2' | 'v3', O extends object = Record<never, never>>(
    protocol: P,
    overrides?: O,
  ): WithOverrides<SimulatorClientConfigs[P], O>;
}
