import type { Redis } from 'ioredis';
import { billDayOf, type TrackedItem } from '../items.js';
import type { redisKeys } from './redis-keys.js';

// The whole save of an item, done only while KEYS[1] (the BullMQ lock of the item's job) still
// holds the saving run's token. Checked and written in one script, so no other worker can take
// the job over between the check and the write. KEYS: lock, item, open set, failed set,
// settled zset, [bill-day set]. ARGV: token, item JSON, item id, phase, settled score,
// retention ms, oldest settled score kept. Returns 1 when written, 0 when refused.
const SCRIPT = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local id = ARGV[3]
redis.call('SREM', KEYS[3], id)
redis.call('SREM', KEYS[4], id)
if ARGV[4] == 'settled' then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[6])
  redis.call('ZADD', KEYS[5], ARGV[5], id)
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. ARGV[7])
else
  redis.call('SET', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[5], id)
  redis.call('SADD', ARGV[4] == 'open' and KEYS[3] or KEYS[4], id)
end
if KEYS[6] then
  redis.call('SADD', KEYS[6], id)
  redis.call('PEXPIRE', KEYS[6], ARGV[6])
end
return 1`;

interface WithFencedSave {
  trackerFencedSave(keyCount: number, ...args: (string | number)[]): Promise<number>;
}

/** What a fenced save needs besides the item: whose lock, and the retention settings. */
export interface FenceOptions {
  readonly keys: ReturnType<typeof redisKeys>;
  readonly retentionMs: number;
  readonly now: number;
}

/**
 * Registers the fenced save on a client (sent as EVALSHA, so the script travels once).
 * Returns the save: true when written, false when `lockKey` no longer holds `token`.
 */
export function defineFencedSave(redis: Redis) {
  redis.defineCommand('trackerFencedSave', { lua: SCRIPT });
  const command = redis as unknown as WithFencedSave;
  return async (
    item: TrackedItem,
    lock: { readonly key: string; readonly token: string },
    options: FenceOptions,
  ): Promise<boolean> => {
    const { keys, retentionMs, now } = options;
    const day = billDayOf(item);
    const dayKeys =
      day === undefined ? [] : [item.type === 'order' ? keys.paidOn(day) : keys.refundedOn(day)];
    const written = await command.trackerFencedSave(
      5 + dayKeys.length,
      lock.key,
      keys.item(item.id),
      keys.phase('open'),
      keys.phase('failed'),
      keys.phase('settled'),
      ...dayKeys,
      lock.token,
      JSON.stringify(item),
      item.id,
      item.phase,
      item.settledAt ?? now,
      retentionMs,
      now - retentionMs,
    );
    return written === 1;
  };
}
