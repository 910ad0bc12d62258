/**
 * The bench's own `redis-server` for case J: 127.0.0.1, a free port, no persistence, a fresh
 * temporary directory, stopped (and its directory removed) at the end. Kept apart from the
 * tracker package's test helper on purpose: a change to the package's tests must never move a
 * bench number.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A running bench Redis and a connection of the bench's own (not the tracker's). */
export interface BenchRedis {
  readonly port: number;
  /** The bench's connection, for INFO, MONITOR bookkeeping and cleanup. */
  readonly admin: Redis;
  stop(): Promise<void>;
}

/** The installed `redis-server` version, or undefined when it is not installed. */
export function redisServerVersion(): string | undefined {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  return /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` and resolves once it answers PING (within 10 s). */
export async function startBenchRedis(): Promise<BenchRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'wxpay-bench-redis-'));
  const port = await unusedPort();
  const server: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', `${port}`, '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const admin = new Redis({
    host: '127.0.0.1',
    port,
    // Bounded: 40 attempts 250 ms apart while the server starts, then give up.
    retryStrategy: (attempt) => (attempt > 40 ? null : 250),
  });
  admin.on('error', () => {});
  const stop = async () => {
    admin.disconnect();
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const force = setTimeout(() => server.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Queued until the connection is up (retried as above).
    await admin.ping();
  } catch (error) {
    await stop();
    throw new Error(`redis-server did not answer on 127.0.0.1:${port}: ${String(error)}`);
  }
  return { port, admin, stop };
}
