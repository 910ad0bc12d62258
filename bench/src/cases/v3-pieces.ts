/**
 * Case H (profile aid, no ratio): the CPU cost of each non-crypto step the v3 client adds to a
 * query, measured one by one, so the end-to-end overhead over raw can be attributed to named
 * adapter functions. `JSON.parse` of the same body is listed for scale; the rows marked
 * "before" are what the client ran per request before the fast paths.
 */
import { orderRefSchema, parseInput, randomNonce, withRetry } from '@wxpay/core/adapter';
import { V3_OUT_TRADE_NO, V3_QUERY_PATH, V3_TRANSACTION_BODY } from '../fixtures.js';
import type { Contestant } from '../harness.js';

/** `@wxpay/v3-json` internals used here. */
export interface V3Pieces {
  readonly toOrder: (value: unknown) => { state: string };
  readonly parseJson: (text: string | Uint8Array, what: string) => unknown;
  readonly createWireUrl: (base: string) => (path: string) => { href: string; wirePath: string };
  readonly isWireTransaction: (value: unknown) => boolean;
  readonly transactionSchema: { parse: (value: unknown) => unknown };
}

/** The steps of one v3 query, each as a "contestant". */
export function v3PiecesContestants(pieces: V3Pieces): Contestant[] {
  const ok = () => undefined;
  const body = Buffer.from(V3_TRANSACTION_BODY);
  const value = JSON.parse(V3_TRANSACTION_BODY) as unknown;
  const join = pieces.createWireUrl('http://127.0.0.1:1');
  return [
    { name: 'JSON.parse (scale)', run: () => JSON.parse(V3_TRANSACTION_BODY), check: ok },
    {
      name: 'parseInput(orderRefSchema)',
      run: () => parseInput(orderRefSchema, { outTradeNo: V3_OUT_TRADE_NO }, 'order reference'),
      check: ok,
      note: 'core zod validation of the argument',
    },
    {
      name: 'new URL + pathname/search',
      run: () => {
        const url = new URL(`http://127.0.0.1:1${V3_QUERY_PATH}`);
        return `${url.pathname}${url.search}${url.href}`;
      },
      check: ok,
      note: 'before: request.ts, per attempt (and again in the transport)',
    },
    {
      name: 'createWireUrl join',
      run: () => join(V3_QUERY_PATH),
      check: () =>
        join(V3_QUERY_PATH).wirePath === V3_QUERY_PATH ? undefined : 'wire path differs',
      note: 'now: request.ts, once per call (verbatim paths skip the parser)',
    },
    {
      name: 'withRetry (1 attempt, timeout)',
      run: () => withRetry(async () => 1, { attemptTimeoutMs: 10_000, idempotent: true }),
      check: ok,
      note: 'core: AbortController + cleared timer per attempt',
    },
    {
      name: 'AbortSignal.timeout(10 s)',
      run: () => AbortSignal.timeout(10_000),
      check: ok,
      note: 'for scale: what a per-attempt timeout signal costs on its own',
    },
    { name: 'randomNonce()', run: () => randomNonce(), check: ok, note: 'core nonce pool' },
    {
      name: 'parseJson (strict)',
      run: () => pieces.parseJson(body, 'response'),
      check: ok,
      note: 'v3-json: strict UTF-8, duplicate-key scan, JSON.parse',
    },
    {
      name: 'zod transactionSchema',
      run: () => pieces.transactionSchema.parse(value),
      check: ok,
      note: 'before: every answer decoded by zod',
    },
    {
      name: 'isWireTransaction',
      run: () => pieces.isWireTransaction(value),
      check: () => (pieces.isWireTransaction(value) ? undefined : 'fast check refused'),
      note: 'now: hand check, zod only when it says no',
    },
    {
      name: 'parseJson + toOrder',
      run: () => pieces.toOrder(pieces.parseJson(body, 'response')),
      check: () =>
        pieces.toOrder(pieces.parseJson(body, 'r')).state === 'SUCCESS'
          ? undefined
          : 'state is not SUCCESS',
      note: 'v3-json: decode + mapping as queryOrder runs it',
    },
  ];
}
