import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SimulatorEndpoint } from './client-config.js';
import type { SimulatorMerchant } from './credentials.js';

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
export interface SimulatorCredentialsFile extends SimulatorMerchant {
  readonly baseUrl: string;
  /** In TLS mode: the CA to trust. */
  readonly tlsCa?: string;
}

/** The content of the credentials file (pure). */
export function credentialsFileContent(sim: CredentialsSource): SimulatorCredentialsFile {
  // Spreading reads the merchant's getters (the current platform certificates).
  return { baseUrl: sim.url, ...sim.merchant, ...(sim.tls ? { tlsCa: sim.tls.ca } : {}) };
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
