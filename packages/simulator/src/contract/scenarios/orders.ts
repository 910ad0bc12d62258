import { verify, X509Certificate } from 'node:crypto';
import { DuplicateOrderError, type OrderKind, type Prepay, ValidationError } from '@wxpay/core';
import { describe, expect, it } from 'vitest';
import type { ContractContext } from '../context.js';
import { v2Sign } from '../raw-client.js';

/** Creating orders of every kind, and input validation before any request. */
export function describeOrderCreation(ctx: ContractContext): void {
  const { no, params, create, expectError, options } = ctx;
  describe('creating orders', () => {
    for (const kind of options.kinds ??
      (['jsapi', 'miniprogram', 'app', 'native', 'h5'] as const)) {
      it(`creates a ${kind} order and returns the matching Prepay`, async () => {
        const { outTradeNo, prepay } = await create(kind);
        checkPrepay(kind, outTradeNo, prepay);
      });
    }

    it('text with XML/JSON specials and CJK survives the round trip exactly', async () => {
      const outTradeNo = no();
      const attach = 'a&b<c>]]>d "引号" \'x\' 中文';
      const description = '商品 & <测试> ]]> 腾讯充值中心-QQ会员充值';
      await ctx.client.createOrder({ ...params('native', outTradeNo), attach, description });
      expect(ctx.sim.getOrder(outTradeNo)?.description).toBe(description);
      expect(ctx.sim.getOrder(outTradeNo)?.attach).toBe(attach);
      ctx.sim.pay(outTradeNo, { silent: true });
      expect((await ctx.client.queryOrder({ outTradeNo })).attach).toBe(attach);
    });

    it('expiresAt reaches the server as the same instant (v2 in Beijing time)', async () => {
      const outTradeNo = no();
      const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * 3600_000 + 17_000);
      await ctx.client.createOrder({ ...params('jsapi', outTradeNo), expiresAt });
      expect(ctx.sim.getOrder(outTradeNo)?.expiresAt).toBe(expiresAt.getTime());
    });

    it('deviceId reaches the server', async () => {
      const outTradeNo = no();
      await ctx.client.createOrder({ ...params('native', outTradeNo), deviceId: 'POS-0001' });
      expect(ctx.sim.getOrder(outTradeNo)?.deviceInfo).toBe('POS-0001');
    });

    it('invalid input is refused with ValidationError before anything is sent', async () => {
      const from = ctx.sim.requests.length;
      const bad = { ...params('native', no()), amount: { total: 0, currency: 'CNY' } };
      const error = await expectError(ctx.client.createOrder(bad), ValidationError);
      expect(JSON.stringify((error as { issues?: unknown }).issues)).toContain('amount');
      await expectError(ctx.client.queryOrder({ outTradeNo: 'bad no!' }), ValidationError);
      await expectError(
        ctx.client.refund({
          order: { outTradeNo: 'VALID_NO_1' },
          outRefundNo: 'R1',
          amount: { refund: 2, total: 1 },
        }),
        ValidationError,
      );
      expect(ctx.sim.requests.length).toBe(from);
    });

    it('a description of exactly 127 UTF-8 bytes is accepted; 128 bytes is refused locally', async () => {
      const atLimit = `${'测'.repeat(42)}x`; // 42 × 3 + 1 = 127 bytes
      const outTradeNo = no();
      await ctx.client.createOrder({ ...params('native', outTradeNo), description: atLimit });
      expect(ctx.sim.getOrder(outTradeNo)?.description).toBe(atLimit);
      const from = ctx.sim.requests.length;
      await expectError(
        ctx.client.createOrder({ ...params('native', no()), description: `${atLimit}y` }),
        ValidationError,
      );
      expect(ctx.sim.requests.length).toBe(from);
    });

    it('requests follow the agreed conventions (v2 sign_type always sent; v3 Wechatpay-Serial, Accept, User-Agent)', async () => {
      const from = ctx.sim.requests.length;
      const { outTradeNo } = await create('native', 100);
      await ctx.client.queryOrder({ outTradeNo });
      ctx.sim.pay(outTradeNo, { silent: true });
      await ctx.client.refund({
        order: { outTradeNo },
        outRefundNo: `${outTradeNo}C`,
        amount: { refund: 1, total: 100 },
        notifyUrl: ctx.receiver.url,
      });
      const log = ctx.sim.requests;
      // A client in certificate mode cannot name a certificate before its first download.
      const firstDownload = log.findIndex((r) => r.path === '/v3/certificates');
      const known = [
        ctx.sim.merchant.wechatpayPublicKey.id,
        ...ctx.sim.merchant.platformCertificates.map((c) => c.serial),
      ];
      let checked = 0;
      for (let i = from; i < log.length; i++) {
        const r = log[i];
        if (!r || r.path === '/v3/certificates') continue;
        checked += 1;
        // Per request, not per client: a migration client may speak both protocols.
        if (r.protocol === 'v2') {
          expect(r.body, `${r.path} sends sign_type`).toMatch(/<sign_type>/);
          continue;
        }
        const header = (name: string) => {
          const v = r.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        const serial = header('wechatpay-serial');
        if (serial === undefined && firstDownload >= 0 && i < firstDownload) continue;
        expect(
          known,
          `${r.path} names a key it can verify in Wechatpay-Serial (got ${serial})`,
        ).toContain(serial?.startsWith('PUB_KEY_ID_') ? serial : serial?.toUpperCase());
        expect(header('accept')).toMatch(/application\/json/);
        expect(header('user-agent')?.length ?? 0).toBeGreaterThan(0);
      }
      expect(checked).toBeGreaterThanOrEqual(3);
    });

    it('parallel calls all succeed', async () => {
      const created = await Promise.all(Array.from({ length: 8 }, () => create('native')));
      const orders = await Promise.all(
        created.map(({ outTradeNo }) => ctx.client.queryOrder({ outTradeNo })),
      );
      expect(orders.map((o) => o.outTradeNo)).toEqual(created.map((c) => c.outTradeNo));
      expect(orders.every((o) => o.state === 'NOTPAY')).toBe(true);
    });

    it('re-submitting identical parameters returns the same prepay', async () => {
      const outTradeNo = no();
      const first = await ctx.client.createOrder(params('jsapi', outTradeNo));
      const again = await ctx.client.createOrder(params('jsapi', outTradeNo));
      expect(
        again.kind === 'jsapi' && first.kind === 'jsapi' && again.prepayId === first.prepayId,
      ).toBe(true);
    });

    it('the same out_trade_no with other parameters is a DuplicateOrderError', async () => {
      const { outTradeNo } = await create('native', 100);
      await expectError(
        ctx.client.createOrder(params('native', outTradeNo, 101)),
        DuplicateOrderError,
      );
    });
  });

  function verifyRsa(message: string, signature: string): boolean {
    const key = new X509Certificate(ctx.sim.merchant.certificate).publicKey;
    return verify('sha256', Buffer.from(message), key, Buffer.from(signature, 'base64'));
  }

  function checkPrepay(kind: OrderKind, outTradeNo: string, prepay: Prepay) {
    const stored = ctx.sim.getOrder(outTradeNo);
    expect(stored, 'the simulator holds the order').toBeDefined();
    expect(stored?.via).toBe(ctx.client.protocol);
    expect(stored?.state).toBe('NOTPAY');
    expect(prepay.kind).toBe(kind);
    const nowSec = Math.floor(Date.now() / 1000);
    if (prepay.kind === 'jsapi' || prepay.kind === 'miniprogram') {
      expect(stored?.tradeType).toBe('JSAPI');
      expect(prepay.prepayId).toBe(stored?.prepayId);
      const b = prepay.bridgeConfig;
      expect(b.appId).toBe(ctx.sim.merchant.appId);
      expect(b.package).toBe(`prepay_id=${prepay.prepayId}`);
      expect(Math.abs(Number(b.timeStamp) - nowSec)).toBeLessThan(300);
      expect(b.nonceStr.length).toBeGreaterThan(0);
      if (b.signType === 'RSA') {
        expect(
          verifyRsa(`${b.appId}\n${b.timeStamp}\n${b.nonceStr}\n${b.package}\n`, b.paySign),
        ).toBe(true);
      } else {
        const signed = {
          appId: b.appId,
          nonceStr: b.nonceStr,
          package: b.package,
          signType: b.signType,
          timeStamp: b.timeStamp,
        };
        expect(b.paySign).toBe(v2Sign(signed, ctx.sim.merchant.apiKey, b.signType));
      }
    } else if (prepay.kind === 'app') {
      expect(stored?.tradeType).toBe('APP');
      const a = prepay.appConfig;
      // Partner mode: the sub-merchant's app and id (docs/protocol/partner.md).
      const sub = ctx.subMerchant;
      expect(a).toMatchObject({
        appid: sub?.subAppId ?? ctx.sim.merchant.appId,
        partnerid: sub?.subMchId ?? ctx.sim.merchant.mchId,
        prepayid: prepay.prepayId,
        package: 'Sign=WXPay',
      });
      expect(prepay.prepayId).toBe(stored?.prepayId);
      if (ctx.client.protocol === 'v3') {
        expect(
          verifyRsa(`${a.appid}\n${a.timestamp}\n${a.noncestr}\n${a.prepayid}\n`, a.sign),
        ).toBe(true);
      } else {
        const { sign, ...fields } = a;
        expect([
          v2Sign(fields, ctx.sim.merchant.apiKey, 'MD5'),
          v2Sign(fields, ctx.sim.merchant.apiKey, 'HMAC-SHA256'),
        ]).toContain(sign);
      }
    } else if (prepay.kind === 'native') {
      expect(stored?.tradeType).toBe('NATIVE');
      expect(prepay.codeUrl).toBe(stored?.codeUrl);
      expect(prepay.codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    } else if (prepay.kind === 'h5') {
      expect(stored?.tradeType).toBe('MWEB');
      expect(prepay.h5Url).toBe(stored?.h5Url);
    }
  }
}
