/**
 * Case B: parse and verify the signed orderquery reply (the official example's fields, signed
 * with our key), MD5 and HMAC-SHA256.
 */
import { parseXml } from '@wxpay/v2-xml';
import {
  API_KEY,
  V2_APPID,
  V2_MCHID,
  V2_REPLY_FIELDS,
  type V2SignType,
  v2ReplyXml,
} from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { axiosPlugin, Tenpay, type V2ResponseModule } from '../peers.js';
import { rawV2Parser } from '../raw-v2.js';
import { contestantsOf, refuses } from './contestants-of.js';

/** True when the parsed fields are exactly the reply's fields (values as strings). */
function sameFields(got: Record<string, unknown>, sign: string): string | undefined {
  const want: Record<string, string> = { ...V2_REPLY_FIELDS, sign };
  for (const [k, v] of Object.entries(want)) {
    if (got[k] !== v) return `field ${k} is ${JSON.stringify(got[k])}, expected ${v}`;
  }
  const extra = Object.keys(got).filter((k) => !(k in want));
  return extra.length ? `unexpected fields ${extra.join(',')}` : undefined;
}

/** The contestants of case B for one sign type. */
export function v2ParseContestants(type: V2SignType, v2Response: V2ResponseModule): Contestant[] {
  const xml = v2ReplyXml(type);
  const sign = /<sign><!\[CDATA\[([0-9A-F]+)\]\]>/.exec(xml)?.[1] ?? '';
  // Same signature, one signed field changed: every contestant must refuse it.
  const tampered = xml.replace('<total_fee>1</total_fee>', '<total_fee>2</total_fee>');

  const raw = rawV2Parser(type);

  // wxpay: exactly what postV2 runs on a reply: strict parse, then the §1.5 check.
  const check = { apiKey: API_KEY, signType: type, appId: V2_APPID, mchId: V2_MCHID, status: 200 };
  const wxpay = (body: string) =>
    v2Response.checkResponse(parseXml(body, { maxBytes: Number.MAX_SAFE_INTEGER }), check);

  // tenpay: _parse() is what every call runs on a reply (xml2js, then the sign check).
  const tp = new Tenpay({ appid: V2_APPID, mchid: V2_MCHID, partnerKey: API_KEY });
  const tenpay = (body: string) => tp._parse(body, 'orderquery', type);

  // axios plugin: the v2 instance's response transformers (toObject, then verifier).
  const transformer = new axiosPlugin.Transformer(
    V2_MCHID,
    axiosPlugin.Hash.keyObjectFrom(Buffer.from(API_KEY)),
  );
  const cfg = { url: '/pay/orderquery' };
  const axios = (body: string) => {
    const data = axiosPlugin.Transformer.toObject.call(cfg, body);
    const out = transformer.verifier.call(cfg, data, {}, 200);
    // The verifier returns (not throws) a BusinessError; its response interceptor throws it.
    if (out instanceof Error) throw out;
    return out as Record<string, unknown>;
  };

  const judge = (fn: (body: string) => unknown) => ({
    run: () => fn(xml),
    check: async () => sameFields((await fn(xml)) as Record<string, unknown>, sign),
    safety: () => refuses(() => fn(tampered), 'unsafe: accepts a tampered reply'),
  });
  return contestantsOf(judge, [
    ['raw', raw, { baseline: true, note: 'fast-xml-parser + sign check' }],
    ['wxpay', wxpay, { note: 'parseXml + checkResponse (strict)' }],
    ['tenpay', tenpay, { note: '_parse (xml2js; sign compared with !==)' }],
    ['axios-plugin', axios, { note: 'Transformer toObject + verifier' }],
  ]);
}
