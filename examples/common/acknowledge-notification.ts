import type { NotificationRequest, PaymentClient } from '@wxpay/core';
import type { OnNotification } from './notify-clients.js';

/** An HTTP reply, as both adapters' `buildAcknowledgement` return it. */
export interface Acknowledgement {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The adapter's `buildAcknowledgement` (v2: XML `return_code`; v3: 204 or 500 with JSON). */
export type BuildAcknowledgement = (success: boolean, message?: string) => Acknowledgement;

/**
 * For frameworks that hand over the raw body as a Buffer (Fastify's `parseAs: 'buffer'`, NestJS
 * `rawBody`): verify, run the callback, and pick the acknowledgement. The same decisions as the
 * adapters' handlers: an unverifiable notification is refused before any business code runs,
 * and a failing callback is answered with a failure so WeChat Pay delivers it again. The
 * messages sent back are fixed strings: error details stay in `onError`.
 */
export async function acknowledgeNotification(
  client: Pick<PaymentClient, 'parseNotification'>,
  buildAcknowledgement: BuildAcknowledgement,
  onNotification: OnNotification,
  request: NotificationRequest,
  onError?: ((error: unknown) => void) | undefined,
): Promise<Acknowledgement> {
  let notification: Awaited<ReturnType<PaymentClient['parseNotification']>>;
  try {
    notification = await client.parseNotification(request);
  } catch (error) {
    onError?.(error);
    return buildAcknowledgement(false, 'invalid notification');
  }
  try {
    await onNotification(notification);
  } catch (error) {
    onError?.(error);
    return buildAcknowledgement(false, 'notification handler failed');
  }
  return buildAcknowledgement(true);
}
