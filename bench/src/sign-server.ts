/**
 * The loopback server of cases F and G, run in its own process so its CPU stays out of the
 * client's figures. It answers the v3 order query with a signed Transaction and the v2
 * orderquery with the signed example reply, and a Native order creation with a signed
 * `code_url`. Its own cost is kept small: the v3 reply
 * signature is computed once per second (the timestamp only changes that often), the v2 reply
 * is signed once. It checks the client's signature on the first 64 requests and then on one
 * request in 16, and reports failures, so a client sending bad signatures is caught.
 *
 * Protocol (IPC): parent sends `{ type: 'init', keys }`, child answers `{ type: 'ready', port }`;
 * `{ type: 'stats' }` → `{ type: 'stats', requests, checked, failed }`, counters reset.
 */
import { createHash, createHmac, randomBytes, sign, timingSafeEqual, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  API_KEY,
  type KeyPems,
  toKeys,
  V3_MCHID,
  V3_NATIVE_PATH,
  V3_NATIVE_REPLY_BODY,
  V3_PUB_KEY_ID,
  V3_QUERY_PATH,
  V3_TRANSACTION_BODY,
  v2ReplyXml,
} from './fixtures.js';

interface InitMessage {
  readonly type: 'init';
  readonly keys: KeyPems;
}

let requests = 0;
let checked = 0;
let failed = 0;
let lastFailure = '';

function shouldCheck(): boolean {
  return requests <= 64 || requests % 16 === 0;
}

function start(pems: KeyPems): void {
  const keys = toKeys(pems);
  const v2Reply = Buffer.from(v2ReplyXml('MD5'));
  const v3Body = Buffer.from(V3_TRANSACTION_BODY);

  /** Headers of a signed v3 answer; the signature is recomputed when the second changes. */
  const signedReply = (body: Buffer): (() => Record<string, string>) => {
    let signedSecond = 0;
    let headers: Record<string, string> = {};
    return () => {
      const ts = Math.floor(Date.now() / 1000);
      if (ts !== signedSecond) {
        const nonce = randomBytes(16).toString('hex');
        const message = Buffer.concat([Buffer.from(`${ts}\n${nonce}\n`), body, Buffer.from('\n')]);
        headers = {
          'content-type': 'application/json',
          'content-length': String(body.length),
          'request-id': randomBytes(8).toString('hex'),
          'wechatpay-nonce': nonce,
          'wechatpay-serial': V3_PUB_KEY_ID,
          'wechatpay-signature': sign('sha256', message, keys.platformPrivateKey).toString(
            'base64',
          ),
          'wechatpay-timestamp': String(ts),
        };
        signedSecond = ts;
      }
      return headers;
    };
  };
  const v3ReplyHeaders = signedReply(v3Body);
  const nativeBody = Buffer.from(V3_NATIVE_REPLY_BODY);
  const nativeReplyHeaders = signedReply(nativeBody);

  const checkV3 = (req: IncomingMessage, body: string): string | undefined => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return 'no WECHATPAY2 Authorization';
    const a = new Map<string, string>();
    for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) a.set(m[1] as string, m[2] as string);
    if (a.get('mchid') !== V3_MCHID) return 'wrong mchid';
    const ts = Number(a.get('timestamp'));
    if (Math.abs(ts - Date.now() / 1000) > 300) return 'stale timestamp';
    const message = `${req.method}\n${req.url}\n${a.get('timestamp')}\n${a.get('nonce_str')}\n${body}\n`;
    const sig = Buffer.from(a.get('signature') ?? '', 'base64');
    return verify('sha256', Buffer.from(message), keys.merchantPublicKey, sig)
      ? undefined
      : 'Authorization signature does not verify';
  };

  const checkNativeBody = (body: string): string | undefined => {
    let order: { mchid?: unknown; out_trade_no?: unknown; amount?: { total?: unknown } };
    try {
      order = JSON.parse(body) as typeof order;
    } catch {
      return 'Native order body is not JSON';
    }
    return order.mchid === V3_MCHID &&
      typeof order.out_trade_no === 'string' &&
      order.amount?.total === 100
      ? undefined
      : 'Native order body lacks mchid, out_trade_no or amount';
  };

  const checkV2 = (body: string): string | undefined => {
    const fields: Record<string, string> = {};
    for (const m of body.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) {
      fields[m[1] as string] = m[2] ?? m[3] ?? '';
    }
    if (!fields.out_trade_no || !fields.nonce_str) return 'orderquery without out_trade_no';
    const type = fields.sign_type ?? 'MD5';
    const names = Object.keys(fields)
      .filter((n) => n !== 'sign' && fields[n] !== '')
      .sort();
    const s = `${names.map((n) => `${n}=${fields[n]}`).join('&')}&key=${API_KEY}`;
    const h = type === 'HMAC-SHA256' ? createHmac('sha256', API_KEY) : createHash('md5');
    const want = Buffer.from(h.update(s).digest('hex').toUpperCase());
    const got = Buffer.from(fields.sign ?? '');
    return got.length === want.length && timingSafeEqual(got, want) ? undefined : 'bad v2 sign';
  };

  // Counts a checked request and keeps the last failure.
  const tally = (why: string | undefined) => {
    checked++;
    if (why) {
      failed++;
      lastFailure = why;
    }
  };

  const respond = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    requests++;
    const verifyThis = shouldCheck();
    if (req.method === 'GET' && req.url === V3_QUERY_PATH) {
      if (verifyThis) tally(checkV3(req, body));
      res.writeHead(200, v3ReplyHeaders());
      res.end(v3Body);
      return;
    }
    if (req.method === 'POST' && req.url === V3_NATIVE_PATH) {
      if (verifyThis) tally(checkV3(req, body) ?? checkNativeBody(body));
      res.writeHead(200, nativeReplyHeaders());
      res.end(nativeBody);
      return;
    }
    if (req.method === 'POST' && req.url === '/pay/orderquery') {
      if (verifyThis) tally(checkV2(body));
      res.writeHead(200, {
        'content-type': 'text/xml; charset=utf-8',
        'content-length': String(v2Reply.length),
      });
      res.end(v2Reply);
      return;
    }
    failed++;
    lastFailure = `unexpected ${req.method} ${req.url}`;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":"NOT_FOUND","message":"unknown path"}');
  };

  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      req.resume();
      req.on('end', () => respond(req, res, ''));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.send?.({ type: 'ready', port });
  });
}

process.on('message', (msg: InitMessage | { type: 'stats' }) => {
  if (msg.type === 'init') start(msg.keys);
  else if (msg.type === 'stats') {
    process.send?.({ type: 'stats', requests, checked, failed, lastFailure });
    requests = 0;
    checked = 0;
    failed = 0;
    lastFailure = '';
  }
});
process.on('disconnect', () => process.exit(0));
