import { randomBytes } from 'node:crypto';
import { ChangeFeed } from './change-feed.js';
import type { HandlerContext, MicropayOutcome, NotifyOptions, TrustMode } from './context.js';
import type { GeneratedCredentials, SigningKey, SimulatorMerchant } from './credentials.js';
import { FaultQueue } from './faults.js';
import { LiveForms } from './live-forms.js';
import { deliverPaymentNotification, deliverRefundNotification } from './notification-delivery.js';
import { NotificationLog } from './notification-log.js';
import { OrderStore, type SimulatedOrder, type SimulatedRefund } from './order-store.js';
import { SubMerchantRegistry } from './partner/sub-merchants.js';
import type { RecordedRequest, SimulatorOptions } from './simulator-types.js';
import { TIMESTAMP_WINDOW_SECONDS } from './v3/handle-v3.js';

/**
 * The simulator's state and what the protocol handlers may use of it ({@link HandlerContext}):
 * the clock, the order book, keys, nonces, bills and the micropay queue. No HTTP here.
 */
export class HandlerState implements HandlerContext {
  readonly faults = new FaultQueue();
  /** Changes of orders, refunds, deliveries and requests (the dashboard's live updates). */
  readonly changes = new ChangeFeed();
  readonly notifications: NotificationLog;
  readonly store: OrderStore;
  readonly trust: TrustMode;
  readonly live: LiveForms;
  readonly requests: RecordedRequest[] = [];
  readonly subMerchants: SubMerchantRegistry;
  readonly merchant: SimulatorMerchant;
  readonly tls: { readonly ca: string } | undefined;
  /** Platform certificates, newest last (rotation appends, keeps two). */
  readonly platform: SigningKey[];
  readonly micropay: MicropayOutcome[] = [];
  readonly eventIds = new Map<string, string>();
  url = '';
  /** Added to the clock by `advanceTime`. */
  offset = 0;
  readonly #clock: () => number;
  readonly #nonces = new Map<string, number>();
  readonly #bills = new Map<string, { content: Buffer; expires: number }>();

  constructor(
    options: SimulatorOptions,
    readonly creds: GeneratedCredentials,
  ) {
    this.#clock = options.now ?? Date.now;
    this.trust = options.trust ?? 'both';
    this.live = new LiveForms(options.live);
    this.store = new OrderStore(() => this.now(), this.changes);
    this.subMerchants = new SubMerchantRegistry(options.subMerchants);
    this.notifications = new NotificationLog(
      options.notificationRetryDelaysMs ?? [50, 100, 200, 400, 800],
      () => this.now(),
      options.allowRemoteNotify ?? false,
      this.changes,
    );
    this.platform = [creds.platform];
    const platform = this.platform;
    this.merchant = {
      mchId: creds.mchId,
      appId: creds.appId,
      apiKey: creds.apiKey,
      apiV3Key: creds.apiV3Key,
      privateKey: creds.merchantKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      certificate: creds.merchantCertificate,
      certificateSerial: creds.merchantSerial,
      wechatpayPublicKey: {
        id: creds.publicKey.serial,
        key: creds.publicKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      get platformCertificates() {
        return platform.map((k) => ({ serial: k.serial, pem: k.certificatePem ?? '' }));
      },
    };
    this.tls = creds.tls ? { ca: creds.tls.caCertificate } : undefined;
  }

  now(): number {
    return this.#clock() + this.offset;
  }

  baseUrl(): string {
    return this.url;
  }

  platformKeys(): readonly SigningKey[] {
    return this.platform;
  }

  signingKey(serialHint: string | undefined): SigningKey {
    const current = this.platform[this.platform.length - 1] ?? this.creds.platform;
    if (this.trust === 'public-key') return this.creds.publicKey;
    if (this.trust === 'certificate') {
      return this.platform.find((k) => k.serial === serialHint?.toUpperCase()) ?? current;
    }
    if (serialHint === this.creds.publicKey.serial) return this.creds.publicKey;
    return this.platform.find((k) => k.serial === serialHint?.toUpperCase()) ?? current;
  }

  rememberNonce(nonce: string): boolean {
    const now = this.now();
    // Insertion order is time order, so expired nonces are at the front: stop at the first
    // live one (keeps this O(1) amortised under benchmark load).
    for (const [n, at] of this.#nonces) {
      if (now - at <= 2 * TIMESTAMP_WINDOW_SECONDS * 1000) break;
      this.#nonces.delete(n);
    }
    if (this.#nonces.has(nonce)) return false;
    this.#nonces.set(nonce, now);
    return true;
  }

  issueBill(content: Buffer): string {
    const token = randomBytes(16).toString('hex');
    this.#bills.set(token, { content, expires: this.now() + 5 * 60_000 });
    return token;
  }

  bill(token: string): Buffer | undefined {
    const b = this.#bills.get(token);
    return b && b.expires >= this.now() ? b.content : undefined;
  }

  takeMicropayOutcome(): MicropayOutcome {
    return this.micropay.shift() ?? 'SUCCESS';
  }

  notifyPayment(order: SimulatedOrder, options: NotifyOptions = {}): void {
    deliverPaymentNotification(this, order, options);
  }

  notifyRefund(order: SimulatedOrder, refund: SimulatedRefund): void {
    deliverRefundNotification(this, order, refund);
  }
}
