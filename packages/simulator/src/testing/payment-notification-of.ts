import type { Simulator } from '../simulator-types.js';

/** A delivered notification as a client's `parseNotification` takes it. */
export interface DeliveredNotification {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Has the simulator send the payment notification of the paid order `outTradeNo` and returns
 * what it delivered (the first attempt), so a test can hand the very same request to several
 * clients. The simulator records each attempt even when nothing listens at the notify URL.
 */
export async function paymentNotificationOf(
  sim: Pick<Simulator, 'sendPaymentNotification' | 'notifications'>,
  outTradeNo: string,
): Promise<DeliveredNotification> {
  sim.sendPaymentNotification(outTradeNo);
  const delivery = await sim.notifications.waitFor((a) => a.outTradeNo === outTradeNo);
  return { headers: delivery.headers, body: delivery.body };
}
