import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real `redis-server` started for a test, on 127.0.0.1 and a free port, in a temp dir. */
export interface TestRedis {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). With `persist` the data survives. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory (after {@link TestRedis.stop}). */
  restart(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
}

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --dir <temp> --save ''`. With `persist`,
 * an append-only file (fsync always) keeps the data across {@link TestRedis.restart}.
 */
export async function startTestRedis(options: { persist?: boolean } = {}): Promise<TestRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'wxpay-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    if (options.persist) args.push('--appendonly', 'yes', '--appendfsync', 'always');
    else args.push('--appendonly', 'no');
    const c = spawn('redis-server', args, { stdio: 'ignore' });
    child = c;
    const failed = new Promise<never>((_, reject) =>
      c.once('error', (error) =>
        reject(
          new Error(`cannot start redis-server (Debian package redis-server): ${error.message}`),
        ),
      ),
    );
    await Promise.race([waitForPort(port, 10_000), failed]);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    host: '127.0.0.1',
    port,
    stop,
    restart: launch,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
