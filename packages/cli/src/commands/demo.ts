import { performance } from 'node:perf_hooks';
import {
  compareOrders,
  createMigrationClient,
  type PaymentClient,
  type PaymentNotification,
} from '@wxpay/core';
import { startSimulator } from '@wxpay/simulator';
import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import { type CliIo, EXIT } from '../io.js';
import { startNotificationReceiver } from '../notification-receiver.js';
import { demoOrder } from './demo-orders.js';
import { trackerStory } from './demo-tracker.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  readonly json?: boolean;
}

interface StepResult {
  readonly protocol: string;
  readonly step: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

function orderNo(prefix: string): string {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${Math.floor(performance.now() * 1000) % 1000}`;
}

/**
 * The main job: a whole merchant story on both protocols against the embedded simulator.
 * Every step checks its outcome; the exit code is 0 only if every step succeeded.
 */
export async function runDemo(io: CliIo, options: DemoOptions = {}): Promise<number> {
  const results: StepResult[] = [];
  const human = !options.json;
  const say = (text: string) => {
    if (human) io.stdout.write(text);
  };

  say('wxpay demo — a merchant story on WeChat Pay v3 and v2, against the embedded simulator\n\n');
  const sim = await startSimulator();
  const m = sim.merchant;
  say(`simulator  ${sim.url}  (merchant ${m.mchId}, app ${m.appId}; keys generated just now)\n`);

  let v2Client: v2.V2Client | undefined;
  let v3Client: v3.V3Client | undefined;
  const receiver = await startNotificationReceiver((r) => {
    const record = (n: PaymentNotification) => r.record(n);
    return {
      '/notify/v2': (req, res) => v2.createNodeNotificationHandler(v2Client!, record)(req, res),
      '/notify/v3': (req, res) => v3.createNodeNotificationHandler(v3Client!, record)(req, res),
    };
  });
  say(
    `notify     ${receiver.url}/notify/{v2,v3}  (the merchant's endpoint; verifies before it acknowledges)\n\n`,
  );

  // v3 verifies with the WeChat Pay public key, as new merchants do; the simulator signs with both.
  v3Client = v3.createV3Client(
    sim.clientConfig('v3', {
      wechatpayPublicKey: m.wechatpayPublicKey,
      notifyUrl: `${receiver.url}/notify/v3`,
    }),
  );
  v2Client = v2.createV2Client(
    sim.clientConfig('v2', { signType: 'HMAC-SHA256', notifyUrl: `${receiver.url}/notify/v2` }),
  );
  async function step(
    protocol: string,
    name: string,
    run: () => Promise<string>,
  ): Promise<boolean> {
    const started = performance.now();
    say(`  [${protocol}] ${name} … `);
    try {
      const detail = await run();
      const ms = performance.now() - started;
      results.push({ protocol, step: name, ok: true, detail, ms });
      say(`ok (${ms.toFixed(0)} ms)\n         ${detail}\n`);
      return true;
    } catch (error) {
      const ms = performance.now() - started;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ protocol, step: name, ok: false, detail, ms });
      say(`FAILED\n         ${detail}\n`);
      return false;
    }
  }

  function expect(condition: boolean, message: string): void {
    if (!condition) throw new Error(message);
  }

  async function story(protocol: 'v2' | 'v3', client: PaymentClient): Promise<void> {
    say(
      `${protocol === 'v3' ? 'WeChat Pay v3 (JSON, RSA signatures, AES-GCM notifications)' : 'WeChat Pay v2 (XML, HMAC-SHA256 sign)'}\n`,
    );
    const jsapiNo = orderNo(`DEMO${protocol.toUpperCase()}J`);
    const order = {
      ...demoOrder('jsapi', jsapiNo, 'Image形象店-深圳腾大-QQ公仔', 100),
      attach: 'demo',
    };
    await step(protocol, `create JSAPI order ${jsapiNo}`, async () => {
      const prepay = await client.createOrder(order);
      expect(prepay.kind === 'jsapi', `expected a jsapi prepay, got ${prepay.kind}`);
      if (prepay.kind !== 'jsapi') return '';
      const b = prepay.bridgeConfig;
      return `prepay_id=${prepay.prepayId}; bridge config signType=${b.signType} paySign=${b.paySign.slice(0, 16)}…`;
    });
    await step(protocol, 'payer pays; notification verified by the merchant', async () => {
      const waiting = receiver.waitFor(
        (n) => n.type === 'payment' && n.order.outTradeNo === jsapiNo,
      );
      sim.pay(jsapiNo);
      const n = await waiting;
      expect(
        n.type === 'payment' && n.order.state === 'SUCCESS',
        'notification does not report SUCCESS',
      );
      return `event ${n.id} accepted: signature ${protocol === 'v3' ? 'RSA-verified and AES-GCM decrypted' : 'verified (HMAC-SHA256)'}`;
    });
    let transactionId = '';
    await step(protocol, 'query the order', async () => {
      const o = await client.queryOrder({ outTradeNo: jsapiNo });
      expect(o.state === 'SUCCESS', `state ${o.state}, expected SUCCESS`);
      expect(o.amount.total === 100, `total ${o.amount.total}, expected 100`);
      transactionId = o.transactionId ?? '';
      return `state=${o.state} total=${o.amount.total} fen transaction_id=${o.transactionId} paid at ${o.successTime?.toISOString()}`;
    });
    const refundNo = `${jsapiNo}R1`;
    await step(protocol, `refund 30 fen (${refundNo})`, async () => {
      const r = await client.refund({
        order: { transactionId },
        outRefundNo: refundNo,
        amount: { refund: 30, total: 100 },
        reason: 'demo',
      });
      expect(r.status === 'PROCESSING' || r.status === 'SUCCESS', `refund status ${r.status}`);
      sim.completeRefund(refundNo);
      const q = await client.queryRefund(refundNo);
      expect(q.status === 'SUCCESS', `refund query status ${q.status}, expected SUCCESS`);
      const after = await client.queryOrder({ outTradeNo: jsapiNo });
      expect(after.state === 'REFUND', `order state ${after.state}, expected REFUND`);
      return `refund ${q.refundId} ${q.status}; order now ${after.state}`;
    });
    const nativeNo = orderNo(`DEMO${protocol.toUpperCase()}N`);
    await step(protocol, `Native order ${nativeNo} left unpaid, then closed`, async () => {
      const prepay = await client.createOrder(demoOrder('native', nativeNo, 'QR checkout', 2_500));
      expect(prepay.kind === 'native', 'expected a native prepay');
      if (prepay.kind !== 'native') return '';
      await client.closeOrder(nativeNo);
      const o = await client.queryOrder({ outTradeNo: nativeNo });
      expect(o.state === 'CLOSED', `state ${o.state}, expected CLOSED`);
      return `code_url=${prepay.codeUrl}; closed; query says ${o.state}`;
    });
    say('\n');
  }

  try {
    await story('v3', v3Client);
    await story('v2', v2Client);

    say('Migration: an order created under v2, read through v3\n');
    const legacyNo = orderNo('DEMOMIG');
    const migration = createMigrationClient({
      v2: v2Client,
      v3: v3Client,
      mode: 'v3-with-v2-fallback',
    });
    await step(
      'v2→v3',
      `order ${legacyNo} created and paid on v2, read through the migration client`,
      async () => {
        await v2Client!.createOrder(demoOrder('jsapi', legacyNo, 'legacy order', 888));
        sim.pay(legacyNo, { silent: true });
        const viaV3 = await migration.queryOrder({ outTradeNo: legacyNo });
        const viaV2 = await v2Client!.queryOrder({ outTradeNo: legacyNo });
        const diff = compareOrders(viaV3, viaV2);
        expect(viaV3.state === 'SUCCESS', `state ${viaV3.state}, expected SUCCESS`);
        expect(diff.length === 0, `v2 and v3 disagree on ${diff.map((d) => d.field).join(', ')}`);
        return `v3 reads state=${viaV3.state} total=${viaV3.amount.total}; v2 and v3 views agree field by field`;
      },
    );
    await trackerStory({ sim, client: v3Client, orderNo, step, say });
  } finally {
    await Promise.all([v2Client.close(), v3Client.close(), receiver.close(), sim.stop()]);
  }

  const failed = results.filter((r) => !r.ok);
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ok: failed.length === 0, steps: results }, null, 2)}\n`);
  } else {
    say(`\n${results.length - failed.length} of ${results.length} steps succeeded`);
    say(
      failed.length === 0
        ? ' — the story is complete.\n'
        : `; failed: ${failed.map((f) => `[${f.protocol}] ${f.step}`).join('; ')}\n`,
    );
  }
  return failed.length === 0 ? EXIT.ok : EXIT.failure;
}
