import type { HandlerContext } from './context.js';
import type { OrderScope } from './order-store.js';

/**
 * The scope a request's order and refund numbers are looked up in: the simulated merchant's
 * own, or, for a partner call, those of the sub-merchant it names (docs/protocol/partner.md).
 */
export function requestScope(ctx: HandlerContext, subMchId: string | undefined): OrderScope {
  return { mchId: ctx.creds.mchId, subMchId: subMchId || undefined };
}
