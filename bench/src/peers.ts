/**
 * Typed handles on the peer SDKs (CommonJS, loaded with `createRequire`) and on the wxpay
 * internals the clients run on their hot path. Only the members the benchmark calls are typed.
 */
import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type { V3Pieces } from './cases/v3-pieces.js';

const require = createRequire(import.meta.url);

// ---- tenpay 2.1.18 ----------------------------------------------------------------------

/** tenpay's `Payment` instance (underscore members are its internal helpers). */
export interface TenpayPayment {
  urls: Record<string, string>;
  _getSign(params: Record<string, unknown>, type?: string): string;
  _parse(xml: string, type: string, signType?: string): Promise<Record<string, unknown>>;
  orderQuery(params: Record<string, unknown>): Promise<Record<string, unknown>>;
}
/** tenpay's `lib/util` module. */
export interface TenpayUtil {
  generate(length?: number): string;
  buildXML(obj: Record<string, unknown>, rootName?: string): string;
}
/** The tenpay constructor. */
export const Tenpay = require('tenpay') as new (config: {
  appid: string;
  mchid: string;
  partnerKey: string;
}) => TenpayPayment;
/** tenpay's XML and nonce helpers. */
export const tenpayUtil = require('tenpay/lib/util.js') as TenpayUtil;

// ---- wechatpay-axios-plugin 0.9.6 -------------------------------------------------------

/** An axios response as far as the benchmark reads it. */
export interface AxiosLikeResponse {
  readonly status: number;
  readonly data: unknown;
}
/** The plugin's `Wechatpay` instance: `v2` and `v3` are URL-segment chains (proxies). */
export interface AxiosWechatpay {
  readonly v2: unknown;
  readonly v3: unknown;
}
/**
 * Walks the plugin's URL chain (`wx.v3.pay.transactions…`) and returns the HTTP verb at its
 * end, e.g. `axiosChain(wx.v3, ['pay', 'orderquery'], 'post')`.
 */
export function axiosChain(
  root: unknown,
  segments: readonly string[],
  verb: 'get' | 'post',
): (...args: unknown[]) => Promise<AxiosLikeResponse> {
  let node = root as Record<string, unknown>;
  for (const s of segments) node = node[s] as Record<string, unknown>;
  const fn = node[verb] as (...args: unknown[]) => Promise<AxiosLikeResponse>;
  return (...args) => fn(...args);
}
/** The plugin's module: the `Wechatpay` class plus its static helpers. */
export interface AxiosPluginModule {
  new (config: Record<string, unknown>): AxiosWechatpay;
  Formatter: {
    nonce(size?: number): string;
    timestamp(): number;
    request(method: string, uri: string, ts: number | string, nonce: string, body?: string): string;
    response(ts: number | string, nonce: string, body?: string): string;
    authorization(
      mchid: string,
      nonce: string,
      signature: string,
      ts: number | string,
      serial: string,
    ): string;
  };
  Rsa: {
    sign(message: string, privateKey: KeyObject | string): string;
    verify(message: string, signature: string, publicKey: KeyObject | string): boolean;
    from(thing: string | KeyObject, type?: 'private' | 'public'): KeyObject;
  };
  Aes: {
    AesGcm: { decrypt(ciphertext: string, key: string, iv: string, aad?: string): string };
  };
  Hash: { keyObjectFrom(thing: string | Buffer): KeyObject };
  Transformer: {
    new (
      mchid: string,
      secret: KeyObject,
    ): {
      readonly signer: (this: object, data: Record<string, unknown>) => Record<string, unknown>;
      readonly verifier: (
        this: object,
        data: unknown,
        headers: Record<string, string>,
        status: number,
      ) => unknown;
    };
    toObject(this: object, xml: string): Record<string, unknown>;
    toXml(this: object, data: Record<string, unknown>): string;
  };
  Decorator: {
    responseVerifier(
      certs: Record<string, KeyObject>,
    ): (this: object, data: unknown, headers: Record<string, string>, status: number) => unknown;
  };
}
/** wechatpay-axios-plugin. */
export const axiosPlugin = require('wechatpay-axios-plugin') as AxiosPluginModule;

// ---- wechatpay-node-v3 2.2.1 ------------------------------------------------------------

