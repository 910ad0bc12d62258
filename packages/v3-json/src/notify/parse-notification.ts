import type { KeyObject } from 'node:crypto';
import {
  type Clock,
  DecryptionError,
  MalformedMessageError,
  type NotificationRequest,
  type PaymentNotification,
  ResponseValidationError,
  unixSeconds,
} from '@wxpay/core';
import { decryptAesGcm } from '../crypto/aes-gcm.js';
import { toOrder } from '../map-order.js';
import { toRefundFromNotification } from '../map-refund.js';
import { partnerAnswerFields } from '../partner/map-partner.js';
import { decodeWire } from '../schemas/decode-wire.js';
import { notificationEnvelopeSchema } from '../schemas/misc.js';
import { readStrictJson } from '../schemas/strict-json.js';
import { verifyWechatpaySignature } from '../signing/verify.js';

/** What {@link parseV3Notification} needs from the client. */
export interface NotificationContext {
  readonly apiV3Key: string | Uint8Array;
  readonly mchId: string;
  readonly clock: Clock;
  readonly resolveKey: (serial: string) => Promise<KeyObject | undefined>;
}

/** Strict UTF-8, valid JSON, no key twice in one object (see `strict-json.ts`). */
function parseJsonMessage(input: Uint8Array, what: string): unknown {
  const result = readStrictJson(input);
  if (!result.ok) throw new MalformedMessageError(`${what} ${result.detail}`);
  return result.value;
}

/**
 * Verifies, then decodes a v3 notification (PROTOCOL.md §2.7): headers, ±300 s, signature
 * over the raw body — all before parsing — then `AEAD_AES_256_GCM` with a 12-byte nonce,
 * decryption, and mapping to the neutral {@link PaymentNotification}. A notification for
 * another merchant id is refused.
 */
export async function parseV3Notification(
  context: NotificationContext,
  request: NotificationRequest,
): Promise<PaymentNotification> {
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  await verifyWechatpaySignature({
    headers: request.headers,
    body,
    nowSeconds: unixSeconds(context.clock),
    resolveKey: context.resolveKey,
  });
  const parsed = parseJsonMessage(body, 'notification body');
  const envelope = decodeWire(notificationEnvelopeSchema, parsed, 'notification');
  const raw = parsed as Record<string, unknown>;
  const resource = envelope.resource;
  if (resource.algorithm !== 'AEAD_AES_256_GCM') {
    throw new DecryptionError(`unsupported notification algorithm ${resource.algorithm}`);
  }
  const plaintext = decryptAesGcm(context.apiV3Key, {
    nonce: resource.nonce,
    ciphertext: resource.ciphertext,
    associatedData: resource.associated_data,
  });
  const decoded = parseJsonMessage(plaintext, 'decrypted notification resource');
  // Partner notifications name the provider as sp_mchid (docs/protocol/partner.md).
  const merchant = decoded as { mchid?: unknown; sp_mchid?: unknown } | null;
  const mchid = merchant?.mchid ?? merchant?.sp_mchid;
  if (typeof mchid === 'string' && mchid !== context.mchId) {
    throw new ResponseValidationError(`notification is for merchant ${mchid}, not this client`, {
      issues: [{ path: 'mchid', message: 'does not match the configured mchId' }],
    });
  }
  const subMchId = partnerAnswerFields(decoded as Record<string, unknown>).subMchId;
  const forSub = subMchId === undefined ? {} : { subMchId };
  if (envelope.event_type.startsWith('TRANSACTION.')) {
    return { type: 'payment', id: envelope.id, ...forSub, order: toOrder(decoded), raw: raw };
  }
  if (envelope.event_type.startsWith('REFUND.')) {
    return {
      type: 'refund',
      id: envelope.id,
      ...forSub,
      refund: toRefundFromNotification(decoded),
      raw: raw,
    };
  }
  throw new ResponseValidationError(`unsupported notification event_type ${envelope.event_type}`, {
    issues: [{ path: 'event_type', message: 'expected TRANSACTION.* or REFUND.*' }],
    raw: raw,
  });
}
