import type { KeyObject } from 'node:crypto';
import { type Clock, type Logger, WxPayError } from '@wxpay/core';

/** Where a serial to resolve came from: an API answer, or a notification anyone could send. */
export type KeySource = 'response' | 'notification';

/** Normalizes a certificate serial: uppercase hex without leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, '');
}

/** A decrypted, parsed WeChat Pay platform certificate. */
export interface PlatformCertificate {
  /** Serial number, uppercase hex. */
  readonly serial: string;
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certificate as PEM. */
  readonly pem: string;
}

/** The WeChat Pay public key of public-key mode. */
export interface WechatpayPublicKey {
  /** `PUB_KEY_ID_…` */
  readonly id: string;
  readonly key: KeyObject;
}

/** Options of {@link TrustStore}. */
export interface TrustStoreOptions {
  readonly publicKey?: WechatpayPublicKey | undefined;
  /** `auto` downloads and rotates platform certificates; `off` uses the public key only. */
  readonly mode: 'auto' | 'off';
  /** Downloads and verifies the current platform certificates. */
  readonly download: (store: TrustStore) => Promise<PlatformCertificate[]>;
  readonly clock: Clock;
  readonly logger?: Logger | undefined;
  /** Least time between two refreshes caused by unknown serials (default 60 s). */
  readonly minRefreshIntervalMs?: number;
  /** Refresh in the background when the last download is older than this (default 12 h). */
  readonly maxAgeMs?: number;
  /** Refresh in the background when the newest certificate expires within this (default 24 h). */
  readonly expiryMarginMs?: number;
}

/**
 * The keys that verify WeChat Pay: the public key (public-key mode) and the platform
 * certificates (certificate mode), routed by `Wechatpay-Serial` (docs/protocol/v3.md, verifying answers, step 4).
 * Certificates are downloaded lazily, refreshed before expiry and once (rate-limited) on an
 * unknown serial; a failed refresh keeps the certificates already held and is logged.
 */
