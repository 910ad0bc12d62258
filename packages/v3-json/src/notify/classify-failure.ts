import {
  DecryptionError,
  MalformedMessageError,
  ResponseValidationError,
  SignatureVerificationError,
} from '@wxpay/core';
import { failureAck, type NotificationAck } from './acknowledge.js';

/**
 * Thrown by handlers when a notification body exceeds the cap: a {@link MalformedMessageError},
 * so `onError` receives a typed wxpay error like for every other refused notification.
 */
export class BodyTooLargeError extends MalformedMessageError {
  static override readonly kind: string = 'NotificationTooLargeError';
  constructor(limitBytes: number) {
    super(`notification body exceeds the ${limitBytes}-byte limit`);
  }
}

/**
 * The failure acknowledgement for an error raised while reading or parsing a notification:
 * 401 for signature problems, 400 for malformed or undecryptable messages, 413 for oversized
 * bodies, 500 otherwise. Only a short fixed message goes out; never error internals.
 */
export function ackForParseError(error: unknown): NotificationAck {
  if (error instanceof BodyTooLargeError) return failureAck(413, 'body too large');
  if (SignatureVerificationError.isInstance(error))
    return failureAck(401, 'signature verification failed');
  if (
    DecryptionError.isInstance(error) ||
    MalformedMessageError.isInstance(error) ||
    ResponseValidationError.isInstance(error)
  ) {
    return failureAck(400, 'malformed notification');
  }
  return failureAck(500, 'notification could not be processed');
}
