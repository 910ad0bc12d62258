import type { Clock, NonceSource } from './clock.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import type { TransportOptions } from './transport.js';

/**
 * The configuration both adapters' clients accept alike: where they connect, how long they
 * wait and retry, what they log, and where time and nonces come from. `V2ClientConfig` and
 * `V3ClientConfig` extend it with their protocol's credentials.
 */
export interface ClientConfigBase {
  /** API origin (default `https://api.mch.weixin.qq.com`); tests point it at a simulator. */
  readonly baseUrl?: string;
  /**
   * Where an idempotent call that cannot connect (refused, reset, DNS — not an answer, not a
   * timeout) is tried once more. Default: `https://api2.mch.weixin.qq.com`, the documented
   * backup, when `baseUrl` is the default; none for a custom `baseUrl`. `false` turns it off.
   * Each failover is logged as a `warn` event.
   */
  readonly backupBaseUrl?: string | false;
  /** Per-attempt timeout in milliseconds (default 10 000, i.e. 10 s). */
  readonly timeoutMs?: number;
  /** Retry policy overrides (retried: system errors, rate limits, 5xx, network failures). */
  readonly retry?: Partial<RetryPolicy>;
  /** Receives redacted, structured request events. */
  readonly logger?: Logger;
  /** Connection pool options (keep-alive, body cap, a custom undici dispatcher). */
  readonly transport?: TransportOptions;
  /** Time source (signature, bridge and App timestamps). */
  readonly clock?: Clock;
  /** Nonce source for signatures (default 32 random `[0-9A-Za-z]`). */
  readonly nonce?: NonceSource;
}
