/**
 * The minimal v2 client code (the "raw" baseline of cases A, B and F): a template string and
 * node:crypto to build a request, fast-xml-parser and node:crypto to check a reply.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { API_KEY, V2_APPID, V2_MCHID, type V2SignType } from './fixtures.js';

/** Builds a signed orderquery body; the field order is known, so the sorted string is fixed. */
export function rawV2Build(type: V2SignType, outTradeNo: string): string {
  const nonce = randomBytes(16).toString('hex');
  const s = `appid=${V2_APPID}&mch_id=${V2_MCHID}&nonce_str=${nonce}&out_trade_no=${outTradeNo}&sign_type=${type}&key=${API_KEY}`;
  const sign = (type === 'MD5' ? createHash('md5') : createHmac('sha256', API_KEY))
    .update(s)
    .digest('hex')
    .toUpperCase();
  return `<xml><appid>${V2_APPID}</appid><mch_id>${V2_MCHID}</mch_id><nonce_str>${nonce}</nonce_str><out_trade_no>${outTradeNo}</out_trade_no><sign_type>${type}</sign_type><sign>${sign}</sign></xml>`;
}

/**
 * A reply checker: fast-xml-parser with default options except keeping values as text (the
 * default number parsing would corrupt the 28-digit transaction_id), then the sign check in
 * constant time. Throws on a bad reply.
 */
export function rawV2Parser(type: V2SignType): (body: string) => Record<string, string> {
  const parser = new XMLParser({ parseTagValue: false });
  return (body) => {
    const f = (parser.parse(body) as { xml?: Record<string, string> }).xml;
    if (f?.return_code !== 'SUCCESS') throw new Error('return_code is not SUCCESS');
    const names = Object.keys(f)
      .filter((n) => n !== 'sign' && f[n] !== '')
      .sort();
    let s = '';
    for (const n of names) s += `${n}=${f[n]}&`;
    s += `key=${API_KEY}`;
    const expected = Buffer.from(
      (type === 'MD5' ? createHash('md5') : createHmac('sha256', API_KEY))
        .update(s)
        .digest('hex')
        .toUpperCase(),
    );
    const got = Buffer.from(f.sign ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new Error('bad sign');
    }
    return f;
  };
}
