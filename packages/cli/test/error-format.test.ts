import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, AuthenticationError, OrderNotFoundError, type PaymentClient } from '@wxpay/core';
import { type Simulator, startSimulator, writeCredentialsFile } from '@wxpay/simulator';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/io.js';
import { runCli } from './run-cli.js';

// Both adapters word the same failure the same way (core's one table): what happened, WeChat
// Pay's code and message, protocol / status / Request-ID, and one line on what to check.
const FORMAT =
  /^(?<what>[^:]+): (?<code>[A-Z_0-9]+) (?<said>.+) \((?<protocol>v2|v3), HTTP \d+(, Request-ID [0-9A-F]+)?\)\. Check: (?<check>.+)\.$/;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.stop();
});

async function failure(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run();
  } catch (error) {
    if (ApiError.isInstance(error)) return error as ApiError;
    throw error;
  }
  throw new Error('the call succeeded');
}

/**
 * The ApiError a v2 and a v3 client (in that order) raise for the same `call`; both clients
 * are closed afterwards.
 */
async function failuresOfBoth(
  v2Config: Parameters<typeof createV2Client>[0],
  v3Config: Parameters<typeof createV3Client>[0],
  call: (client: PaymentClient) => Promise<unknown>,
): Promise<ApiError[]> {
  const [v2, v3] = [createV2Client(v2Config), createV3Client(v3Config)];
  try {
    return [await failure(() => call(v2)), await failure(() => call(v3))];
  } finally {
    await Promise.all([v2.close(), v3.close()]);
  }
}

describe('API error messages', () => {
  it('a signature made with the wrong key: same wording, protocol-specific check', async () => {
    const other = await startSimulator();
    try {
      // Keys of another merchant against this simulator: WeChat Pay rejects the signature.
      const errors = await failuresOfBoth(
        sim.clientConfig('v2', { apiKey: other.merchant.apiKey }),
        sim.clientConfig('v3', {
          privateKey: other.merchant.privateKey,
          retry: { maxAttempts: 1 },
        }),
        (client) => client.queryOrder({ outTradeNo: 'SIGNED_WRONG_1' }),
      );
      const parts = errors.map((e) => {
        expect(e).toBeInstanceOf(AuthenticationError);
        const match = FORMAT.exec(e.message);
        expect(match, e.message).not.toBeNull();
        return match?.groups ?? {};
      });
      expect(parts[0]?.what).toBe('WeChat Pay rejected the request signature');
      expect(parts[1]?.what).toBe(parts[0]?.what);
      expect(parts[0]?.check).toMatch(/apiKey is the 32-character APIv2 key/);
      expect(parts[1]?.check).toMatch(/privateKey belongs to the merchant certificate/);
      expect(errors[1]?.message).toContain(`Request-ID ${errors[1]?.requestId}`);
      for (const e of errors) {
        expect(e.message).not.toContain(other.merchant.apiKey);
        expect(e.message).not.toContain(sim.merchant.apiKey);
      }
    } finally {
      await other.stop();
    }
  });

  it('an unknown order: the same "what" and "check" from both protocols', async () => {
    const errors = await failuresOfBoth(sim.clientConfig('v2'), sim.clientConfig('v3'), (client) =>
      client.queryOrder({ outTradeNo: 'NO_SUCH_ORDER_9' }),
    );
    const parts = errors.map((e) => {
      expect(e).toBeInstanceOf(OrderNotFoundError);
      return FORMAT.exec(e.message)?.groups ?? {};
    });
    expect(parts[0]?.what).toBe('WeChat Pay does not know the order');
    expect(parts[1]?.what).toBe(parts[0]?.what);
    expect(parts[1]?.check).toBe(parts[0]?.check);
    expect(parts.map((p) => p.protocol)).toEqual(['v2', 'v3']);
  });

  it('the CLI prints the class and that message, once', async () => {
    const file = writeCredentialsFile(
      sim,
      join(mkdtempSync(join(tmpdir(), 'wxpay-err-')), 'c.json'),
    );
    const run = await runCli([
      'order',
      'query',
      '--protocol',
      'v3',
      '--config',
      file,
      '--out-trade-no',
      'NO_SUCH_ORDER_8',
    ]);
    expect(run.code).toBe(EXIT.api);
    expect(run.stderr).toMatch(
      /^wxpay order query: OrderNotFoundError: WeChat Pay does not know the order: ORDER_NOT_EXIST .+ \(v3, HTTP 404, Request-ID [0-9A-F]+\)\. Check: .+\.\n$/,
    );
  });
});
