import type { KeyObject } from 'node:crypto';
import {
  type Clock,
  DecryptionError,
  MalformedMessageError,
  type NotificationRequest,
  type PaymentNotification,
  unixSeconds,
} from '@wxpay/core';
import { checkAnswer } from '../check-answer.js';
import { decryptAesGcm } from '../crypto/aes-gcm.js';
import { toOrder } from '../map-order.js';
import { toRefundFromNotification } from '../map-refund.js';
import { partnerAnswerFields } from '../partner/map-partner.js';
import { decodeWire } from '../schemas/decode-wire.js';
import { isNotificationEnvelope } from '../schemas/fast-check.js';
import { notificationEnvelopeSchema } from '../schemas/misc.js';
import { readStrictJson } from '../schemas/strict-json.js';
import { verifyWechatpaySignature } from '../signing/verify.js';

/** What {@link parseV3Notification} needs from the client. */
export interface NotificationContext {
  readonly apiV3Key: string | Uint8Array;
  readonly mchId: string;
  /** Compared with the resource's `appid` where it carries one. */
  readonly appId?: string;
  /** Further appids of the same merchant accepted in the resource's `appid`. */
  readonly acceptedAppIds?: readonly string[];
  readonly clock: Clock;
  readonly resolveKey: (serial: string) => Promise<KeyObject | undefined>;
  /** Explains a serial no key is known for (see `verifyWechatpaySignature`). */
  readonly missingKeyHint?: (serial: string) => string | undefined;
}

/** Strict UTF-8, valid JSON, no key twice in one object (see `strict-json.ts`). */
function parseJsonMessage(input: Uint8Array, what: string): unknown {
  const result = readStrictJson(input);
  if (!result.ok) throw new MalformedMessageError(`${what} ${result.detail}`);
  return result.value;
}

/**
 * Verifies, then decodes a v3 notification (docs/protocol/v3.md): headers, ±300 s, signature
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
    ...(context.missingKeyHint ? { missingKeyHint: context.missingKeyHint } : {}),
  });
  const parsed = parseJsonMessage(body, 'notification body');
  const envelope = isNotificationEnvelope(parsed)
    ? parsed
    : decodeWire(notificationEnvelopeSchema, parsed, 'notification');
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
  // Partner notifications name the provider as sp_mchid/sp_appid and may be for any of its
  // sub-merchants: one endpoint serves them all (docs/protocol/partner.md).
  const subMchId = partnerAnswerFields(decoded as Record<string, unknown>).subMchId;
  checkAnswer(decoded, {
    mchId: context.mchId,
    appId: context.appId,
    acceptedAppIds: context.acceptedAppIds,
    subMchId,
  });
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
  // Any other event type keeps the same envelope and encryption: hand it over verified and
  // decrypted instead of refusing it (docs/protocol/live-behaviour.md, notifications).
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new MalformedMessageError('decrypted notification resource is not a JSON object');
  }
  return {
    type: 'other',
    id: envelope.id,
    ...forSub,
    eventType: envelope.event_type,
    ...(typeof resource.original_type === 'string' ? { resourceType: resource.original_type } : {}),
    resource: decoded as Readonly<Record<string, unknown>>,
    raw,
  };
}
