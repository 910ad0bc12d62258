import { type DeadServer, startDeadServer } from './dead-server.js';

/** Where a failover client sends its calls: a primary that is down, then the backup. */
export interface FailoverOrigins {
  /** The dead server's URL. */
  readonly baseUrl: string;
  /** The origin that still answers. */
  readonly backupBaseUrl: string;
}

/**
 * Runs `use` with a client (made by `makeClient` from the origins) whose primary access point
 * is a dead server and whose backup is `backupBaseUrl`, then closes the client and the dead
 * server whatever happened: the set-up of every backup-domain failover test.
 */
export async function withDeadPrimary<C extends { close(): Promise<void> }>(
  backupBaseUrl: string,
  makeClient: (origins: FailoverOrigins) => C,
  use: (client: C, dead: DeadServer) => Promise<void>,
): Promise<void> {
  const dead = await startDeadServer();
  try {
    const client = makeClient({ baseUrl: dead.url, backupBaseUrl });
    try {
      await use(client, dead);
    } finally {
      await client.close();
    }
  } finally {
    await dead.stop();
  }
}
