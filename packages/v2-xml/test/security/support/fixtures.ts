import { randomBytes } from 'node:crypto';
import {
  buildXml,
  createV2Client,
  encryptReqInfo,
  reqInfoKey,
  type SignType,
  signFields,
  type V2Client,
  type V2ClientConfig,
} from '../../../src/index.js';

/** A fresh random 32-character API key (printable, like the merchant console's). */
export function randomApiKey(): string {
  return randomBytes(24).toString('base64').replace(/[+/]/g, 'x').slice(0, 32);
}

export const APP_ID = 'wx2421b1c4370ec43b';
export const MCH_ID = '10000100';

/** The fields of a paid order as `/pay/orderquery` answers them (docs/protocol/v2.md). */
export const PAID_ORDER: Readonly<Record<string, string>> = {
  return_code: 'SUCCESS',
  return_msg: 'OK',
  appid: APP_ID,
  mch_id: MCH_ID,
  nonce_str: 'q1w2e3r4t5y6u7i8o9p0',
  result_code: 'SUCCESS',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  is_subscribe: 'N',
  trade_type: 'JSAPI',
  bank_type: 'CMC',
  total_fee: '101',
  fee_type: 'CNY',
  cash_fee: '101',
  transaction_id: '4200000123202611230123456789',
  out_trade_no: 'SEC20261123000001',
  attach: '说明 <&> ]]> "quoted"',
  time_end: '20261123093000',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
};

/** A payment notification for the same order (no trade_state; result_code decides). */
export const PAYMENT_NOTIFICATION: Readonly<Record<string, string>> = (() => {
  const { trade_state: _s, trade_state_desc: _d, return_msg: _m, ...rest } = PAID_ORDER;
  return rest;
})();

/** The decrypted `req_info` of a refund notification. */
export const REFUND_INFO: Readonly<Record<string, string>> = {
  transaction_id: PAID_ORDER.transaction_id as string,
  out_trade_no: PAID_ORDER.out_trade_no as string,
  refund_id: '50000000382019052709732678859',
  out_refund_no: 'RSEC20261123000001',
  total_fee: '101',
  refund_fee: '100',
  settlement_refund_fee: '100',
  refund_status: 'SUCCESS',
  success_time: '2026-11-23 09:31:00',
  refund_recv_accout: '招商银行信用卡0403',
  refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
  refund_request_source: 'API',
};

/** `fields` with their `sign` (and `sign_type` unless MD5), serialised as WeChat Pay does. */
export function signedXml(
  fields: Readonly<Record<string, string>>,
  apiKey: string,
  signType: SignType,
): string {
  const all: Record<string, string> = { ...fields };
  if (signType !== 'MD5') all.sign_type = signType;
  all.sign = signFields(all, apiKey, signType);
  return buildXml(all);
}

/** The plaintext of a refund notification's `req_info`: {@link REFUND_INFO} with `changes`. */
export function refundInfoXml(changes: Readonly<Record<string, string | undefined>> = {}): string {
  return buildXml({ ...REFUND_INFO, ...changes }, 'root');
}

/** A refund notification body: unsigned outer fields, `req_info` encrypted under md5(apiKey). */
export function refundNotificationXml(apiKey: string, reqInfo?: string): string {
  const inner = refundInfoXml();
  return buildXml({
    return_code: 'SUCCESS',
    appid: APP_ID,
    mch_id: MCH_ID,
    nonce_str: 'n0tific4tion',
    req_info: reqInfo ?? encryptReqInfo(inner, reqInfoKey(apiKey)),
  });
}

/**
 * One v2 client per sign type for the test merchant, retries off: the security suites run each
 * check under both types. `extra` adds settings, per type when it is a function.
 */
export function clientsBySignType(
  apiKey: string,
  baseUrl: string,
  extra: Partial<V2ClientConfig> | ((signType: SignType) => Partial<V2ClientConfig>) = {},
): Record<SignType, V2Client> {
  const make = (signType: SignType) =>
    createV2Client({
      appId: APP_ID,
      mchId: MCH_ID,
      apiKey,
      baseUrl,
      retry: { maxAttempts: 1 },
      timeoutMs: 5_000,
      signType,
      ...(typeof extra === 'function' ? extra(signType) : extra),
    });
  return { MD5: make('MD5'), 'HMAC-SHA256': make('HMAC-SHA256') };
}

/** Closes every client of {@link clientsBySignType}. */
export async function closeClients(clients: Record<SignType, V2Client>): Promise<void> {
  await Promise.all(Object.values(clients).map((c) => c.close()));
}
