import { ApiError, type OrderRef } from '@wxpay/core';
import { orderRefSchema, parseInput, sleep, type Transport } from '@wxpay/core/adapter';
import { callOptions, type PostContext, postV2 } from '../request.js';
import type { ReverseOptions, ReverseResult } from '../types.js';
import { orderRefFields, wantsRecall } from './map-micropay.js';

/**
 * Reverses (cancels or refunds) a payment-code order over `/secapi/pay/reverse`, calling again
 * while WeChat Pay answers `recall=Y`, at most `maxRecalls` more times (capped at 20).
 */
export async function reverseOrder(
  ctx: PostContext,
  secure: Transport,
  ref: OrderRef,
  options?: ReverseOptions,
): Promise<ReverseResult> {
  const r = parseInput(orderRefSchema, ref, 'order reference');
  const maxRecalls = Math.max(0, Math.min(options?.maxRecalls ?? 5, 20));
  const delayMs = options?.recallDelayMs ?? 1_000;
  for (let calls = 1; ; calls++) {
    let raw: Readonly<Record<string, unknown>>;
    let failure: unknown;
    try {
      raw = await postV2(ctx, '/secapi/pay/reverse', orderRefFields(r), {
        transport: secure,
        ...callOptions(options),
      });
    } catch (error) {
      if (!(ApiError.isInstance(error) && wantsRecall(error.raw))) throw error;
      raw = error.raw as Readonly<Record<string, unknown>>;
      failure = error;
    }
    const recall = wantsRecall(raw);
    if (!recall) {
      if (failure) throw failure;
      return { recall: false, calls, raw };
    }
    if (calls > maxRecalls) return { recall: true, calls, raw };
    await sleep(delayMs, options?.signal);
  }
}
