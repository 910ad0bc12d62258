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
import type { ContractContext } from '../context.js';

/** Retries, timeouts, aborts and verification of the replies. */
export function describeTransport(ctx: ContractContext): void {
  const { create, queryPath, expectError } = ctx;
  describe('transport and verification', () => {
    it('a tampered reply is rejected with SignatureVerificationError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'bad-signature', path: queryPath(), times: 10 });
      await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
    });

    it('a 5xx is retried with a fresh nonce and then succeeds', async () => {
      const { outTradeNo } = await create();
      const from = ctx.sim.requests.length;
      ctx.sim.faults.push({ kind: 'status', status: 500, path: queryPath(), times: 1 });
      const order = await ctx.client.queryOrder({ outTradeNo });
      expect(order.state).toBe('NOTPAY');
      const attempts = ctx.sim.requests.slice(from).filter((r) => r.path.startsWith(queryPath()));
      expect(attempts.map((r) => r.status)).toEqual([500, 200]);
      expect(attempts[0]?.nonce).toBeDefined();
      expect(attempts[1]?.nonce).toBeDefined();
      expect(attempts[1]?.nonce).not.toBe(attempts[0]?.nonce);
    });

    it('an answer slower than timeoutMs → TimeoutError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'latency', latencyMs: 2_000, path: queryPath(), times: 10 });
      await expectError(ctx.client.queryOrder({ outTradeNo }, { timeoutMs: 150 }), TimeoutError);
    });

    it('an aborted call → AbortedError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'latency', latencyMs: 2_000, path: queryPath(), times: 10 });
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
      const { outTradeNo } = await create();
      const from = ctx.sim.requests.length;
      ctx.sim.faults.push({ kind: 'reset', path: queryPath(), times: 1 });
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
      const attempts = ctx.sim.requests.slice(from).filter((r) => r.path.startsWith(queryPath()));
      expect(attempts.map((r) => r.fault)).toEqual(['reset', undefined]);
    });

    it('a 429 is retried and then succeeds', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'status', status: 429, path: queryPath(), times: 1 });
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
    });

    it('a truncated answer is an error, never a success', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'truncate', path: queryPath(), times: 10 });
      await expectError(ctx.client.queryOrder({ outTradeNo }), WxPayError);
    });

    it('an unsigned answer, or (v3) one older than 300 s, is rejected', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'unsigned', path: queryPath(), times: 10 });
      await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
      ctx.sim.faults.clear();
      if (ctx.client.protocol === 'v3') {
        ctx.sim.faults.push({
          kind: 'skewed-timestamp',
          skewSeconds: -400,
          path: queryPath(),
          times: 10,
        });
        await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
        ctx.sim.faults.clear();
      }
      expect((await ctx.client.queryOrder({ outTradeNo })).state).toBe('NOTPAY');
    });

    it('an answer signed with a key the client does not know is rejected', async () => {
      // v3: a key id nobody was given; v2: a key other than the merchant's API key.
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'unknown-key', path: queryPath(), times: 10 });
      await expectError(ctx.client.queryOrder({ outTradeNo }), SignatureVerificationError);
    });

    it('an answer with extra and empty fields still verifies (signatures cover unknown fields)', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({
        kind: 'rewrite',
        path: queryPath(),
        times: 10,
        rewrite: (a) => ({ ...a, zz_future_field: 'new & <shiny>', device_info: '' }),
      });
      const order = await ctx.client.queryOrder({ outTradeNo });
      expect(order.state).toBe('NOTPAY');
      expect(JSON.stringify(order.raw)).toContain('zz_future_field');
    });

    it('an unknown trade_state → UnknownTradeStateError keeping the raw answer', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({
        kind: 'rewrite',
        path: queryPath(),
        times: 10,
        rewrite: (a) => ({ ...a, trade_state: 'FROZEN' }),
      });
      const error = await expectError(
        ctx.client.queryOrder({ outTradeNo }),
        UnknownTradeStateError,
      );
      expect(JSON.stringify((error as { raw?: unknown }).raw)).toContain('FROZEN');
    });

    it('a validly signed answer without trade_state → ResponseValidationError', async () => {
      const { outTradeNo } = await create();
      ctx.sim.faults.push({
        kind: 'rewrite',
        path: queryPath(),
        times: 10,
        rewrite: ({ trade_state: _dropped, ...rest }) => rest,
      });
      await expectError(ctx.client.queryOrder({ outTradeNo }), ResponseValidationError);
    });

    it('a probe (v3 SIGNTEST) or algorithm-swapped (v2) signature on an answer is rejected', async () => {
      // v2 has no probes: the fault signs with the other algorithm than the request named,
      // which a client verifying "with the same type" must refuse.
      const { outTradeNo } = await create();
      ctx.sim.faults.push({ kind: 'probe-signature', path: queryPath(), times: 10 });
      await expectError(
        ctx.client.queryOrder({ outTradeNo }),
        ctx.client.protocol === 'v3' ? SignatureProbeError : SignatureVerificationError,
      );
    });
  });
}
