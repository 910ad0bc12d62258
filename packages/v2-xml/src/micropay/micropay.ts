import { awaitFinalState, UserPayingError, WxPayError } from '@wxpay/core';
import type { Transport } from '@wxpay/core/adapter';
import { toOrder } from '../map-order.js';
import { callOptions, type PostContext, postV2 } from '../request.js';
import { decodeWire } from '../schemas/decode-wire.js';
import { micropayResponseSchema } from '../schemas/transaction.js';
import type { MicropayOptions, MicropayParams, V2Client, V2Order } from '../types.js';
import { toMicropayFields } from './map-micropay.js';

/**
 * Charges a payment code (`/pay/micropay`). When the payer still has to confirm (USERPAYING)
 * or the outcome is unclear, and the caller asked to wait, the order is polled to its final
 * state through `client.queryOrder` instead of charging again.
 */
export async function micropay(
  ctx: PostContext,
  transport: Transport,
  client: V2Client,
  params: MicropayParams,
  options?: MicropayOptions,
): Promise<V2Order> {
  const fields = toMicropayFields(params);
  try {
    // Not retried blindly: a repeated charge must go through query/reverse instead.
    const raw = await postV2(ctx, '/pay/micropay', fields, {
      transport,
      idempotent: false,
      answer: { outTradeNo: params.outTradeNo },
      ...callOptions(options),
    });
    decodeWire(micropayResponseSchema, raw, 'micropay reply');
    return toOrder(raw, 'SUCCESS');
  } catch (error) {
    const wait = options?.awaitUserPaying;
    const pending =
      UserPayingError.isInstance(error) || (WxPayError.isInstance(error) && error.retryable);
    if (!wait || !pending) throw error;
    const waitOptions = wait === true ? {} : wait;
    // awaitFinalState polls client.queryOrder, so what it returns is a V2Order.
    const order = await awaitFinalState(
      client,
      { outTradeNo: params.outTradeNo },
      {
        ...waitOptions,
        ...(options?.signal && !waitOptions.signal ? { signal: options.signal } : {}),
      },
    );
    return order as V2Order;
  }
}
