import type { Order, PaymentClient } from '@wxpay/core';
import { findGc } from './find-gc.js';
import { Tally } from './tally.js';

/** Options of {@link runQueryLoad}. */
export interface QueryLoadOptions {
  /** The orders to query, in turn: query `i` asks for `orders[i % orders.length]`. */
  readonly orders: readonly string[];
  /** How many queries in all. */
  readonly queries: number;
  /** How many queries are outstanding at most (and, with enough queries, at once). */
  readonly inFlight: number;
  /**
   * Counts every query: tried, then accepted (it resolved with the right answer), accepted
   * wrongly (a wrong answer, see `isRight`) or missed (it threw).
   */
  readonly tally: Tally;
  /** The compact text kept of each answer, for the caller to check after the run. */
  readonly digest: (order: Order) => string;
  /** Whether `order` is the right answer to query `index` (default: any answer is). */
  readonly isRight?: (order: Order, index: number) => boolean;
}

/** What {@link runQueryLoad} saw. */
export interface QueryLoad {
  /** One entry per query, in query order: the digest of its answer, undefined if it failed. */
  readonly digests: readonly (string | undefined)[];
  /** Every error a query threw. */
  readonly errors: readonly unknown[];
  /** The most queries that were outstanding at one time. */
  readonly peakInFlight: number;
}

/**
 * The load step both adapters' load suites take: `queries` order queries with at most
 * `inFlight` outstanding, every answer kept only as a short digest (so a heap reading around
 * the run measures the client, not this bookkeeping). The caller checks that each digest is
 * the answer for the order its query asked about.
 */
export async function runQueryLoad(
  client: Pick<PaymentClient, 'queryOrder'>,
  options: QueryLoadOptions,
): Promise<QueryLoad> {
  const { orders, queries, tally } = options;
  const digests = new Array<string | undefined>(queries).fill(undefined);
  const errors: unknown[] = [];
  let next = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  async function worker(): Promise<void> {
    for (let i = next++; i < queries; i = next++) {
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      tally.tried++;
      try {
        const order = await client.queryOrder({ outTradeNo: orders[i % orders.length] as string });
        // Copied flat: a digest cut from the answer (a V8 sliced string) would keep it alive.
        digests[i] = Buffer.from(options.digest(order)).toString();
        if (options.isRight?.(order, i) ?? true) tally.acceptedValid++;
        else {
          tally.acceptedWrongly++;
          tally.misses.push({ label: `query ${i}`, outcome: digests[i] as string });
        }
      } catch (error) {
        errors.push(error);
        tally.misses.push({ label: `query ${i}`, outcome: String(error) });
      } finally {
        inFlight--;
      }
    }
  }
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return { digests, errors, peakInFlight };
}

/** Options of {@link measureQueryLoad}: those of {@link runQueryLoad}, but the tally. */
export interface MeasuredQueryLoadOptions extends Omit<QueryLoadOptions, 'tally'> {
  /** How many queries warm up the connection pool and the JIT before the first heap reading. */
  readonly warmUpQueries: number;
  /** Runs before each heap reading, e.g. to empty a request log that shares this heap. */
  readonly beforeHeapReading?: () => void;
}

/** What {@link measureQueryLoad} saw: the measured run, its warm-up and the heap around it. */
export interface MeasuredQueryLoad extends QueryLoad {
  /** The measured run's tally (printed, with the heap line, on request: see `Tally.report`). */
  readonly tally: Tally;
  /** The warm-up run. */
  readonly warmUp: QueryLoad & { readonly tally: Tally };
  /** Heap in use (MiB) after a garbage collection, before and after the measured run. */
  readonly heapMiB: { readonly before: number; readonly after: number };
  /** Whether a collection could be forced (see `findGc`); if not, readings include garbage. */
  readonly gcForced: boolean;
}

/**
 * The whole load step of both adapters' load suites: a warm-up run, a heap reading, the
 * measured {@link runQueryLoad}, and a second heap reading — so a client that keeps something
 * per query shows as heap growth.
 */
export async function measureQueryLoad(
  client: Pick<PaymentClient, 'queryOrder'>,
  options: MeasuredQueryLoadOptions,
): Promise<MeasuredQueryLoad> {
  const gc = findGc();
  const heapMiB = () => {
    options.beforeHeapReading?.();
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const warmUpTally = new Tally('load warm-up');
  const warmUp = await runQueryLoad(client, {
    ...options,
    queries: options.warmUpQueries,
    tally: warmUpTally,
  });
  const before = heapMiB();
  const tally = new Tally(`load (${options.queries} queries, ${options.inFlight} in flight)`);
  const load = await runQueryLoad(client, { ...options, tally });
  const after = heapMiB();
  tally.print();
  Tally.report(
    `[security] load heap: ${before.toFixed(1)} MiB → ${after.toFixed(1)} MiB (gc ${gc ? 'forced' : 'not exposed'})`,
  );
  return {
    ...load,
    tally,
    warmUp: { ...warmUp, tally: warmUpTally },
    heapMiB: { before, after },
    gcForced: gc !== undefined,
  };
}
