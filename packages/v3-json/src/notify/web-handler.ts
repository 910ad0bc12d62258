import type { PaymentClient, PaymentNotification } from '@wxpay/core';
import { buildAcknowledgement, failureAck, type NotificationAck } from './acknowledge.js';
import { ackForParseError, BodyTooLargeError } from './classify-failure.js';
import type { NotificationHandlerOptions } from './node-handler.js';
import { reportError } from './report-error.js';

const DEFAULT_MAX_BODY = 1024 * 1024;

async function readBody(request: Request, cap: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) throw new BodyTooLargeError(cap);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      throw new BodyTooLargeError(cap);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function toResponse(ack: NotificationAck): Response {
  return new Response(ack.status === 204 ? null : ack.body, {
    status: ack.status,
    headers: ack.headers,
  });
}

/**
 * A Web Fetch API handler (Next.js route handlers, Hono, Bun, Deno, Workers):
 * `export const POST = createWebNotificationHandler(client, onNotification)`. Same behaviour
 * as {@link createNodeNotificationHandler}.
 */
export function createWebNotificationHandler(
  client: Pick<PaymentClient, 'parseNotification'>,
  onNotification: (notification: PaymentNotification) => unknown,
  options: NotificationHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    let notification: PaymentNotification;
    try {
      const body = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      notification = await client.parseNotification({ headers, body });
    } catch (error) {
      reportError(options.onError, error);
      return toResponse(ackForParseError(error));
    }
    try {
      await onNotification(notification);
    } catch (error) {
      reportError(options.onError, error);
      return toResponse(failureAck(500, 'notification handler failed'));
    }
    return toResponse(buildAcknowledgement(true));
  };
}
