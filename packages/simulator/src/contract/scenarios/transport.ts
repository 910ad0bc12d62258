import {
  AbortedError,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
  TimeoutError,
  UnknownTradeStateError,
  WxPayError,
} from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../faults.js';
import type { ContractContext } from '../context.js';

/** A fault on the order query, without its path (always the query's) and count. */
type QueryFault = Omit<FaultSpec, 'path' | 'times'>;

/** Answers a client must refuse with one error class, whatever the protocol. */
const REFUSED_ANSWERS: readonly {
  readonly name: string;
  readonly fault: QueryFault;
  readonly error: { readonly kind: string; isInstance(value: unknown): boolean };
}[] = [
  {
    name: 'a tampered reply is rejected with SignatureVerificationError',
    fault: { kind: 'bad-signature' },
    error: SignatureVerificationError,
  },
  {
    name: 'a truncated answer is an error, never a success',
    fault: { kind: 'truncate' },
    error: WxPayError,
  },
  {
    // v3: a key id nobody was given; v2: a key other than the merchant's API key.
    name: 'an answer signed with a key the client does not know is rejected',
    fault: { kind: 'unknown-key' },
    error: SignatureVerificationError,
  },
  {
    name: 'a validly signed answer without trade_state → ResponseValidationError',
    fault: { kind: 'rewrite', rewrite: ({ trade_state: _dropped, ...rest }) => rest },
    error: ResponseValidationError,
  },
];

/** Retries, timeouts, aborts and verification of the replies. */
export function describeTransport(ctx: ContractContext): void {
  const { create, queryPath, expectError } = ctx;
  /** Creates an order whose next `times` queries meet `fault`; returns its out_trade_no. */
  const createFaulted = async (fault: QueryFault, times = 10): Promise<string> => {
    const { outTradeNo } = await create();
    ctx.sim.faults.push({ ...fault, path: queryPath(), times });
    return outTradeNo;
  };
  /** The query attempts sent since request number `from`. */
  const queriesSince = (from: number) =>
    ctx.sim.requests.slice(from).filter((r) => r.path.startsWith(queryPath()));

  describe('transport and verification', () => {
    it.each(REFUSED_ANSWERS)('$name', async ({ fault, error }) => {
      const outTradeNo = await createFaulted(fault);
      await expectError(ctx.client.queryOrder({ outTradeNo }), error);
    });

    it('a 5xx is retried with a fresh nonce and then succeeds', async () => {
      const from = ctx.sim.requests.length;
      const outTradeNo = await createFaulted({ kind: 'status', status: 500 }, 1);
      const order = await ctx.client.queryOrder({ outTradeNo });
      expect(order.state).toBe('NOTPAY');
      const attempts = queriesSince(from);
      expect(attempts.map((r) => r.status)).toEqual([500, 200]);
      expect(attempts[0]?.nonce).toBeDefined();
      expect(attempts[1]?.nonce).toBeDefined();
      expect(attempts[1]?.nonce).not.toBe(attempts[0]?.nonce);
    });

    it('an answer slower than timeoutMs → TimeoutError', async () => {
      const outTradeNo = await createFaulted({ kind: 'latency', latencyMs: 2_000 });
      await expectError(ctx.client.queryOrder({ outTradeNo }, { timeoutMs: 150 }), TimeoutError);
    });

    it('an aborted call → AbortedError', async () => {
      const outTradeNo = await createFaulted({ kind: 'latency', latencyMs: 2_000 });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 100);
      try {
        await expectError(
          ctx.client.queryOrder({ outTradeNo }, { signal: controller.signal }),
          AbortedError,
        );
      } finally {
        clearTimeout(timer);
      }
    });

    it('a reset connection is retried and then succeeds', async () => {
      const from = ctx.sim.requests.length;
      const outTradeNo = await createFaulted({ kind: 'reset' }, 1);
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      expect(queriesSince(from).map((r) => r.fault)).toEqual(['reset', undefined]);
    });

    it('a 429 is retried and then succeeds', async () => {
      const outTradeNo = await createFaulted({ kind: 'status', status: 429 }, 1);
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
    });

    it('an unsigned answer, or (v3) one older than 300 s, is rejected', async () => {
      const outTradeNo = await createFaulted({ kind: 'unsigned' });
      await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
      ctx.sim.faults.clear();
      if (ctx.client.protocol === 'v3') {
        const skewed = { kind: 'skewed-timestamp', skewSeconds: -400 } as const;
        ctx.sim.faults.push({ ...skewed, path: queryPath(), times: 10 });
        await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
        ctx.sim.faults.clear();
      }
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
    });

    it('an answer with extra and empty fields still verifies (signatures cover unknown fields)', async () => {
      const outTradeNo = await createFaulted({
        kind: 'rewrite',
        rewrite: (a) => ({ ...a, zz_future_field: 'new & <shiny>', device_info: '' }),
      });
      const order = await ctx.client.queryOrder({ outTradeNo });
      expect(order.state).toBe('NOTPAY');
      expect(JSON.stringify(order.raw)).toContain('zz_future_field');
    });

    it('an unknown trade_state → UnknownTradeStateError keeping the raw answer', async () => {
      const outTradeNo = await createFaulted({
        kind: 'rewrite',
        rewrite: (a) => ({ ...a, trade_state: 'FROZEN' }),
      });
      const query = ctx.client.queryOrder({ outTradeNo });
      const error = await expectError(query, UnknownTradeStateError);
      expect(JSON.stringify((error as { raw?: unknown }).raw)).toContain('FROZEN');
    });

    it('a probe (v3 SIGNTEST) or algorithm-swapped (v2) signature on an answer is rejected', async () => {
      // v2 has no probes: the fault signs with the other algorithm than the request named,
      // which a client verifying "with the same type" must refuse.
      const outTradeNo = await createFaulted({ kind: 'probe-signature' });
      await expectError(
        ctx.client.queryOrder({ outTradeNo }),
        ctx.client.protocol === 'v3' ? SignatureProbeError : SignatureVerificationError,
      );
    });
  });
}
