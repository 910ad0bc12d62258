import type { NotificationResponse } from '@wxpay/core';
import { v2Acknowledgement } from '@wxpay/core/adapter';

/** An HTTP reply to a notification (the core {@link NotificationResponse}). */
export type NotificationAck = NotificationResponse;

/**
 * The v2 acknowledgement: HTTP 200 with `return_code` SUCCESS, or FAIL (plus a short message)
 * to ask WeChat Pay to deliver the notification again. The format lives in `@wxpay/core`,
 * whose notification handlers answer every v2 notification with it.
 */
export function buildAcknowledgement(success: boolean, message?: string): NotificationAck {
  return v2Acknowledgement(success, message);
}
