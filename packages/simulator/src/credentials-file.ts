import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SimulatorEndpoint } from './client-config.js';

/**
 * Where both `wxpay-simulator` and `wxpay simulator` write the test credentials unless
 * `--credentials-file` names another path: the working directory, so the file is easy to find
 * and to pass on as `wxpay … --config wxpay-simulator-credentials.json`.
 */
export const DEFAULT_CREDENTIALS_FILE = 'wxpay-simulator-credentials.json';

/** What the file is made from: a running simulator. */
export type CredentialsSource = Pick<SimulatorEndpoint, 'url' | 'merchant' | 'tls'>;

/** The one flag (without `--`) both simulator commands take for that path. */
export const CREDENTIALS_FILE_FLAG = 'credentials-file';

/**
 * The credentials file: the simulator's merchant, plus its base URL. Its keys are the `wxpay`
 * command's config keys, so the file works as `--config` as it is.
 */
export interface SimulatorCredentialsFile {
  readonly baseUrl: string;
  readonly mchId: string;
  readonly appId: string;
  readonly apiKey: string;
  readonly apiV3Key: string;
  readonly privateKey: string;
  readonly certificate: string;
  readonly certificateSerial: string;
  readonly wechatpayPublicKey: { readonly id: string; readonly key: string };
  readonly platformCertificates: readonly { readonly serial: string; readonly pem: string }[];
  /** In TLS mode: the CA to trust. */
  readonly tlsCa?: string;
}

/** The content of the credentials file (pure). */
export function credentialsFileContent(sim: CredentialsSource): SimulatorCredentialsFile {
  const m = sim.merchant;
  return {
    baseUrl: sim.url,
    mchId: m.mchId,
    appId: m.appId,
    apiKey: m.apiKey,
    apiV3Key: m.apiV3Key,
    privateKey: m.privateKey,
    certificate: m.certificate,
    certificateSerial: m.certificateSerial,
    wechatpayPublicKey: m.wechatpayPublicKey,
    platformCertificates: m.platformCertificates,
    ...(sim.tls ? { tlsCa: sim.tls.ca } : {}),
  };
}

/**
 * Writes the credentials file readable by its owner only (mode 0600, also when it already
 * existed) and returns its absolute path. Secrets go to a private file rather than the
 * terminal: terminal output ends up in CI logs and screen shares.
 */
export function writeCredentialsFile(
  sim: CredentialsSource,
  path: string = DEFAULT_CREDENTIALS_FILE,
): string {
  const file = resolve(path);
  writeFileSync(file, `${JSON.stringify(credentialsFileContent(sim), null, 2)}\n`, {
    mode: 0o600,
  });
  chmodSync(file, 0o600);
  return file;
}
