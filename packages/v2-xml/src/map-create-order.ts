import {
  type CreateOrderParams,
  type H5Info,
  type Prepay,
  ResponseValidationError,
  ValidationError,
} from '@wxpay/core';
import { mergeWireV2, orderDetailsToV2, sceneInfoWithStore } from './map-order-details.js';
import { formatBeijingTime } from './map-time.js';
import { decodeWire } from './schemas/decode-wire.js';
import { unifiedOrderResponseSchema } from './schemas/misc.js';
import { buildAppConfig, buildBridgeConfig } from './signing/client-params.js';
import type { SignType } from './signing/sign-type.js';

const TRADE_TYPE = {
  jsapi: 'JSAPI',
  miniprogram: 'JSAPI',
  app: 'APP',
  native: 'NATIVE',
  h5: 'MWEB',
} as const;

/** Checks the fields v2 needs that the neutral schema leaves optional. */
export function requireV2Fields(
  clientIp: string | undefined,
  notifyUrl: string | undefined,
  what: string,
): { clientIp: string; notifyUrl: string } {
  const issues = [];
  if (!clientIp)
    issues.push({ path: 'clientIp', message: 'is required by the v2 API (spbill_create_ip)' });
  if (!notifyUrl) {
    issues.push({
      path: 'notifyUrl',
      message: 'is required (set it on the call or in the client config)',
    });
  }
  if (issues.length > 0 || !clientIp || !notifyUrl) {
    throw new ValidationError(
      `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  return { clientIp, notifyUrl };
}

/** The v2 `scene_info` JSON text of an H5 order. */
export function sceneInfoOf(info: H5Info): string {
  const h5 =
    info.type === 'Wap'
      ? { type: 'Wap', wap_url: info.appUrl, wap_name: info.appName }
      : info.type === 'iOS'
        ? { type: 'IOS', app_name: info.appName, bundle_id: info.bundleId }
        : { type: 'Android', app_name: info.appName, package_name: info.packageName };
  return JSON.stringify({ h5_info: h5 });
}

/** The business fields of `/pay/unifiedorder` for neutral parameters. */
export function toUnifiedOrderFields(
  params: CreateOrderParams,
  defaults: { readonly notifyUrl?: string | undefined },
): Record<string, string | number | undefined> {
  const { clientIp, notifyUrl } = requireV2Fields(
    params.clientIp,
    params.notifyUrl ?? defaults.notifyUrl,
    'createOrder params',
  );
  const payer = params.kind === 'jsapi' || params.kind === 'miniprogram' ? params.payer : undefined;
  return mergeWireV2(
    {
      body: params.description,
      out_trade_no: params.outTradeNo,
      total_fee: params.amount.total,
      fee_type: params.amount.currency,
      spbill_create_ip: clientIp,
      notify_url: notifyUrl,
      trade_type: TRADE_TYPE[params.kind],
      attach: params.attach,
      time_expire: params.expiresAt ? formatBeijingTime(params.expiresAt) : undefined,
      goods_tag: params.goodsTag,
      device_info: params.deviceId,
      openid: payer && 'openid' in payer ? payer.openid : undefined,
      sub_openid: payer && 'subOpenid' in payer ? payer.subOpenid : undefined,
      product_id: params.kind === 'native' ? (params.productId ?? params.outTradeNo) : undefined,
      scene_info: sceneInfoWithStore(
        params.kind === 'h5' ? sceneInfoOf(params.h5Info) : undefined,
        params.store,
      ),
      ...orderDetailsToV2(params),
    },
    params.wire,
  );
}

/** What is needed to build the client-side invocation parameters. */
export interface PrepayContext {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: SignType;
  /** Unix seconds, as text. */
  readonly timestamp: string;
  readonly nonceStr: string;
}

function need(raw: Readonly<Record<string, string>>, field: string): string {
  const value = raw[field];
  if (!value) {
    throw new ResponseValidationError(`unifiedorder reply lacks ${field}`, {
      issues: [{ path: field, message: 'is required' }],
      raw,
    });
  }
  return value;
}

/** Maps a verified unifiedorder reply to the {@link Prepay} of the order's kind. */
export function toPrepay(
  kind: CreateOrderParams['kind'],
  raw: Readonly<Record<string, string>>,
  ctx: PrepayContext,
): Prepay {
  const reply = decodeWire(unifiedOrderResponseSchema, raw, 'unifiedorder reply');
  const prepayId = reply.prepay_id || undefined;
  switch (kind) {
    case 'jsapi':
    case 'miniprogram':
    case 'app': {
      const id = need(raw, 'prepay_id');
      // The client-side parameters are signed with the key and sign type of this call.
      const { apiKey, ...signer } = ctx;
      return kind === 'app'
        ? { kind, prepayId: id, appConfig: buildAppConfig({ ...signer, prepayId: id }, apiKey) }
        : {
            kind,
            prepayId: id,
            bridgeConfig: buildBridgeConfig(
              { ...signer, timeStamp: ctx.timestamp, prepayId: id },
              apiKey,
            ),
          };
    }
    case 'native':
      return { kind, codeUrl: need(raw, 'code_url'), ...(prepayId ? { prepayId } : {}) };
    case 'h5':
      return { kind, h5Url: need(raw, 'mweb_url'), ...(prepayId ? { prepayId } : {}) };
  }
}