/** The `http` service wechatpay-node-v3 sends through (replaceable with `createHttp`). */
export interface NodeV3Http {
  get(url: string, headers: Record<string, string>): Promise<{ status: number; data?: unknown }>;
  post(url: string, params: unknown, headers: Record<string, string>): Promise<unknown>;
  upload(url: string, params: unknown, headers: Record<string, string>): Promise<unknown>;
}
/** wechatpay-node-v3's `Pay` instance. */
export interface NodeV3Pay {
  createHttp(service: NodeV3Http): void;
  getSignature(method: string, nonce: string, ts: string, url: string, body?: string): string;
  getAuthorization(nonce: string, ts: string, signature: string): string;
  verifySign(params: {
    timestamp: string | number;
    nonce: string;
    body: string;
    serial: string;
    signature: string;
  }): Promise<boolean>;
  decipher_gcm<T>(ciphertext: string, associatedData: string, nonce: string, key?: string): T;
  query(params: { out_trade_no: string }): Promise<{ status: number; data?: unknown }>;
}
/** The `Pay` class; `certificates` is its static serial → PEM map. */
export const NodeV3 = require('wechatpay-node-v3') as {
  new (config: Record<string, unknown>): NodeV3Pay;
  certificates: Record<string, string>;
};
/** wechatpay-node-v3's own superagent-based HTTP service. */
export const NodeV3PayRequest = (
  require('wechatpay-node-v3/dist/lib/pay-request.js') as { PayRequest: new () => NodeV3Http }
).PayRequest;
/** The production origin wechatpay-node-v3 hard-codes into every URL. */
export const NODE_V3_ORIGIN = 'https://api.mch.weixin.qq.com';

// ---- wxpay internals --------------------------------------------------------------------

/** Imports a module of a workspace package's build output that the package does not export. */
async function internal<T>(pkg: string, file: string): Promise<T> {
  const entry = import.meta.resolve(pkg);
  return (await import(new URL(file, entry).href)) as T;
}

/** `@wxpay/v2-xml` `request.ts`: the body builder `postV2` runs per attempt. */
export interface V2PostModule {
  signedBody(ctx: Record<string, unknown>, fields: Record<string, string>): string;
}
/** `@wxpay/v2-xml` `map-response.ts`: the §1.5 check `postV2` runs on every reply. */
export interface V2ResponseModule {
  checkResponse(
    raw: Record<string, string>,
    check: { apiKey: string; signType: string; appId: string; mchId: string; status: number },
  ): Record<string, string>;
}
/** `@wxpay/v3-json` `request.ts`: the signed-request pipeline of the v3 client. */
export interface V3RequestModule {
  createV3Requester(options: Record<string, unknown>): {
    authorize(method: string, pathAndQuery: string, body?: string): Promise<string>;
  };
}

/** Loads the wxpay internals used by cases A, B, C and H. */
export async function loadWxpayInternals(): Promise<{
  v2Post: V2PostModule;
  v2Response: V2ResponseModule;
  v3Request: V3RequestModule;
  v3Pieces: V3Pieces;
}> {
  const v3 = <T>(path: string) => internal<T>('@wxpay/v3-json', path);
  const mapOrder = await v3<Pick<V3Pieces, 'toOrder'>>('./map-order.js');
  const decode = await v3<Pick<V3Pieces, 'parseJson'>>('./schemas/decode-wire.js');
  const wireUrl = await v3<Pick<V3Pieces, 'createWireUrl'>>('./wire-url.js');
  const fast = await v3<Pick<V3Pieces, 'isWireTransaction'>>('./schemas/fast-check.js');
  const schema = await v3<Pick<V3Pieces, 'transactionSchema'>>('./schemas/transaction.js');
  return {
    v3Pieces: {
      toOrder: mapOrder.toOrder,
      parseJson: decode.parseJson,
      createWireUrl: wireUrl.createWireUrl,
      isWireTransaction: fast.isWireTransaction,
      transactionSchema: schema.transactionSchema,
    },
    v2Post: await internal<V2PostModule>('@wxpay/v2-xml', './request.js'),
    v2Response: await internal<V2ResponseModule>('@wxpay/v2-xml', './map-response.js'),
    v3Request: await internal<V3RequestModule>('@wxpay/v3-json', './request.js'),
  };
}
