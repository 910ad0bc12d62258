import type { AppConfig, BridgeConfig } from '@wxpay/core';
import { signFields } from './sign-fields.js';
import type { SignType } from './sign-type.js';

/** Inputs of the JSAPI / mini-program bridge parameters. */
export interface BridgeConfigInput {
  readonly appId: string;
  readonly prepayId: string;
  /** Unix seconds, as text. */
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly signType: SignType;
}

/**
 * The parameters of `getBrandWCPayRequest` / `wx.requestPayment` (docs/protocol/v2.md): `paySign`
 * is the v2 sign over exactly appId, nonceStr, package, signType and timeStamp.
 */
export function buildBridgeConfig(input: BridgeConfigInput, apiKey: string): BridgeConfig {
  const fields = {
    appId: input.appId,
    timeStamp: input.timeStamp,
    nonceStr: input.nonceStr,
    package: `prepay_id=${input.prepayId}`,
    signType: input.signType,
  } as const;
  return { ...fields, paySign: signFields(fields, apiKey, input.signType) };
}

/** Inputs of the App SDK `PayReq` parameters. */
export interface AppConfigInput {
  readonly appId: string;
  readonly mchId: string;
  readonly prepayId: string;
  /** Unix seconds, as text. */
  readonly timestamp: string;
  readonly nonceStr: string;
  /**
   * The sign type of the unifiedorder call that returned the prepay id: the App checks `sign`
   * with it, and a mismatch makes the App answer -1 (docs/protocol/v2.md, App parameters).
   */
  readonly signType: SignType;
}

/** The App SDK `PayReq` parameters (docs/protocol/v2.md), `sign` over the six lowercase keys. */
export function buildAppConfig(input: AppConfigInput, apiKey: string): AppConfig {
  const fields = {
    appid: input.appId,
    partnerid: input.mchId,
    prepayid: input.prepayId,
    package: 'Sign=WXPay',
    noncestr: input.nonceStr,
    timestamp: input.timestamp,
  } as const;
  return { ...fields, sign: signFields(fields, apiKey, input.signType) };
}
