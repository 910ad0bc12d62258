import type { PaymentClient } from '@wxpay/core';
import {
  DEFAULT_MAX_BODY_BYTES,
  handleNotification,
  type NotificationCallback,
  type NotificationHandlerOptions,
  reportError,
  tooLargeAck,
} from './handle-notification.js';

async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A Web Fetch API handler for v2 notifications (Next.js route handlers, Hono, Deno, Bun):
 * `export const POST = createWebNotificationHandler(client, onNotification)`.
 */
export function createWebNotificationHandler(
  client: Pick<PaymentClient, 'parseNotification'>,
  onNotification: NotificationCallback,
  options: NotificationHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request) => {
    const body = await readBody(request, limit).catch((error: unknown) => {
      reportError(options, error);
      return undefined;
    });
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const ack =
      body === undefined
        ? tooLargeAck()
        : await handleNotification(client, onNotification, { headers, body }, options);
    return new Response(ack.body, { status: ack.status, headers: ack.headers });
  };
}
