import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy to a local port whose traffic can be held, as a network partition holds it. */
export interface PartitionProxy {
  /** The port clients connect to (on 127.0.0.1). */
  readonly port: number;
  /** From now on, nothing passes in either direction; bytes are held, not dropped. */
  partition(): void;
  /** Delivers what was held, in order, and lets traffic pass again. */
  heal(): void;
  /** Closes every connection and the listener. */
  stop(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 to `targetPort` (a test's redis-server). While partitioned, a
 * client's commands wait in the proxy: for the client it is a silent network, like a cut link
 * that comes back, so its lock renewals stop reaching Redis while the process runs on.
 */
export async function startPartitionProxy(targetPort: number): Promise<PartitionProxy> {
  const sockets = new Set<Socket>();
  let held: [Socket, Buffer][] | undefined;
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (held) held.push([to, chunk]);
      else to.write(chunk);
    });
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no port');
  return {
    port: address.port,
    partition() {
      held ??= [];
    },
    heal() {
      const queued = held ?? [];
      held = undefined;
      for (const [to, chunk] of queued) if (!to.destroyed) to.write(chunk);
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
