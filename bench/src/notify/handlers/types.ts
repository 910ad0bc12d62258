import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Keys } from '../../fixtures.js';

/** Contestants of case I. */
export type NotifyContestant = 'wxpay' | 'raw' | 'wechatpay-node-v3' | 'tenpay';

/** What a handler module builds: a node:http request listener. */
export type NotifyListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Builds a contestant's handler; `onPaid` is the merchant's callback (order number paid). */
export type NotifyHandlerBuilder = (
  protocol: 'v2' | 'v3',
  keys: Keys,
  onPaid: (outTradeNo: string) => void,
) => NotifyListener;

/** Reads a request body (no cap: the loopback sender is ours). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
