import type { RedisBackendOptions } from '@wxpay/tracker';
import { CliError } from './cli-error.js';
import { EXIT } from './io.js';

/** The `--redis HOST:PORT` and `--prefix` options of the tracker commands. */
export const trackerOptions = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
} as const;

export const TRACKER_HELP = `Tracker state:
  --redis HOST:PORT   the Redis the trackers share (env WXPAY_REDIS)
  --prefix P          their key prefix (default wxpay; env WXPAY_TRACKER_PREFIX)`;

/** Reads `--redis`/`--prefix` (or the environment); undefined when no Redis is given. */
export function redisFrom(
  values: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): RedisBackendOptions | undefined {
  const address = (values.redis as string | undefined) ?? env.WXPAY_REDIS;
  if (!address) return undefined;
  const m = /^([^:\s]+):(\d{1,5})$/.exec(address);
  if (!m) throw new CliError('--redis must be HOST:PORT', EXIT.usage);
  const prefix = (values.prefix as string | undefined) ?? env.WXPAY_TRACKER_PREFIX;
  return { host: m[1] as string, port: Number(m[2]), ...(prefix ? { prefix } : {}) };
}
