/**
 * The messages between the parent (`e2e.ts`) and a client process (`e2e-worker.ts`) of cases
 * F and G, and the shape every contestant module of `contestants/` returns.
 */
import type { KeyPems } from './fixtures.js';

/** Which client to run. */
export type E2eContestant =
  | 'wxpay'
  | 'raw-sync'
  | 'raw-async'
  | 'wechatpay-node-v3'
  | 'axios-plugin'
  | 'tenpay';

/** What one request does: the order query, or (v3 only) a Native order creation (POST). */
export type E2eOperation = 'query' | 'create';

/** A job for the worker. */
export interface WorkerJob {
  readonly type: 'run';
  readonly mode: 'e2e' | 'soak';
  readonly protocol: 'v2' | 'v3';
  /** Defaults to `query`. */
  readonly operation?: E2eOperation;
  readonly contestant: E2eContestant;
  readonly origin: string;
  readonly keys: KeyPems;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Soak: requests to send, and a time cap. */
  readonly soakRequests: number;
  readonly soakMaxMs: number;
}

/** A memory reading of the soak. */
export interface SoakSnapshot {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

/** What the worker reports after a soak. */
export interface WorkerResult {
  readonly type: 'result';
  readonly checkFailure?: string;
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
  /** Client CPU (user + system, all threads of the process) per request, µs. */
  readonly cpuPerRequestUs: number;
  readonly peakRssMb: number;
  readonly baselineRssMb: number;
  readonly snapshots: readonly SoakSnapshot[];
}

/** The reply to one measurement window of case F. */
export interface WindowResult {
  readonly type: 'window';
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly elapsedMs: number;
  readonly cpuUs: number;
  readonly peakRssMb: number;
}

/** One request of a contestant. */
export type Call = () => Promise<unknown>;
/** Checks one result; a message when it is wrong. */
export type Checker = (result: unknown) => string | undefined;

/** A contestant ready to run: the call and the check of its result. */
export interface BuiltClient {
  readonly call: Call;
  readonly check: Checker;
}

/** Reads a property of an unknown result (undefined when it is not an object). */
export function field(result: unknown, name: string): unknown {
  return typeof result === 'object' && result !== null
    ? (result as Record<string, unknown>)[name]
    : undefined;
}
