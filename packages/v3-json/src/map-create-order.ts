import type { AppConfig, BridgeConfig, CreateOrderParams, Prepay, SubMerchant } from '@wxpay/core';
import { ValidationError } from '@wxpay/core';
import { checkPartnerPayer } from '@wxpay/core/adapter';
import { opt } from './map-order.js';
import { mergeWire, orderDetailsToWire } from './map-order-details.js';
import { formatRfc3339Beijing } from './map-time.js';
import { notifyUrlProblem } from './notify-url.js';
import { PARTNER_ORDER_PATHS, toPartnerOrderBody } from './partner/map-partner.js';
import { decodeWire } from './schemas/decode-wire.js';
import { hasNonEmptyString } from './schemas/fast-check.js';
import {
  codeUrlResponseSchema,
  h5UrlResponseSchema,
  prepayIdResponseSchema,
} from './schemas/misc.js';

/** The v3 endpoint and JSON body for a neutral order. */
export interface WireOrderRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

const PATHS = {
  jsapi: '/v3/pay/transactions/jsapi',
  miniprogram: '/v3/pay/transactions/jsapi',
  app: '/v3/pay/transactions/app',
  native: '/v3/pay/transactions/native',
  h5: '/v3/pay/transactions/h5',
} as const;

/**
 * Maps validated {@link CreateOrderParams} to the v3 request (docs/protocol/v3.md). Fields v3
 * cannot carry are refused with a {@link ValidationError} naming them, never dropped.
 */
export function toWireOrderRequest(
  params: CreateOrderParams,
  merchant: {
    readonly appId: string;
    readonly mchId: string;
    readonly notifyUrl?: string | undefined;
  },
  sub?: SubMerchant,
): WireOrderRequest {
  const payer = params.kind === 'jsapi' || params.kind === 'miniprogram' ? params.payer : undefined;
  checkPartnerPayer(payer, sub);
  const details = orderDetailsToWire(params);
  const notifyUrl = params.notifyUrl ?? merchant.notifyUrl;
  if (!notifyUrl) {
    throw new ValidationError('invalid createOrder params: notifyUrl is required in v3', [
      { path: 'notifyUrl', message: 'required (set it here or in the client config)' },
    ]);
  }
  const problem = notifyUrlProblem(notifyUrl);
  if (problem) {
    throw new ValidationError(`invalid createOrder params: notifyUrl ${problem}`, [
      { path: 'notifyUrl', message: problem },
    ]);
  }
  if (params.kind === 'native' && params.productId !== undefined) {
    throw new ValidationError('invalid createOrder params: productId does not exist in v3', [
      { path: 'productId', message: 'not supported by the v3 Native API; remove it' },
    ]);
  }
  if (params.deviceId !== undefined && params.clientIp === undefined) {
    throw new ValidationError('invalid createOrder params: deviceId needs clientIp in v3', [
      {
        path: 'clientIp',
        message: 'required when deviceId is set (v3 scene_info.payer_client_ip)',
      },
    ]);
  }
  if (details.storeInfo !== undefined && params.clientIp === undefined) {
    throw new ValidationError('invalid createOrder params: store needs clientIp in v3', [
      {
        path: 'clientIp',
        message: 'required when store is set (v3 scene_info.payer_client_ip)',
      },
    ]);
  }
  let sceneInfo: Record<string, unknown> | undefined;
  if (params.clientIp !== undefined) {
    sceneInfo = {
      payer_client_ip: params.clientIp,
      ...opt('device_id', params.deviceId),
      ...opt('store_info', details.storeInfo),
    };
  }
  if (params.kind === 'h5') {
    const h5 = params.h5Info;
    sceneInfo = {
      ...sceneInfo,
      h5_info: {
        type: h5.type,
        ...opt('app_name', h5.appName),
        ...opt('app_url', h5.appUrl),
        ...opt('bundle_id', h5.bundleId),
        ...opt('package_name', h5.packageName),
      },
    };
  }
  const body: Record<string, unknown> = {
    appid: merchant.appId,
    mchid: merchant.mchId,
    description: params.description,
    out_trade_no: params.outTradeNo,
    ...opt('time_expire', params.expiresAt ? formatRfc3339Beijing(params.expiresAt) : undefined),
    ...opt('attach', params.attach),
    notify_url: notifyUrl,
    ...opt('goods_tag', params.goodsTag),
    amount: { total: params.amount.total, currency: params.amount.currency ?? 'CNY' },
    ...(payer && 'openid' in payer ? { payer: { openid: payer.openid } } : {}),
    ...details.fields,
    ...opt('scene_info', sceneInfo),
  };
  if (sub === undefined) return { path: PATHS[params.kind], body: mergeWire(body, params.wire) };
  return {
    path: PARTNER_ORDER_PATHS[params.kind],
    body: mergeWire(toPartnerOrderBody(body, sub, payer), params.wire),
  };
}

/** Signs the client-side parameters for a prepay id (they need the merchant key). */
export interface ClientParamsSigner {
  bridge(prepayId: string): Promise<BridgeConfig>;
  app(prepayId: string): Promise<AppConfig>;
}

/** Maps the verified answer of an order creation to the neutral {@link Prepay} of its kind. */
export async function toPrepay(
  kind: CreateOrderParams['kind'],
  data: unknown,
  sign: ClientParamsSigner,
): Promise<Prepay> {
  switch (kind) {
    case 'jsapi':
    case 'miniprogram': {
      const { prepay_id } = hasNonEmptyString(data, 'prepay_id')
        ? data
        : decodeWire(prepayIdResponseSchema, data, 'prepay response');
      return { kind, prepayId: prepay_id, bridgeConfig: await sign.bridge(prepay_id) };
    }
    case 'app': {
      const { prepay_id } = hasNonEmptyString(data, 'prepay_id')
        ? data
        : decodeWire(prepayIdResponseSchema, data, 'prepay response');
      return { kind: 'app', prepayId: prepay_id, appConfig: await sign.app(prepay_id) };
    }
    case 'native': {
      const { code_url } = hasNonEmptyString(data, 'code_url')
        ? data
        : decodeWire(codeUrlResponseSchema, data, 'native prepay response');
      return { kind: 'native', codeUrl: code_url };
    }
    case 'h5': {
      const { h5_url } = decodeWire(h5UrlResponseSchema, data, 'h5 prepay response');
      return { kind: 'h5', h5Url: h5_url };
    }
  }
}
