import { MalformedMessageError } from '../errors.js';
import type { NotificationRequest, PaymentClient, PaymentNotification } from '../types.js';
import {
  type NotificationProtocol,
  type NotificationResponse,
  v2Acknowledgement,
  v3Acknowledgement,
} from './acknowledgement.js';
import { classifyRefusal, type Refusal } from './classify-refusal.js';
import {
  detectNotificationProtocol,
  headerRecord,
  type NotificationHeaders,
  protocolFromHeaders,
} from './detect-notification-protocol.js';
import { UnsupportedNotificationProtocolError } from './notification-errors.js';
import { type NotificationBody, readNotificationBody } from './read-notification-body.js';

/**
 * What a notification handler needs from a client: `parseNotification`, and which protocols
 * it verifies. `notificationProtocols` (the migration client: both) wins over `protocol`; a
 * client with neither is handed every notification and left to refuse what it cannot verify.
 */
export type NotificationClient = Pick<PaymentClient, 'parseNotification'> & {
  readonly protocol?: NotificationProtocol;
  readonly notificationProtocols?: readonly NotificationProtocol[];
};

/** The merchant's code for a verified notification; throw (or reject) to have it delivered again. */
export type NotificationCallback = (notification: PaymentNotification) => unknown;

/** Where handling a notification failed, passed to `onError`. */
export interface NotificationErrorContext {
  /** The protocol of the notification (as far as it could be told), which the answer used. */
  readonly protocol: NotificationProtocol;
  /** `read`: the body; `verify`: verification or decoding; `callback`: the merchant's callback. */
  readonly stage: 'read' | 'verify' | 'callback';
}

/** Options of {@link handleNotification} and the handlers built on it. */
export interface NotificationHandlerOptions {
  /** Largest accepted body in bytes, for both protocols (default 64 KiB; notifications are ~1-2 KB). */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Called with every error: refused notifications (`SignatureVerificationError`, …) and what
   * the callback threw. For logging; if it throws, that is ignored and the answer still goes out.
   */
  readonly onError?: ((error: unknown, context: NotificationErrorContext) => void) | undefined;
}

/** A notification request as it arrived: headers and the body in any form frameworks give it. */
export interface IncomingNotification {
  readonly headers: NotificationHeaders;
  readonly body: NotificationBody;
}

/** Default of {@link NotificationHandlerOptions.maxBodyBytes}. */
export const DEFAULT_NOTIFICATION_MAX_BODY_BYTES = 64 * 1024;

function report(
  options: NotificationHandlerOptions,
  error: unknown,
  context: NotificationErrorContext,
): void {
  try {
    options.onError?.(error, context);
  } catch {
    // Reporting is best effort: a throwing hook must not leave WeChat Pay's request unanswered.
  }
}

function accepted(client: NotificationClient): readonly NotificationProtocol[] | undefined {
  return client.notificationProtocols ?? (client.protocol ? [client.protocol] : undefined);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

const CALLBACK_FAILED: Refusal = { status: 500, message: 'notification handler failed' };

function failure(protocol: NotificationProtocol, refusal: Refusal): NotificationResponse {
  if (protocol === 'v3') return v3Acknowledgement(false, refusal.message, refusal.status);
  // v2 reads return_code, not the status; an unread oversized body keeps its 413.
  return v2Acknowledgement(false, refusal.message, refusal.status === 413 ? 413 : 200);
}

/**
 * Not `async`: returning the client's promise as it is saves the extra ticks an async wrapper
 * adds; the caller awaits it inside its `try`, so a synchronous throw is caught all the same.
 */
function verify(
  client: NotificationClient,
  protocol: NotificationProtocol | undefined,
  request: NotificationRequest,
): Promise<PaymentNotification> {
  const protocols = accepted(client);
  if (protocol === undefined) {
    throw new MalformedMessageError('the body is neither a v2 (XML) nor a v3 (JSON) notification');
  }
  if (protocols && !protocols.includes(protocol)) {
    throw new UnsupportedNotificationProtocolError(protocol, protocols);
  }
  return client.parseNotification(request);
}

/**
 * Handles one WeChat Pay notification of either protocol: reads the body once (capped),
 * tells the protocol of this request, verifies and decodes it through `client`, awaits
 * `callback`, and returns the answer in the request's protocol — v2: HTTP 200 with
 * `return_code` SUCCESS or FAIL; v3: 204, 4xx for a refused message, 5xx when the callback
 * failed. A notification of a protocol the client lacks is refused with an
 * {@link UnsupportedNotificationProtocolError}, answered as a failure in its own protocol.
 * Never throws: every failure is reported to `onError` and answered as a failure.
 */
export async function handleNotification(
  client: NotificationClient,
  request: IncomingNotification,
  callback: NotificationCallback,
  options: NotificationHandlerOptions = {},
): Promise<NotificationResponse> {
  const headers = headerRecord(request.headers);
  const fallback = accepted(client)?.[0] ?? 'v3';
  let body: string | Uint8Array;
  try {
    body = await readNotificationBody(
      request.body,
      options.maxBodyBytes ?? DEFAULT_NOTIFICATION_MAX_BODY_BYTES,
      headers['content-length'],
    );
  } catch (error) {
    const protocol = protocolFromHeaders(headers) ?? fallback;
    report(options, error, { protocol, stage: 'read' });
    return failure(protocol, classifyRefusal(error));
  }
  const detected = detectNotificationProtocol(headers, body);
  const protocol = detected ?? fallback;
  let notification: PaymentNotification;
  try {
    notification = await verify(client, detected, { headers, body });
  } catch (error) {
    report(options, error, { protocol, stage: 'verify' });
    return failure(protocol, classifyRefusal(error));
  }
  try {
    // A synchronous callback is not awaited: one tick less per notification, same outcome.
    const result = callback(notification);
    if (isThenable(result)) await result;
  } catch (error) {
    report(options, error, { protocol, stage: 'callback' });
    return failure(protocol, CALLBACK_FAILED);
  }
  return protocol === 'v2' ? v2Acknowledgement(true) : v3Acknowledgement(true);
}
