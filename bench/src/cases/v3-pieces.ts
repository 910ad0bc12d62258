/**
 * Case H (profile aid, no ratio): the CPU cost of each non-crypto step the v3 client adds to a
 * query, measured one by one, so the end-to-end overhead over raw can be attributed to named
 * adapter functions. `JSON.parse` of the same body is listed for scale.
 */
import { orderRefSchema, parseInput, randomNonce, withRetry } from '@wxpay/core';
import { V3_OUT_TRADE_NO, V3_QUERY_PATH, V3_TRANSACTION_BODY } from '../fixtures.js';
import type { Contestant } from '../harness.js';
import { attemptSignal } from '../tuned/attempt-signal.js';
import { pooledNonce } from '../tuned/nonce-pool.js';

/** `@wxpay/v3-json` internals used here. */
export interface V3Pieces {
  readonly toOrder: (value: unknown) => { state: string };
  readonly parseJson: (text: string, what: string) => unknown;
}

/** The steps of one v3 query, each as a "contestant". */
export function v3PiecesContestants(pieces: V3Pieces): Contestant[] {
  const ok = () => undefined;
  const body = Buffer.from(V3_TRANSACTION_BODY);
  return [
    {
      name: 'JSON.parse (scale)',
      run: () => JSON.parse(V3_TRANSACTION_BODY),
      check: ok,
    },
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
      note: 'request-v3 send()',
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
      note: 'what withRetry used to create per attempt',
    },
    {
      name: 'attemptSignal + release (applied in core)',
      run: () => attemptSignal(10_000).release(),
      check: ok,
      note: 'reference copy (tuned/attempt-signal), now in core',
    },
    {
      name: 'randomNonce()',
      run: () => randomNonce(),
      check: ok,
      note: 'core: pooled randomFillSync (4 KiB)',
    },
    {
      name: 'pooledNonce() (applied in core)',
      run: () => pooledNonce(),
      check: ok,
      note: 'reference copy (tuned/nonce-pool), now in core',
    },
    {
      name: 'parseJson + toOrder',
      run: () => pieces.toOrder(pieces.parseJson(body.toString('utf8'), 'response')),
      check: () =>
        pieces.toOrder(pieces.parseJson(body.toString('utf8'), 'r')).state === 'SUCCESS'
          ? undefined
          : 'state is not SUCCESS',
      note: 'v3-json: zod decode of the Transaction + mapping',
    },
  ];
}
