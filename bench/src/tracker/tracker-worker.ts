/**
 * Case J's tracker process: what a merchant runs — a v2 client of the simulator, the core
 * notification handler on a loopback port feeding `tracker.notify`, and `@wxpay/tracker` on
 * the Redis backend with its worker started. Run in its own process so its CPU and heap are its
 * own (the simulator, which keeps every order, lives in the parent).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeNotificationHandler } from '@wxpay/core';
import { createTracker, type Tracker } from '@wxpay/tracker';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import {
  benchOrderNo,
  type TrackerCounters,
  type TrackerCreate,
  type TrackerCreated,
  type TrackerHeap,
  type TrackerInit,
  type TrackerOpen,
} from './tracker-job.js';

type Incoming =
  | TrackerInit
  | TrackerOpen
  | TrackerCreate
  | { readonly type: 'counters' | 'heap' | 'paid-times' | 'exit' };

const mb = (bytes: number) => bytes / 1024 / 1024;
const send = (msg: object) => process.send?.(msg);

let client: V2Client | undefined;
let redisPort = 0;
let tracker: Tracker | undefined;
let paid = 0;
let times: Map<string, number> | undefined;
const server = createServer();

const counters = (): TrackerCounters => {
  const cpu = process.cpuUsage();
  return { type: 'counters', paid, cpuUs: cpu.user + cpu.system };
};

async function init(msg: TrackerInit): Promise<void> {
  redisPort = msg.redisPort;
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const v2 = createV2Client({
    appId: msg.appId,
    mchId: msg.mchId,
    apiKey: msg.apiKey,
    baseUrl: msg.simUrl,
    notifyUrl: `http://127.0.0.1:${port}/notify`,
  });
  client = v2;
  const handle = createNodeNotificationHandler(v2, async (n) => {
    await tracker?.notify(n);
  });
  server.on('request', (req, res) => void handle(req, res));
}

async function open(msg: TrackerOpen): Promise<void> {
  await tracker?.stop();
  times = msg.recordTimes ? new Map() : undefined;
  tracker = createTracker({
    client: client as V2Client,
    backend: { redis: { host: '127.0.0.1', port: redisPort, prefix: msg.prefix } },
    schedule: msg.schedule,
    onPaid: (order) => {
      paid += 1;
      times?.set(order.outTradeNo, Date.now());
    },
  });
  await tracker.start();
}

async function create(msg: TrackerCreate): Promise<TrackerCreated> {
  const t = tracker as Tracker;
  const c = client as V2Client;
  const params = (i: number) => ({
    kind: 'native' as const,
    outTradeNo: benchOrderNo(msg.tag, msg.from + i),
    description: 'bench J',
    amount: { total: 100 },
    clientIp: '127.0.0.1',
  });
  const createdAt: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const inLanes = async (work: (i: number) => Promise<unknown>) => {
    let next = 0;
    const lane = async () => {
      while (next < msg.count) {
        const i = next++;
        try {
          await work(i);
          if (times) createdAt[i] = Date.now();
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: msg.concurrency }, lane));
  };
  if (msg.via === 'track') await inLanes((i) => c.createOrder(params(i)));
  const expiresAt = new Date(Date.now() + 2 * 3600_000);
  const t0 = performance.now();
  await inLanes((i) =>
    msg.via === 'track'
      ? t.track({ outTradeNo: params(i).outTradeNo }, { expiresAt, kind: 'native' })
      : msg.via === 'client'
        ? c.createOrder(params(i))
        : t.createOrder(params(i)),
  );
  const elapsedMs = performance.now() - t0;
  return { type: 'created', elapsedMs, errors, createdAt, ...(firstError ? { firstError } : {}) };
}

function heap(): TrackerHeap {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { type: 'heap', heapUsedMb: mb(m.heapUsed), rssMb: mb(m.rss) };
}

async function handle(msg: Incoming): Promise<object> {
  switch (msg.type) {
    case 'init':
      await init(msg);
      return { type: 'ready' };
    case 'open':
      await open(msg);
      return { type: 'opened' };
    case 'create':
      return create(msg);
    case 'counters':
      return counters();
    case 'heap':
      return heap();
    case 'paid-times':
      return { type: 'paid-times', times: Object.fromEntries(times ?? []) };
    case 'exit':
      await tracker?.stop();
      await client?.close();
      server.closeAllConnections();
      server.close();
      process.exit(0);
  }
}

process.on('message', (msg: Incoming) => {
  handle(msg).then(send, (error: unknown) =>
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
