// Runs one reconciliation in its own process, so its memory is measured apart from the
// simulator's: `node --expose-gc --import ./ts-register.mjs reconcile-worker.ts`.
// Prints one JSON line: the report, the progress seen and the peak retained heap growth.
import { createV2Client } from '@wxpay/v2-xml';
import { createTracker, type ReconcileProgress } from '../../src/index.js';

interface Config {
  readonly simUrl: string;
  readonly merchant: { appId: string; mchId: string; apiKey: string };
  readonly redisPort: number;
  readonly prefix: string;
  readonly billDate: string;
}

const config = JSON.parse(process.env.RECONCILE_CONFIG ?? '{}') as Config;
const client = createV2Client({
  appId: config.merchant.appId,
  mchId: config.merchant.mchId,
  apiKey: config.merchant.apiKey,
  baseUrl: config.simUrl,
});
const tracker = createTracker({
  client,
  backend: { redis: { host: '127.0.0.1', port: config.redisPort, prefix: config.prefix } },
  onPaid: () => {},
});

// Retained memory is what "flat" is about: garbage a collection would free does not count, so
// the heap is measured after a full collection at every progress report (every 10,000 rows).
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
collect();
const baseline = process.memoryUsage().heapUsed;
let peak = baseline;
const progress: ReconcileProgress[] = [];
const report = await tracker.reconcile({
  billDate: config.billDate,
  onProgress: (p) => {
    collect();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    progress.push(p);
  },
});
await tracker.stop();
await client.close();
process.stdout.write(
  `${JSON.stringify({ report, progress, heapGrowthBytes: peak - baseline, baselineBytes: baseline })}\n`,
);
