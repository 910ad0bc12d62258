import type { SubMerchant } from './order-details.js';
import { subMerchantSchema } from './order-details-schemas.js';
import { type PaymentSteps, paymentCalls } from './payment-calls.js';
import { parseInput } from './schemas.js';
import type {
  NotificationRequest,
  PaymentNotification,
  Refund,
  SubMerchantClient,
} from './types.js';

/** What one protocol does for a {@link SubMerchantClient}: its payment steps and its notifications. */
export interface SubMerchantSteps extends PaymentSteps {
  /** The provider client's notification parser: one endpoint serves every sub-merchant. */
  parseNotification(request: NotificationRequest): Promise<PaymentNotification>;
}

/**
 * A {@link SubMerchantClient} for `protocol`: validates `subMerchant` once, builds the protocol
 * steps for it and wraps them in {@link paymentCalls}. Refunds of the client name the
 * sub-merchant even where the WeChat Pay answer leaves it out: the request did.
 */
export function subMerchantClient(
  protocol: SubMerchantClient['protocol'],
  subMerchant: SubMerchant,
  stepsFor: (sub: SubMerchant) => SubMerchantSteps,
): SubMerchantClient {
  const sub = parseInput(subMerchantSchema, subMerchant, 'sub-merchant');
  const steps = stepsFor(sub);
  const mine = (refund: Refund): Refund => ({ ...refund, subMchId: sub.subMchId });
  return {
    protocol,
    subMerchant: sub,
    ...paymentCalls({
      ...steps,
      refund: async (params, options) => mine(await steps.refund(params, options)),
      queryRefund: async (outRefundNo, options) =>
        mine(await steps.queryRefund(outRefundNo, options)),
    }),
    parseNotification: (request) => steps.parseNotification(request),
  };
}
