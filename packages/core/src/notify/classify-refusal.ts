import {
  DecryptionError,
  MalformedMessageError,
  ResponseValidationError,
  SignatureVerificationError,
} from '../errors.js';
import { NotificationTooLargeError } from './notification-errors.js';

/** Why a notification was not accepted: the v3 status and the short message sent back. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
}

/**
 * Classifies an error raised while reading or verifying a notification: 413 for an oversized
 * body, 401 when its signature does not verify, 400 when it is malformed or does not decrypt,
 * 500 otherwise (our side failed: the client lacks the protocol, certificates could not be
 * fetched …). Messages are fixed strings, never error internals. Any non-2xx makes WeChat Pay
 * deliver the notification again.
 */
export function classifyRefusal(error: unknown): Refusal {
  if (NotificationTooLargeError.isInstance(error))
    return { status: 413, message: 'body too large' };
  if (SignatureVerificationError.isInstance(error)) {
    return { status: 401, message: 'signature verification failed' };
  }
  if (
    DecryptionError.isInstance(error) ||
    MalformedMessageError.isInstance(error) ||
    ResponseValidationError.isInstance(error)
  ) {
    return { status: 400, message: 'malformed notification' };
  }
  return { status: 500, message: 'notification could not be processed' };
}
