/**
 * Counts what the tracker asks of Redis, measured on the server: a MONITOR connection sees
 * every command as Redis runs it, with where it came from (a client's address, or `lua` for
 * commands run inside a script). A client's MULTI … EXEC block is sent as one write and
 * answered at once, so it counts as one round trip; every other client command is one round
 * trip (ioredis pipelines concurrent commands, so this is an upper bound on network turns).
 */
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

/** Opens a MONITOR connection beside `admin` (same server). */
export async function startCommandTally(admin: Redis): Promise<CommandTally> {
  const monitor = await admin.monitor();
  let client = 0;
  let trips = 0;
  let script = 0;
  let byName = new Map<string, number>();
  const inMulti = new Set<string>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const name = (args[0] ?? '').toUpperCase();
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
  });
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
      monitor.disconnect();
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
