import { afterAll, beforeAll } from 'vitest';
import { describeTrackerSuite } from './support/describe-tracker-suite.js';
import { startTestRedis, type TestRedis } from './support/redis-server.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

let namespace = 0;
describeTrackerSuite('Redis (BullMQ)', () => {
  namespace += 1;
  // A fresh key prefix per test: the same server, no shared state between tests.
  return { redis: { host: redis.host, port: redis.port, prefix: `t${namespace}` } };
});
