import type { GeneratedCredentials, SigningKey } from './credentials.js';
import type { LiveForms } from './live-forms.js';
import type { OrderStore, SimulatedOrder, SimulatedRefund } from './order-store.js';
import type { PartnerOrderInfo, SubMerchantRegistry } from './partner/sub-merchants.js';
import type { V2SignType } from './v2/sign.js';

/** How the simulator lets v3 clients verify it (see `SimulatorOptions.trust`). */
export type TrustMode = 'public-key' | 'certificate' | 'both' | 'migrating';

/** What `/pay/micropay` does with the next payment-code charge. */
export type MicropayOutcome = 'SUCCESS' | 'USERPAYING' | 'PAYERROR' | 'NOTENOUGH';

/** Options of a manually (re)sent payment notification. */
export interface NotifyOptions {
  /** Shifts the v3 `Wechatpay-Timestamp` (seconds) — e.g. −600 to test replay protection. */
  readonly timestampOffsetSeconds?: number;
  /** Sends a wrong signature (`bad`) or a probe signature (`probe`). */
  readonly signature?: 'bad' | 'probe';
  /**
   * v2: sign with this type instead of the order's (the message's `sign_type` says so too) —
   * a client must not let a message choose its own algorithm.
   */
  readonly v2SignType?: 'MD5' | 'HMAC-SHA256';
}

/** A raw answer (bills, control surface). */
export interface RawReply {
  readonly kind: 'raw';
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** A v2 answer: fields signed with `signType`, or unsigned when `signType` is undefined. */
export interface V2Reply {
  readonly kind: 'v2';
  readonly fields: Record<string, string | undefined>;
  readonly signType: V2SignType | undefined;
}

/** A v3 answer, signed by the server with the key `serialHint` names (when trusted). */
export interface V3Reply {
  readonly kind: 'v3';
  readonly status: number;
  readonly json?: unknown;
  readonly serialHint?: string;
  readonly headers?: Record<string, string>;
}

/** Any handler answer. */
export type Reply = RawReply | V2Reply | V3Reply;

/** A request as the handlers see it. */
export interface IncomingCall {
  readonly method: string;
  /** Path + query exactly as received. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** Set by the handler: the request's nonce (v2 nonce_str or v3 Authorization nonce). */
  nonce?: string;
  /**
   * Set by the partner routing when it hands a call to the direct-mode endpoint: the
   * sub-merchant the call is for, whose order numbers it looks up (docs/protocol/partner.md).
   * The payer fields matter only when the call creates an order.
   */
  readonly partner?: PartnerOrderInfo;
}

/** What the protocol handlers may use of the simulator. */
export interface HandlerContext {
  readonly store: OrderStore;
  readonly creds: GeneratedCredentials;
  /** Sub-merchants bound to the simulated service provider (partner mode). */
  readonly subMerchants: SubMerchantRegistry;
  readonly trust: TrustMode;
  /** Which live-behaviour forms to answer with (docs/protocol/live-behaviour.md). */
  readonly live: LiveForms;
  now(): number;
  baseUrl(): string;
  /** Platform certificates listed by `/v3/certificates`, newest last. */
  platformKeys(): readonly SigningKey[];
  /** Picks the key a v3 answer is signed with for a request's `Wechatpay-Serial`. */
  signingKey(serialHint: string | undefined): SigningKey;
  notifyPayment(order: SimulatedOrder, options?: NotifyOptions): void;
  notifyRefund(order: SimulatedOrder, refund: SimulatedRefund): void;
  issueBill(content: Buffer): string;
  bill(token: string): Buffer | undefined;
  takeMicropayOutcome(): MicropayOutcome;
  /** Records a v3 nonce; false when it was already used inside the replay window. */
  rememberNonce(nonce: string): boolean;
}