export class TrustStore {
  readonly #options: TrustStoreOptions;
  #certs = new Map<string, PlatformCertificate>();
  #loaded = false;
  #inflight: Promise<void> | undefined;
  #lastAttemptMs = Number.NEGATIVE_INFINITY;
  #lastSuccessMs = Number.NEGATIVE_INFINITY;
  // One budget per source: anyone can POST a notification with a made-up serial, so forged
  // notifications must not spend the refresh that an answer from WeChat Pay (over our own
  // connection) needs to pick up a rotated certificate.
  readonly #lastUnknownRefreshMs: Record<KeySource, number> = {
    response: Number.NEGATIVE_INFINITY,
    notification: Number.NEGATIVE_INFINITY,
  };
  #lastError: unknown;

  constructor(options: TrustStoreOptions) {
    this.#options = options;
  }

  /** The configured public key, if any. */
  get publicKey(): WechatpayPublicKey | undefined {
    return this.#options.publicKey;
  }

  /** Whether platform certificates are downloaded. */
  get mode(): 'auto' | 'off' {
    return this.#options.mode;
  }

  /** The platform certificates currently held, newest expiry first. */
  certificates(): PlatformCertificate[] {
    return [...this.#certs.values()].sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime());
  }

  #validNow(cert: PlatformCertificate): boolean {
    const now = this.#options.clock.now();
    return cert.notBefore.getTime() <= now && now <= cert.notAfter.getTime();
  }

  /** The key for a serial among what is held now, without any download. */
  lookup(serial: string): KeyObject | undefined {
    if (serial.startsWith('PUB_KEY_ID_')) {
      const pk = this.#options.publicKey;
      return pk && pk.id === serial ? pk.key : undefined;
    }
    const cert = this.#certs.get(normalizeSerial(serial));
    return cert && this.#validNow(cert) ? cert.publicKey : undefined;
  }

  /**
   * The verification key for `Wechatpay-Serial`. An unknown certificate serial triggers one
   * refresh (at most one per `minRefreshIntervalMs` for each `source`); the first download's
   * failure is thrown.
   */
  async resolveKey(serial: string, source: KeySource = 'response'): Promise<KeyObject | undefined> {
    const known = this.lookup(serial);
    if (known) {
      this.#maybeRefreshInBackground();
      return known;
    }
    if (serial.startsWith('PUB_KEY_ID_') || this.#options.mode === 'off') return undefined;
    if (!this.#loaded) {
      // Until a first download succeeds, retry it at most every few seconds and repeat the
      // last failure in between, so a burst of calls (or forged notifications) cannot turn
      // into a burst of downloads, and the cause (e.g. "use the public key") stays visible.
      const retryAfter = Math.min(this.#options.minRefreshIntervalMs ?? 60_000, 5_000);
      if (
        !this.#inflight &&
        this.#lastError !== undefined &&
        this.#options.clock.now() - this.#lastAttemptMs < retryAfter
      ) {
        throw this.#lastError;
      }
      await this.refresh();
      return this.lookup(serial);
    }
    const interval = this.#options.minRefreshIntervalMs ?? 60_000;
    // Rate-limited separately from scheduled refreshes, so a rotation right after start-up is
    // picked up at once while random serials (e.g. forged notifications) cannot flood WeChat Pay.
    const now = this.#options.clock.now();
    if (this.#inflight || now - this.#lastUnknownRefreshMs[source] >= interval) {
      if (!this.#inflight) this.#lastUnknownRefreshMs[source] = now;
      try {
        await this.refresh();
      } catch {
        // Already logged by refresh(); the caller reports the unknown serial.
      }
    }
    return this.lookup(serial);
  }

  /**
   * The key to encrypt sensitive fields with and the serial to send as `Wechatpay-Serial`:
   * the public key when configured, else the platform certificate valid longest.
   */
  async encryptionKey(): Promise<{ serial: string; key: KeyObject }> {
    const pk = this.#options.publicKey;
    if (pk) return { serial: pk.id, key: pk.key };
    if (!this.#loaded) await this.refresh();
    const cert = this.certificates().find((c) => this.#validNow(c));
    if (!cert) throw new WxPayError('no valid WeChat Pay platform certificate is available');
    return { serial: cert.serial, key: cert.publicKey };
  }

  /** The serial to announce in request `Wechatpay-Serial` headers, if one is known. */
  preferredSerial(): string | undefined {
    return (
      this.#options.publicKey?.id ?? this.certificates().find((c) => this.#validNow(c))?.serial
    );
  }

  /**
   * Downloads the certificates now (concurrent callers share one download). On failure the
   * certificates already held stay in use, a `warn` event is logged, and the error is thrown.
   */
  refresh(): Promise<void> {
    if (this.#options.mode === 'off') return Promise.resolve();
    if (this.#inflight) return this.#inflight;
    this.#lastAttemptMs = this.#options.clock.now();
    const run = (async () => {
      try {
        const certs = await this.#options.download(this);
        const next = new Map<string, PlatformCertificate>();
        for (const cert of certs) next.set(normalizeSerial(cert.serial), cert);
        this.#certs = next;
        this.#loaded = true;
        this.#lastSuccessMs = this.#options.clock.now();
        this.#lastError = undefined;
        this.#options.logger?.({
          level: 'info',
          message: `platform certificates refreshed (${next.size} held)`,
          path: '/v3/certificates',
        });
      } catch (error) {
        this.#lastError = error;
        this.#options.logger?.({
          level: 'warn',
          message: `platform certificate refresh failed; keeping the ${this.#certs.size} certificates held`,
          path: '/v3/certificates',
          ...(error instanceof Error ? { errorName: error.name } : {}),
          ...(typeof (error as { code?: unknown }).code === 'string'
            ? { errorCode: (error as { code: string }).code }
            : {}),
        });
        throw error;
      } finally {
        this.#inflight = undefined;
      }
    })();
    this.#inflight = run;
    return run;
  }

  #maybeRefreshInBackground(): void {
    if (this.#options.mode === 'off' || !this.#loaded || this.#inflight) return;
    const now = this.#options.clock.now();
    if (now - this.#lastAttemptMs < (this.#options.minRefreshIntervalMs ?? 60_000)) return;
    const newest = this.certificates()[0];
    const stale = now - this.#lastSuccessMs > (this.#options.maxAgeMs ?? 12 * 3600_000);
    const expiring =
      newest !== undefined &&
      newest.notAfter.getTime() - now < (this.#options.expiryMarginMs ?? 24 * 3600_000);
    if (stale || expiring) this.refresh().catch(() => undefined);
  }
}
