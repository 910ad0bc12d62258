import type { Clock } from '@wxpay/core';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { ItemRunner, Observation, TrackerBackend } from '../backend.js';
import type { TrackedItem } from '../items.js';
import { isLostLock, LostLockError } from '../lost-lock-error.js';
import type { RedisBackendOptions } from '../types.js';
import { defineFencedSave } from './fenced-save.js';
import { jobIdOf, redisKeys } from './redis-keys.js';

const QUEUE = 'tracker';
const INSERT_SCRIPT = `if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SADD', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** How long settled items are kept (default 40 days: past any T+1 reconciliation). */
const DEFAULT_RETENTION_MS = 40 * 24 * 3600_000;

interface JobData {
  readonly id: string;
}

/**
 * The durable backend: each item is a JSON value in Redis and has one BullMQ job, delayed until
 * the item is next due. BullMQ's job lock makes each item run in one worker at a time; a job
 * whose worker died is handed to another worker after the lock lapses. Notifications go to a
 * per-item inbox list and promote the delayed job.
 */
export function createRedisBackend(options: RedisBackendOptions, clock: Clock): TrackerBackend {
  const prefix = options.prefix ?? 'wxpay';
  const keys = redisKeys(prefix);
  const lockDuration = options.lockDurationMs ?? 30_000;
  // BullMQ 6 needs `maxRetriesPerRequest: null` on the clients it uses; commands then wait for
  // a reconnect instead of failing, which is what "Redis went away and came back" needs.
  const connect = () =>
    new Redis({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 6379,
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.db !== undefined ? { db: options.db } : {}),
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(50 * times, 1_000),
    });
  const redis = connect();
  const queue = new Queue<JobData>(QUEUE, { connection: redis, prefix });
  // Errors while Redis is away are expected; the clients reconnect by themselves.
  redis.on('error', () => {});
  queue.on('error', () => {});
  let worker: Worker<JobData> | undefined;
  let workerConnection: Redis | undefined;

  const delayUntil = (at: number) => Math.max(0, at - clock.now());

  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;

  // Settled items expire after the retention period (their index entries are trimmed with
  // them); open and failed items stay until someone deals with them. Every save is fenced by
  // the job's lock: a run that lost it (partitioned or stalled past `lockDuration`, its job
  // handed to another worker) is refused instead of overwriting the newer record.
  const fencedSave = defineFencedSave(redis);
  const saveUnder = (job: Job<JobData>, token: string) => {
    // BullMQ keeps a job's lock token at `<job key>:lock` (see its moveToActive script).
    const lock = { key: `${queue.toKey(job.id ?? jobIdOf(job.data.id))}:lock`, token };
    return async (item: TrackedItem) => {
      const fence = { keys, retentionMs, now: clock.now() };
      if (!(await fencedSave(item, lock, fence))) throw new LostLockError(item.id);
    };
  };

  const schedule = (id: string, at: number) =>
    queue.add(
      'run',
      { id },
      { jobId: jobIdOf(id), delay: delayUntil(at), removeOnComplete: true, removeOnFail: true },
    );

  const get = async (id: string): Promise<TrackedItem | undefined> => {
    const text = await redis.get(keys.item(id));
    return text === null ? undefined : (JSON.parse(text) as TrackedItem);
  };

  // The item and its inbox in one round trip; the inbox is emptied as it is read.
  const takeWithInbox = async (id: string) => {
    const result = await redis
      .multi()
      .get(keys.item(id))
      .lrange(keys.inbox(id), 0, -1)
      .del(keys.inbox(id))
      .exec();
    const text = result?.[0]?.[1] as string | null | undefined;
    const list = (result?.[1]?.[1] ?? []) as string[];
    return {
      item: text ? (JSON.parse(text) as TrackedItem) : undefined,
      observations: list.map((t) => JSON.parse(t) as Observation),
    };
  };

  const runJob = (runner: ItemRunner) => async (job: Job<JobData>, token?: string) => {
    const { id } = job.data;
    // A worker always passes the token of the lock it took; without one nothing can be fenced.
    if (token === undefined) throw new Error(`job ${job.id} runs without a lock token`);
    const { item, observations } = await takeWithInbox(id);
    if (!item) return 'gone';
    let next: number | undefined;
    try {
      next = await runner(item, observations, saveUnder(job, token));
    } catch (error) {
      // The job is another worker's now: leave it alone. DelayedError tells BullMQ the
      // processor has dealt with the job's state, so it neither completes nor fails it.
      if (isLostLock(error)) throw new DelayedError();
      // The runner records its own failures; anything escaping it is retried, never dropped.
      next = clock.now() + 1_000;
    }
    if ((await redis.llen(keys.inbox(id))) > 0) next = clock.now();
    if (next === undefined) return 'done';
    await job.moveToDelayed(Date.now() + Math.max(1, delayUntil(next)), token);
    throw new DelayedError();
  };

  async function* scan(key: string): AsyncGenerator<string> {
    let cursor = '0';
    do {
      const [nextCursor, ids] = await redis.sscan(key, cursor, 'COUNT', 1_000);
      cursor = nextCursor;
      yield* ids;
    } while (cursor !== '0');
  }

  return {
    async insert(item, runAt) {
      // The item and its place in the open set are written together, so a crash before its job
      // is added leaves it where `start()` finds it and gives it one.
      const created = await redis.eval(
        INSERT_SCRIPT,
        2,
        keys.item(item.id),
        keys.phase('open'),
        JSON.stringify(item),
        item.id,
      );
      if (created !== 1) return false;
      await schedule(item.id, runAt);
      return true;
    },
    get,
    async getMany(ids) {
      if (ids.length === 0) return [];
      const texts = await redis.mget(ids.map((id) => keys.item(id)));
      return texts.map((t) => (t === null ? undefined : (JSON.parse(t) as TrackedItem)));
    },
    async remove(id) {
      await queue.remove(jobIdOf(id));
      await redis
        .multi()
        .del(keys.item(id), keys.inbox(id))
        .srem(keys.phase('open'), id)
        .srem(keys.phase('failed'), id)
        .zrem(keys.phase('settled'), id)
        .exec();
    },
    async observe(id, observation, known) {
      const item = known ?? (await get(id));
      if (item?.phase !== 'open') return;
      await redis.rpush(keys.inbox(id), JSON.stringify(observation));
      const job = await queue.getJob(jobIdOf(id));
      if (!job) {
        await schedule(id, clock.now());
        return;
      }
      // Waiting or running jobs read the inbox themselves; only a delayed one needs a nudge.
      await job.promote().catch(() => {});
    },
    async start(runner) {
      if (worker) return;
      workerConnection = connect();
      workerConnection.on('error', () => {});
      worker = new Worker<JobData>(QUEUE, runJob(runner), {
        connection: workerConnection,
        prefix,
        concurrency: options.concurrency ?? 8,
        lockDuration,
        stalledInterval: lockDuration,
        // Runs are idempotent, so an item whose worker died any number of times runs again.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
      });
      worker.on('error', () => {});
      // An item saved just before a crash may lack its job: give every open item one.
      for await (const id of scan(keys.phase('open'))) {
        const item = await get(id);
        if (item?.phase === 'open') await schedule(id, item.nextRunAt ?? clock.now());
      }
    },
    async stop() {
      const w = worker;
      worker = undefined;
      await w?.close();
    },
    async close() {
      await queue.close();
      await Promise.all([redis.quit().catch(() => {}), workerConnection?.quit().catch(() => {})]);
      workerConnection = undefined;
    },
    async summary() {
      const settledSince = clock.now() - retentionMs;
      const [open, settled, failed] = await Promise.all([
        redis.scard(keys.phase('open')),
        redis.zcount(keys.phase('settled'), settledSince, '+inf'),
        redis.scard(keys.phase('failed')),
      ]);
      return { open, settled, failed };
    },
    paidOn: (day) => scan(keys.paidOn(day)),
    refundedOn: (day) => scan(keys.refundedOn(day)),
  };
}
