// A tracker worker process for the chaos test: `node --import ./ts-register.mjs chaos-worker.ts`.
// Configuration arrives in CHAOS_CONFIG; every callback call is logged to Redis, and the
// effect is applied idempotently (SET NX on ctx.key), as the README recommends.
import { createV2Client } from '@wxpay/v2-xml';
import { Redis } from 'ioredis';
import { createTracker, type TrackerCallback } from '../../src/index.js';
import type { ChaosConfig } from './chaos-plan.js';

const config = JSON.parse(process.env.CHAOS_CONFIG ?? '{}') as ChaosConfig;
const redis = new Redis({ host: '127.0.0.1', port: config.redisPort, maxRetriesPerRequest: null });
redis.on('error', () => {});
const client = createV2Client({
  appId: config.merchant.appId,
  mchId: config.merchant.mchId,
  apiKey: config.merchant.apiKey,
  baseUrl: config.simUrl,
});

const record =
  <T extends { outTradeNo?: string | undefined }>(callback: string): TrackerCallback<T> =>
  async (value, ctx) => {
    const state = 'state' in value ? value.state : (value as { status?: string }).status;
    await redis.rpush(
      `${config.prefix}:chaos:calls`,
      JSON.stringify({
        callback,
        key: ctx.key,
        attempt: ctx.attempt,
        outTradeNo: value.outTradeNo,
        state,
        pid: process.pid,
      }),
    );
    // Some work between the call and its record widens the window a crash can hit.
    await new Promise((r) => setTimeout(r, 20));
    // For the crash test: the first call for these orders never returns (the process is killed).
    if (ctx.attempt === 1 && config.hangOn?.includes(value.outTradeNo ?? '')) {
      await new Promise(() => {});
    }
    // The merchant's idempotent effect: applied once per key, whatever repeats.
    await redis.set(`${config.prefix}:chaos:effect:${ctx.key}`, String(process.pid), 'NX');
  };

const tracker = createTracker({
  client,
  backend: {
    redis: {
      host: '127.0.0.1',
      port: config.redisPort,
      prefix: config.prefix,
      concurrency: 16,
      lockDurationMs: config.lockDurationMs,
    },
  },
  schedule: config.schedule,
  onPaid: record('onPaid'),
  onClosed: record('onClosed'),
  onFailed: record('onFailed'),
  onRefunded: record('onRefunded'),
});

process.once('SIGTERM', () => {
  void (async () => {
    await tracker.stop();
    await client.close();
    await redis.quit();
    process.exit(0);
  })();
});

await tracker.start();
process.stdout.write('ready\n');
