import type {
  NotificationClient,
  NotificationHandlerOptions,
  PaymentNotification,
} from '@wxpay/core';

/**
 * The two clients an example verifies notifications with. Only `protocol` and
 * `parseNotification` are used, so a full `V2Client` / `V3Client` fits; a migration client
 * verifies both protocols and can serve both routes (or one route for both).
 */
export interface NotifyClients {
  /** Verifies v2 (XML, MD5 / HMAC-SHA256 `sign`) notifications. */
  readonly v2: NotificationClient;
  /** Verifies and decrypts v3 (JSON, RSA signature, AES-256-GCM resource) notifications. */
  readonly v3: NotificationClient;
}

/**
 * The merchant's business callback. It runs only after the notification verified; throwing
 * makes the handler answer with a failure acknowledgement, so WeChat Pay delivers it again.
 */
export type OnNotification = (notification: PaymentNotification) => unknown;

/** The protocols, also the last path segment of each notify route. */
export const PROTOCOLS = ['v2', 'v3'] as const;

/** `v2` or `v3`. */
export type Protocol = (typeof PROTOCOLS)[number];

/** The notify route of a protocol: `/wxpay/notify/v2` or `/wxpay/notify/v3`. */
export function notifyPath(protocol: Protocol): string {
  return `/wxpay/notify/${protocol}`;
}

/** Options every example accepts. */
export interface NotifyOptions {
  /**
   * Called with every refused notification's error (bad signature, wrong key, malformed body)
   * and every error thrown by the callback. Log it: a wrong API key or APIv3 key shows up here
   * as every notification being refused.
   */
  readonly onError?: NotificationHandlerOptions['onError'];
}
