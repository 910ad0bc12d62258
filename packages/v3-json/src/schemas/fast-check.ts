/**
 * Hand-written acceptance checks for the answers on the hot path (an order query, an order
 * creation). Each one accepts only values its zod schema accepts, so the caller may skip zod
 * when it says yes; on anything else (a missing field, a wrong type, `null`, a fraction) it
 * says no and the caller decodes with zod, which raises the detailed error. The zod schemas
 * stay the definition of the wire shape: the tests run both on the same corpus.
 */
import type { z } from 'zod';
import type { notificationEnvelopeSchema } from './misc.js';
import type { WireTransaction } from './transaction.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown) => v === undefined || typeof v === 'string';
// zod 4 `int()` means a safe integer: 2^53 + 1 or 1e21 is refused, so it is here too.
const optInt = (v: unknown) => v === undefined || Number.isSafeInteger(v);

function isPromotion(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.coupon_id === 'string' &&
    Number.isSafeInteger(v.amount) &&
    optString(v.name) &&
    optString(v.scope) &&
    optString(v.type) &&
    optString(v.stock_id) &&
    optInt(v.wechatpay_contribute) &&
    optInt(v.merchant_contribute) &&
    optInt(v.other_contribute) &&
    optString(v.currency)
  );
}

/** True only for values `transactionSchema` accepts unchanged. */
export function isWireTransaction(v: unknown): v is WireTransaction {
  if (!isObject(v)) return false;
  if (typeof v.out_trade_no !== 'string' || typeof v.trade_state !== 'string') return false;
  if (
    !optString(v.appid) ||
    !optString(v.mchid) ||
    !optString(v.transaction_id) ||
    !optString(v.trade_type) ||
    !optString(v.trade_state_desc) ||
    !optString(v.bank_type) ||
    !optString(v.attach) ||
    !optString(v.success_time)
  ) {
    return false;
  }
  const { payer, amount, scene_info: scene, promotion_detail: promotions } = v;
  if (payer !== undefined && !(isObject(payer) && optString(payer.openid))) return false;
  if (
    amount !== undefined &&
    !(
      isObject(amount) &&
      optInt(amount.total) &&
      optInt(amount.payer_total) &&
      optString(amount.currency) &&
      optString(amount.payer_currency)
    )
  ) {
    return false;
  }
  if (scene !== undefined && !(isObject(scene) && optString(scene.device_id))) return false;
  if (promotions !== undefined) {
    if (!Array.isArray(promotions)) return false;
    // An index loop, not `every`: `every` skips the holes of a sparse array, zod does not.
    for (let i = 0; i < promotions.length; i++) if (!isPromotion(promotions[i])) return false;
  }
  return true;
}

/** True only for values a `{ [name]: z.string().min(1) }` loose object accepts. */
export function hasNonEmptyString(v: unknown, name: string): v is Record<string, string> {
  return isObject(v) && typeof v[name] === 'string' && (v[name] as string).length > 0;
}

/** True only for values `notificationEnvelopeSchema` accepts unchanged. */
export function isNotificationEnvelope(
  v: unknown,
): v is z.output<typeof notificationEnvelopeSchema> {
  if (!isObject(v)) return false;
  const r = v.resource;
  return (
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    typeof v.event_type === 'string' &&
    v.event_type.length > 0 &&
    optString(v.create_time) &&
    optString(v.resource_type) &&
    optString(v.summary) &&
    isObject(r) &&
    typeof r.algorithm === 'string' &&
    typeof r.nonce === 'string' &&
    typeof r.ciphertext === 'string' &&
    optString(r.associated_data) &&
    optString(r.original_type)
  );
}
