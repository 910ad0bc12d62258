/**
 * Profiling helper (not part of `pnpm bench`): runs one end-to-end client in this process
 * against the loopback signing server, for a number of requests at 32 in flight. Run it under
 * `node --cpu-prof` and summarize the profile with `cpuprofile-summary.js`:
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/profile.js v3 wxpay 5000 [query|create]
 *   node dist/cpuprofile-summary.js prof/<file>.cpuprofile
 */
import { startSignServer } from './e2e.js';
import type { E2eOperation } from './e2e-job.js';
import { buildClient, type E2eContestant } from './e2e-worker.js';
import { generateKeys } from './fixtures.js';

const [protocol = 'v3', contestant = 'wxpay', count = '5000', operation = 'query'] =
  process.argv.slice(2);
const keys = generateKeys();
const server = await startSignServer(keys);
try {
  const { call, check } = await buildClient({
    type: 'run',
    mode: 'e2e',
    protocol: protocol as 'v2' | 'v3',
    operation: operation as E2eOperation,
    contestant: contestant as E2eContestant,
    origin: server.origin,
    keys,
    concurrency: 32,
    warmupMs: 0,
    durationMs: 0,
    soakRequests: 0,
    soakMaxMs: 0,
  });
  const failure = check(await call());
  if (failure) throw new Error(failure);
  const total = Number(count);
  let started = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (started++ < total) await call();
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const stats = await server.stats();
  process.stdout.write(
    `${protocol} ${contestant}: ${total} requests in ${ms.toFixed(0)} ms, ${((cpu.user + cpu.system) / total).toFixed(0)} µs CPU/req, server check failures ${stats.failed}\n`,
  );
} finally {
  server.close();
}
