import type { NotificationResponse } from '@wxpay/core';
import { v3Acknowledgement } from '@wxpay/core/adapter';

/** An HTTP answer to a notification (the core {@link NotificationResponse}). */
export type NotificationAck = NotificationResponse;

/**
 * The v3 acknowledgement: success is HTTP 204 with no body; failure is HTTP 500 with
 * `{"code":"FAIL","message":…}`, which asks for redelivery. The format lives in `@wxpay/core`,
 * whose notification handlers answer every v3 notification with it.
 */
export function buildAcknowledgement(success: boolean, message?: string): NotificationAck {
  return v3Acknowledgement(success, message);
}
