/**
 * Case A: build the signed body of a v2 orderquery request (fresh nonce each time), MD5 and
 * HMAC-SHA256.
 */
import { systemClock } from '@wxpay/core';
import { randomNonce } from '@wxpay/core/adapter';
import { XMLParser } from 'fast-xml-parser';
import {
  API_KEY,
  referenceV2Sign,
  V2_APPID,
  V2_MCHID,
  V2_OUT_TRADE_NO,
  type V2SignType,
} from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { axiosPlugin, Tenpay, tenpayUtil, type V2PostModule } from '../peers.js';
import { rawV2Build } from '../raw-v2.js';

const checker = new XMLParser({ parseTagValue: false });

/** Checks a built body: the fields we asked for are there and its sign verifies. */
function checkBody(xml: string, type: V2SignType): string | undefined {
  const doc = checker.parse(xml) as { xml?: Record<string, string> };
  const f = doc.xml;
  if (!f) return 'no <xml> root';
  if (f.appid !== V2_APPID || f.mch_id !== V2_MCHID || f.out_trade_no !== V2_OUT_TRADE_NO) {
    return 'appid, mch_id or out_trade_no missing';
  }
  if (!f.nonce_str) return 'no nonce_str';
  if (type !== 'MD5' && f.sign_type !== type) return `sign_type is ${f.sign_type}`;
  if (f.sign !== referenceV2Sign(f, type)) return 'sign does not verify';
  return undefined;
}

/** The contestants of case A for one sign type. */
export function v2BuildContestants(type: V2SignType, v2Post: V2PostModule): Contestant[] {
  const raw = (): string => rawV2Build(type, V2_OUT_TRADE_NO);

  // What createV2Client's postV2 runs per attempt, with the client's default nonce source.
  const ctx = {
    appId: V2_APPID,
    mchId: V2_MCHID,
    apiKey: API_KEY,
    signType: type,
    baseUrl: 'http://127.0.0.1',
    nonce: () => randomNonce(32),
    clock: systemClock,
    timeoutMs: 10_000,
    retry: undefined,
    logger: undefined,
  };
  const wxpay = (): string => v2Post.signedBody(ctx, { out_trade_no: V2_OUT_TRADE_NO });

  // tenpay: orderQuery() builds these params, then _request() signs and serializes them
  // before the POST; there is no public build-only function.
  const tp = new Tenpay({ appid: V2_APPID, mchid: V2_MCHID, partnerKey: API_KEY });
  const tenpay = (): string => {
    const params: Record<string, unknown> = {
      out_trade_no: V2_OUT_TRADE_NO,
      appid: V2_APPID,
      mch_id: V2_MCHID,
      nonce_str: tenpayUtil.generate(),
      sign_type: type,
    };
    params.sign = tp._getSign(params, type);
    return tenpayUtil.buildXML(params);
  };

  // axios plugin: its public Transformer request chain (signer, then toXml), as the v2
  // axios instance runs it; the secret is a KeyObject as xmlBased() makes it.
  const transformer = new axiosPlugin.Transformer(
    V2_MCHID,
    axiosPlugin.Hash.keyObjectFrom(Buffer.from(API_KEY)),
  );
  const requestConfig = { method: 'post', url: '/pay/orderquery' };
  const axios = (): string => {
    const signed = transformer.signer.call(requestConfig, {
      appid: V2_APPID,
      mch_id: V2_MCHID,
      out_trade_no: V2_OUT_TRADE_NO,
      sign_type: type,
    });
    return axiosPlugin.Transformer.toXml.call(requestConfig, signed);
  };

  const c = (name: string, run: () => string, extra: Partial<Contestant> = {}): Contestant => ({
    name,
    run,
    check: () => checkBody(run(), type),
    ...extra,
  });
  return [
    c('raw', raw, { baseline: true, note: 'template string + node:crypto' }),
    c('wxpay', wxpay, { note: 'postV2 signedBody (internal)' }),
    c('tenpay', tenpay, { note: '_getSign + util.buildXML (no public build fn)' }),
    c('axios-plugin', axios, { note: 'Transformer signer + toXml' }),
  ];
}
