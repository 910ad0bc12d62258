import { randomBytes, sign } from 'node:crypto';
import { expectFuzzVerdict, recordUnhandledRejections, Tally } from '@wxpay/simulator/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { V3Client } from '../../src/index.js';
import { makeTestKeys, type SignerIdentity } from '../support/test-keys.js';
import {
  MCH,
  NOW,
  notificationBody,
  publicKeyClient,
  seal,
  TRANSACTION,
} from './support/fixtures.js';
import { pool, sampleBodies } from './support/mutate.js';
import { isValidNotification } from './support/valid.js';

const keys = makeTestKeys();
let client: V3Client;
const rejections = recordUnhandledRejections();

beforeAll(() => {
  // parseNotification makes no HTTP call; the base URL is never used.
  client = publicKeyClient(keys, 'http://127.0.0.1:9');
});

afterAll(async () => {
  await client.close();
});

/** Signs like WeChat Pay, on the threadpool so the fuzz loop can use both cores. */
function signAsync(signer: SignerIdentity, body: Buffer): Promise<Record<string, string>> {
  const nonce = randomBytes(16).toString('hex');
  const message = Buffer.concat([Buffer.from(`${NOW}\n${nonce}\n`), body, Buffer.from('\n')]);
  return new Promise((resolve, reject) => {
    sign('sha256', message, signer.privateKey, (error, signature) => {
      if (error) reject(error);
      else
        resolve({
          'wechatpay-timestamp': String(NOW),
          'wechatpay-nonce': nonce,
          'wechatpay-signature': signature.toString('base64'),
          'wechatpay-serial': signer.serial,
        });
    });
  });
}

const REFUND_RESOURCE = {
  mchid: MCH,
  out_trade_no: TRANSACTION.out_trade_no,
  transaction_id: TRANSACTION.transaction_id,
  out_refund_no: 'R-SEC-0001',
  refund_id: '50000000382019052709732678859',
  refund_status: 'SUCCESS',
  success_time: '2025-11-23T10:40:00+08:00',
  user_received_account: '招商银行信用卡0403',
  amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100 },
};

/** A refund notification envelope around `plaintext`. */
function refundEnvelope(plaintext: Buffer): Buffer {
  const nonce = randomBytes(6).toString('hex');
  return Buffer.from(
    JSON.stringify({
      id: 'EV-REFUND-0001',
      create_time: '2025-11-23T10:41:00+08:00',
      event_type: 'REFUND.SUCCESS',
      resource_type: 'encrypt-resource',
      summary: '退款成功',
      resource: {
        original_type: 'refund',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: seal(keys.apiV3Key, nonce, 'refund', plaintext),
        associated_data: 'refund',
        nonce,
      },
    }),
  );
}

describe('notification parser under fuzzing', () => {
  it('10,000 signed, mutated notifications: typed errors or valid results only', async () => {
    const envelope = JSON.parse(notificationBody(keys)) as Record<string, unknown>;
    const bodies: Buffer[] = [
      // The envelope itself mutated (then signed, so the parser behind the signature is reached).
      ...sampleBodies(envelope, 4_000, 91),
      // The decrypted payment resource mutated (sealed and signed like WeChat Pay would).
      ...sampleBodies(TRANSACTION, 4_000, 92).map((plaintext) =>
        Buffer.from(notificationBody(keys, { plaintext })),
      ),
      // The decrypted refund resource mutated.
      ...sampleBodies(REFUND_RESOURCE, 2_000, 93).map(refundEnvelope),
    ];
    const tally = new Tally('notification parser fuzz (signed)');
    await pool(bodies, 4, async (body, i) => {
      const headers = await signAsync(keys.publicKey, body);
      await tally.fuzz(
        `notification #${i}`,
        () => client.parseNotification({ headers, body }),
        isValidNotification,
      );
    });
    expectFuzzVerdict(tally, { tried: 10_000, minRejected: 2_500, minAcceptedValid: 500 });
  });

  it('no unhandled rejection', async () => {
    await rejections.expectNone();
  });
});
