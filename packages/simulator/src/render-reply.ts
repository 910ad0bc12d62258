import type { ServerResponse } from 'node:http';
import type { Reply } from './context.js';
import { type AppliedFault, answerRewrite } from './faults.js';
import type { HandlerState } from './handler-state.js';
import { newRequestId } from './ids.js';
import { spoilV2Sign } from './spoil-v2-sign.js';
import { signV2 } from './v2/sign.js';
import { buildXml } from './v2/xml-codec.js';
import { type SignatureSpoiler, signatureHeadersAsync } from './v3/authorization.js';

const FOREIGN_API_KEY = 'NotTheMerchantsKeyNotTheMerchant';
// A public-key id nobody was given: clients reject it without a certificate download, so the
// fault does not spend a client's (rate-limited) refresh-on-unknown-serial budget.
const UNKNOWN_SERIAL = 'PUB_KEY_ID_0000000000000000000000000000';

/** Writes the error page (v2) or error JSON (v3) of a scripted `status` fault. */
export function writeStatusFault(
  res: ServerResponse,
  protocol: 'v2' | 'v3',
  status: number,
  fault: AppliedFault,
): void {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(fault.retryAfterSeconds);
  if (protocol === 'v2') {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<html><body><h1>${status}</h1></body></html>`);
    return;
  }
  const code =
    fault.code ??
    (status === 429
      ? 'FREQUENCY_LIMITED'
      : status === 503 || status === 502
        ? 'SERVICE_UNAVAILABLE'
        : 'SYSTEM_ERROR');
  const body = JSON.stringify({ code, message: fault.message ?? '系统繁忙，请稍后重试' });
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Request-ID': newRequestId(),
  });
  res.end(body);
}

/**
 * Turns a handler's answer into status, headers and body: v2 fields signed into XML, v3 JSON
 * with Wechatpay-* signature headers; the signing-related faults are applied here.
 */
export async function renderReply(
  state: HandlerState,
  reply: Reply,
  fault: AppliedFault | undefined,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  if (reply.kind === 'raw') return reply;
  const spoil: SignatureSpoiler =
    fault?.kind === 'bad-signature'
      ? 'bad'
      : fault?.kind === 'probe-signature'
        ? 'probe'
        : undefined;
  const rewrite = answerRewrite(fault, reply.kind, {
    order: (outTradeNo) => state.store.find(outTradeNo),
    refund: (outRefundNo) => state.store.findRefund(outRefundNo),
    orderOf: (refund) => state.store.orderOf(refund),
  });
  if (reply.kind === 'v2') {
    let fields: Record<string, string | undefined> = { ...reply.fields };
    if (rewrite) {
      fields = Object.fromEntries(
        Object.entries(rewrite(fields)).map(([k, v]) => [
          k,
          v === undefined ? undefined : String(v),
        ]),
      );
    }
    if (reply.signType && fault?.kind !== 'unsigned') {
      // v2 has no probes or key ids: `probe-signature` signs with the other algorithm than the
      // request asked for, `unknown-key` with a key that is not the merchant's API key.
      const other = reply.signType === 'MD5' ? 'HMAC-SHA256' : 'MD5';
      const type = fault?.kind === 'probe-signature' ? other : reply.signType;
      const apiKey = fault?.kind === 'unknown-key' ? FOREIGN_API_KEY : state.creds.apiKey;
      fields.sign = signV2(fields, apiKey, type);
      if (fault?.kind === 'bad-signature') fields.sign = spoilV2Sign(fields.sign);
    }
    return {
      status: 200,
      headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      body: Buffer.from(buildXml(fields), 'utf8'),
    };
  }
  const json =
    rewrite && typeof reply.json === 'object' && reply.json !== null
      ? rewrite({ ...(reply.json as Record<string, unknown>) })
      : reply.json;
  const text = json === undefined ? '' : JSON.stringify(json);
  // `unknown-key`: a validly formed signature by a key the client cannot know.
  const key =
    fault?.kind === 'unknown-key'
      ? { privateKey: state.creds.merchantKeys.privateKey, serial: UNKNOWN_SERIAL }
      : state.signingKey(reply.serialHint);
  const skew = fault?.kind === 'skewed-timestamp' ? (fault.skewSeconds ?? -600) : 0;
  const signed = await signatureHeadersAsync(
    text,
    key.privateKey,
    key.serial,
    Math.floor(state.now() / 1000) + skew,
    spoil,
  );
  if (fault?.kind === 'unsigned') delete signed['Wechatpay-Signature'];
  return {
    status: reply.status,
    headers: {
      ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...signed,
      'Request-ID': newRequestId(),
      ...reply.headers,
    },
    body: Buffer.from(text, 'utf8'),
  };
}
