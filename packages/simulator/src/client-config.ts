import type { TrustMode } from './context.js';
import type { SimulatorMerchant } from './credentials.js';

/** What {@link clientConfig} needs to know about a running simulator. */
export interface SimulatorEndpoint {
  /** Base URL the simulator listens on. */
  readonly url: string;
  /** Its generated merchant credentials. */
  readonly merchant: SimulatorMerchant;
  /** In TLS mode, the CA clients must trust. */
  readonly tls: { readonly ca: string } | undefined;
  /** How it signs v3 answers. */
  readonly trust: TrustMode;
}

/** HTTPS trust for a simulator started with `tls: true`. */
export interface SimulatorTransport {
  readonly tls: { readonly ca: string };
}

/** A v2 client config pointing at the simulator; structurally a `createV2Client` config. */
export interface SimulatorV2ClientConfig {
  readonly appId: string;
  readonly mchId: string;
  /** The simulator's 32-character APIv2 key. */
  readonly apiKey: string;
  readonly baseUrl: string;
  /** In TLS mode: the merchant certificate for `/secapi/*` calls over mutual TLS. */
  readonly clientCertificate?: {
    readonly cert: string;
    readonly key: string;
    readonly ca: string;
  };
  readonly transport?: SimulatorTransport;
}

/** A v3 client config pointing at the simulator; structurally a `createV3Client` config. */
export interface SimulatorV3ClientConfig {
  readonly mchId: string;
  readonly appId: string;
  /** The merchant API private key, PKCS#8 PEM. */
  readonly privateKey: string;
  readonly certificateSerial: string;
  readonly apiV3Key: string;
  readonly baseUrl: string;
  /** Present when the simulator signs with the WeChat Pay public key only (`trust: 'public-key'`). */
  readonly wechatpayPublicKey?: { readonly id: string; readonly key: string };
  readonly transport?: SimulatorTransport;
}

/** The config for each protocol. */
export interface SimulatorClientConfigs {
  readonly v2: SimulatorV2ClientConfig;
  readonly v3: SimulatorV3ClientConfig;
}

/** The keys an object type requires. */
export type RequiredKeys<T> = {
  [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K;
}[keyof T];

/**
 * `Base` with `Overrides` merged over it shallowly: a key the overrides require takes their
 * type; a key they may leave out keeps what `Base` guarantees.
 */
export type WithOverrides<Base, Overrides> = Omit<Base, RequiredKeys<Overrides>> & Overrides;

/**
 * A config ready for `createV2Client` / `createV3Client`, built from the simulator's generated
 * credentials and URL: `createV3Client(sim.clientConfig('v3'))`. `overrides` are merged over it
 * shallowly (`notifyUrl`, `retry`, `signType`, `wechatpayPublicKey` …); an override set to
 * `undefined` removes the key.
 *
 * v3 trust follows the simulator's: platform certificates (downloaded from `/v3/certificates`)
 * unless it was started with `trust: 'public-key'`, where the config carries the WeChat Pay
 * public key instead. Pass `{ wechatpayPublicKey: sim.merchant.wechatpayPublicKey }` to use the
 * public key with a simulator that signs with both. In TLS mode the config trusts the
 * simulator's CA, and the v2 config carries the merchant certificate for mutual TLS.
 *
 * The simulator never imports an adapter, so the result is typed structurally; the adapter's
 * factory checks it.
 */
export function clientConfig<P extends 'v2' | 'v3', O extends object = Record<never, never>>(
  sim: SimulatorEndpoint,
  protocol: P,
  overrides?: O,
): WithOverrides<SimulatorClientConfigs[P], O> {
  const m = sim.merchant;
  const transport = sim.tls ? { transport: { tls: { ca: sim.tls.ca } } } : {};
  const base: SimulatorV2ClientConfig | SimulatorV3ClientConfig =
    protocol === 'v2'
      ? {
          appId: m.appId,
          mchId: m.mchId,
          apiKey: m.apiKey,
          baseUrl: sim.url,
          ...(sim.tls
            ? { clientCertificate: { cert: m.certificate, key: m.privateKey, ca: sim.tls.ca } }
            : {}),
          ...transport,
        }
      : {
          mchId: m.mchId,
          appId: m.appId,
          privateKey: m.privateKey,
          certificateSerial: m.certificateSerial,
          apiV3Key: m.apiV3Key,
          baseUrl: sim.url,
          ...(sim.trust === 'public-key' ? { wechatpayPublicKey: m.wechatpayPublicKey } : {}),
          ...transport,
        };
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete merged[key];
  }
  return merged as WithOverrides<SimulatorClientConfigs[P], O>;
}
