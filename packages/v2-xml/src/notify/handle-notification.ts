import type { NotificationRequest, PaymentClient, PaymentNotification } from '@wxpay/core';
import { buildAcknowledgement, type NotificationAck } from './acknowledge.js';

/** Options of the notification handlers. */
export interface NotificationHandlerOptions {
  /** Largest accepted body in bytes (default 64 KiB; notifications are ~1-2 KB). */
  readonly maxBodyBytes?: number;
  /** Called with every error (verification failures, handler errors), e.g. for logging; if it throws, that is ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Called with each verified notification; throw to make WeChat Pay deliver it again. */
export type NotificationCallback = (notification: PaymentNotification) => unknown;

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Passes an error to the caller's `onError`. A hook that throws must not turn an answered
 * notification into a rejected handler (an unhandled rejection and a hung request under
 * node:http): its own failure is dropped, as with the logger.
 */
export function reportError(options: NotificationHandlerOptions, error: unknown): void {
  try {
    options.onError?.(error);
  } catch {
    // Ignored on purpose: reporting is best effort.
  }
}

/** Verifies, dispatches and acknowledges one notification. Never throws. */
export async function handleNotification(
  client: Pick<PaymentClient, 'parseNotification'>,
  onNotification: NotificationCallback,
  request: NotificationRequest,
  options: NotificationHandlerOptions,
): Promise<NotificationAck> {
  let notification: PaymentNotification;
  try {
    notification = await client.parseNotification(request);
  } catch (error) {
    reportError(options, error);
    return buildAcknowledgement(false, 'invalid notification');
  }
  try {
    await onNotification(notification);
  } catch (error) {
    reportError(options, error);
    // v2 acknowledgements are always HTTP 200; return_code FAIL is what asks for redelivery.
    return buildAcknowledgement(false, 'handler failed');
  }
  return buildAcknowledgement(true);
}

/** The reply for a body over the size cap. */
export function tooLargeAck(): NotificationAck {
  return { ...buildAcknowledgement(false, 'body too large'), status: 413 };
}
