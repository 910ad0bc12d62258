import { createWebNotificationHandler } from '@wxpay/core';
import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import type { NotifyClients, OnNotification, Protocol } from '../../common/notify-clients.js';
import { orderBook } from './orders.js';

/** A notify route's handler: a Web `Request` in, the acknowledgement `Response` out. */
export type NotifyHandler = (request: Request) => Promise<Response>;

/** The core Web handler for each protocol's client, built once. */
export function createNotifyHandlers(
  clients: NotifyClients,
  onNotification: OnNotification,
): Readonly<Record<Protocol, NotifyHandler>> {
  return {
    v2: createWebNotificationHandler(clients.v2, onNotification),
    v3: createWebNotificationHandler(clients.v3, onNotification),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  // Name the variable, never echo a value: these are secrets.
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** PEM from an environment variable, with `\n` escapes allowed (single-line `.env` values). */
function pem(env: NodeJS.ProcessEnv, name: string): string {
  return required(env, name).replace(/\\n/g, '\n');
}

function signType(value: string | undefined): v2.SignType {
  const found = v2.SIGN_TYPES.find((type) => type === (value ?? 'MD5'));
  if (!found) throw new Error(`WXPAY_SIGN_TYPE must be one of ${v2.SIGN_TYPES.join(', ')}`);
  return found;
}

/**
 * The clients from `WXPAY_*` environment variables (set them in the deployment's secret store,
 * or `.env.local` in development). v3 runs in public-key mode, so verifying a notification
 * never needs a network call.
 */
export function clientsFromEnv(env: NodeJS.ProcessEnv = process.env): NotifyClients {
  const appId = required(env, 'WXPAY_APP_ID');
  const mchId = required(env, 'WXPAY_MCH_ID');
  return {
    v2: v2.createV2Client({
      appId,
      mchId,
      apiKey: required(env, 'WXPAY_API_KEY'),
      signType: signType(env.WXPAY_SIGN_TYPE),
    }),
    v3: v3.createV3Client({
      appId,
      mchId,
      apiV3Key: required(env, 'WXPAY_API_V3_KEY'),
      privateKey: pem(env, 'WXPAY_PRIVATE_KEY'),
      certificateSerial: required(env, 'WXPAY_CERTIFICATE_SERIAL'),
      wechatpayPublicKey: {
        id: required(env, 'WXPAY_PUBLIC_KEY_ID'),
        key: pem(env, 'WXPAY_PUBLIC_KEY'),
      },
    }),
  };
}

let handlers: Readonly<Record<Protocol, NotifyHandler>> | undefined;

/**
 * The handlers the route files use: built on the first request (not at import, so `next build`
 * does not need the secrets), then reused, keeping one v3 client and its key cache per process.
 */
export function notifyHandlers(): Readonly<Record<Protocol, NotifyHandler>> {
  handlers ??= createNotifyHandlers(clientsFromEnv(), orderBook.onNotification);
  return handlers;
}
