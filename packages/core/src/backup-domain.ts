import { AbortedError, ConnectionError, TimeoutError } from './errors.js';
import type { Logger } from './logger.js';

/** The production API origin. */
export const PRIMARY_API_ORIGIN = 'https://api.mch.weixin.qq.com';
/** Its documented backup: a different access point (docs/protocol/live-behaviour.md, transport). */
export const BACKUP_API_ORIGIN = 'https://api2.mch.weixin.qq.com';

/**
 * The origin to fail over to for a client's `baseUrl`: the documented backup when the client
 * talks to the production origin, nothing for a custom `baseUrl` (a proxy or a simulator has no
 * known backup) unless one is configured; `false` turns failover off.
 */
export function resolveBackupBaseUrl(
  baseUrl: string,
  configured: string | false | undefined,
): string | undefined {
  if (configured === false) return undefined;
  if (configured !== undefined) return configured.replace(/\/+$/, '');
  return baseUrl.replace(/\/+$/, '') === PRIMARY_API_ORIGIN ? BACKUP_API_ORIGIN : undefined;
}

/**
 * True for a failure to reach the server at all (refused, reset, DNS), not for an answer and
 * not for a timeout or a caller's abort.
 */
export function isConnectionFailure(error: unknown): boolean {
  return (
    ConnectionError.isInstance(error) &&
    !TimeoutError.isInstance(error) &&
    !AbortedError.isInstance(error)
  );
}

/** Options of {@link withBackupDomain}. */
export interface BackupDomainOptions {
  readonly baseUrl: string;
  readonly backupBaseUrl: string | undefined;
  /** Only idempotent calls fail over. */
  readonly idempotent: boolean;
  readonly logger?: Logger | undefined;
  readonly method: string;
  readonly path: string;
}

/**
 * Runs one attempt against `baseUrl`; when it cannot connect and the call is idempotent, runs
 * it once more against the backup origin, with a `warn` event saying so.
 */
export async function withBackupDomain<T>(
  attempt: (baseUrl: string) => Promise<T>,
  options: BackupDomainOptions,
): Promise<T> {
  try {
    return await attempt(options.baseUrl);
  } catch (error) {
    if (!options.backupBaseUrl || !options.idempotent || !isConnectionFailure(error)) throw error;
    try {
      options.logger?.({
        level: 'warn',
        message: `cannot connect to ${new URL(options.baseUrl).host}; retrying once on the backup domain ${new URL(options.backupBaseUrl).host}`,
        method: options.method,
        path: options.path,
        errorName: error instanceof Error ? error.name : 'Error',
      });
    } catch {
      // A logger that throws must not change the outcome.
    }
    return attempt(options.backupBaseUrl);
  }
}
