/**
 * Case I: the load generator (WeChat Pay's side), in its own process. It POSTs signed
 * notifications over loopback with `concurrency` in flight and checks every acknowledgement
 * (v3: 204; v2: 200 with return_code SUCCESS). The v3 notification is re-signed once per second
 * (its timestamp must stay fresh), like the signing server of case F. IPC:
 *   { type: 'init', keys } → { type: 'ready' }
 *   { type: 'probe', origin, protocol, variant } → { type: 'probe', status, body }
 *   { type: 'window', origin, protocol, concurrency, durationMs } → { type: 'window', requests, errors, firstError? }
 */
import { Pool } from 'undici';
import { type KeyPems, type Keys, toKeys } from '../fixtures.js';
import {
  type NotifyVariant,
  v2Notification,
  v3Notification,
  type WireNotification,
} from './notifications.js';

let keys: Keys | undefined;
const pools = new Map<string, Pool>();
const send = (msg: unknown) => process.send?.(msg);

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 64 });
    pools.set(origin, pool);
  }
  return pool;
}

function build(protocol: 'v2' | 'v3', variant: NotifyVariant): WireNotification {
  if (!keys) throw new Error('not initialised');
  return protocol === 'v3' ? v3Notification(keys, variant) : v2Notification(variant);
}

async function post(
  origin: string,
  n: WireNotification,
): Promise<{ status: number; body: string }> {
  const res = await poolFor(origin).request({
    path: '/notify',
    method: 'POST',
    headers: n.headers,
    body: n.body,
  });
  return { status: res.statusCode, body: await res.body.text() };
}

function acknowledged(protocol: 'v2' | 'v3', r: { status: number; body: string }): boolean {
  return protocol === 'v3'
    ? r.status === 204
    : r.status === 200 && r.body.includes('<![CDATA[SUCCESS]]>');
}

async function window(
  origin: string,
  protocol: 'v2' | 'v3',
  concurrency: number,
  durationMs: number,
): Promise<void> {
  let current = build(protocol, 'good');
  let second = Math.floor(Date.now() / 1000);
  const fresh = () => {
    const now = Math.floor(Date.now() / 1000);
    if (protocol === 'v3' && now !== second) {
      current = build(protocol, 'good');
      second = now;
    }
    return current;
  };
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          const r = await post(origin, fresh());
          if (!acknowledged(protocol, r))
            throw new Error(`not acknowledged: ${r.status} ${r.body.slice(0, 80)}`);
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
          if (errors > 100) break;
        }
        requests++;
      }
    }),
  );
  send({ type: 'window', requests, errors, ...(firstError ? { firstError } : {}) });
}

type Message =
  | { type: 'init'; keys: KeyPems }
  | { type: 'probe'; origin: string; protocol: 'v2' | 'v3'; variant: NotifyVariant }
  | {
      type: 'window';
      origin: string;
      protocol: 'v2' | 'v3';
      concurrency: number;
      durationMs: number;
    };

process.on('message', (msg: Message) => {
  if (msg.type === 'init') {
    keys = toKeys(msg.keys);
    send({ type: 'ready' });
  } else if (msg.type === 'probe') {
    post(msg.origin, build(msg.protocol, msg.variant)).then(
      (r) => send({ type: 'probe', ...r }),
      (error: unknown) => send({ type: 'probe', status: 0, body: String(error) }),
    );
  } else {
    void window(msg.origin, msg.protocol, msg.concurrency, msg.durationMs);
  }
});
process.on('disconnect', () => process.exit(0));
