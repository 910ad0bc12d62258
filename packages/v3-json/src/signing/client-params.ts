import type { KeyObject } from 'node:crypto';
import type { AppConfig, BridgeConfig } from '@wxpay/core';
import { buildPaySignMessage } from './build-message.js';
import { signMessage } from './sign.js';

/** The fresh values each set of client parameters is signed with. */
export interface ClientParamsInput {
  readonly appId: string;
  readonly prepayId: string;
  /** Unix seconds, as text. */
  readonly timestamp: string;
  readonly nonceStr: string;
}

/** The JSAPI / mini-program bridge parameters (`paySign` is RSA over the pay-sign message). */
export async function buildBridgeConfig(
  privateKey: KeyObject,
  input: ClientParamsInput,
): Promise<BridgeConfig> {
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = await signMessage(
    privateKey,
    buildPaySignMessage(input.appId, input.timestamp, input.nonceStr, pkg),
  );
  return {
    appId: input.appId,
    timeStamp: input.timestamp,
    nonceStr: input.nonceStr,
    package: pkg,
    signType: 'RSA',
    paySign,
  };
}

/** The App SDK parameters (`sign` is RSA over the pay-sign message with the bare prepay id). */
export async function buildAppConfig(
  privateKey: KeyObject,
  mchId: string,
  input: ClientParamsInput,
): Promise<AppConfig> {
  const sign = await signMessage(
    privateKey,
    buildPaySignMessage(input.appId, input.timestamp, input.nonceStr, input.prepayId),
  );
  return {
    appid: input.appId,
    partnerid: mchId,
    prepayid: input.prepayId,
    package: 'Sign=WXPay',
    noncestr: input.nonceStr,
    timestamp: input.timestamp,
    sign,
  };
}
