/**
 * Counts what the tracker asks of Redis, measured on the server: a MONITOR connection sees
 * every command as Redis runs it, with where it came from (a client's address, or `lua` for
 * commands run inside a script). A client's MULTI … EXEC block is sent as one write and
 * answered at once, so it counts as one round trip; every other client command is one round
 * trip (ioredis pipelines concurrent commands, so this is an upper bound on network turns).
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import type { Redis } from 'ioredis';

/** Commands seen between {@link CommandTally.take} calls. */
export interface CommandCounts {
  /** Commands sent by clients (inside MULTI blocks each counted). */
  readonly clientCommands: number;
  /** Client commands with each MULTI … EXEC block counted once. */
  readonly roundTrips: number;
  /** Commands Redis ran inside Lua scripts (BullMQ's and the tracker's own). */
  readonly scriptCommands: number;
  /** Client commands by name, most frequent first. */
  readonly byName: readonly (readonly [string, number])[];
}

/** A running MONITOR. */
export interface CommandTally {
  /** Counts since the previous call (or the start), and starts counting afresh. */
  take(): CommandCounts;
  stop(): Promise<void>;
}

/**
 * Opens a MONITOR connection to the Redis on 127.0.0.1:`port`. A plain socket, not ioredis:
 * a MONITOR started while the server is busy can confuse ioredis's reply queue.
 */
export async function startCommandTally(port: number): Promise<CommandTally> {
  const socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  let client = 0;
  let trips = 0;
  let script = 0;
  let byName = new Map<string, number>();
  const inMulti = new Set<string>();
  const count = (source: string, command: string) => {
    const name = command.toUpperCase();
    if (source === 'lua') {
      script += 1;
      return;
    }
    client += 1;
    byName.set(name, (byName.get(name) ?? 0) + 1);
    if (name === 'MULTI') {
      inMulti.add(source);
      trips += 1;
    } else if (name === 'EXEC' || name === 'DISCARD') {
      inMulti.delete(source);
    } else if (!inMulti.has(source)) {
      trips += 1;
    }
  };
  // Each command arrives as one status line: +<time> [<db> <source>] "<command>" "<arg>" …
  // (Redis escapes newlines inside arguments, so a line is a command).
  let rest = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\r\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]*)"/.exec(line);
      if (m) count(m[1] as string, m[2] as string);
    }
  });
  socket.write('MONITOR\r\n');
  return {
    take() {
      const counts: CommandCounts = {
        clientCommands: client,
        roundTrips: trips,
        scriptCommands: script,
        byName: [...byName].sort((a, b) => b[1] - a[1]),
      };
      client = 0;
      trips = 0;
      script = 0;
      byName = new Map();
      return counts;
    },
    async stop() {
      socket.destroy();
    },
  };
}

/** Total calls of every command since the server started (INFO commandstats; includes scripts' inner commands). */
export async function totalCommandCalls(admin: Redis): Promise<number> {
  const text = await admin.info('commandstats');
  let total = 0;
  for (const m of text.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

/** Redis `used_memory` in bytes. */
export async function usedMemory(admin: Redis): Promise<number> {
  const text = await admin.info('memory');
  return Number(/used_memory:(\d+)/.exec(text)?.[1] ?? Number.NaN);
}
