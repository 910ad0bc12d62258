/**
 * wechatpay-node-v3's notification path as its README shows it: `verifySign` with the four
 * header values (its static certificate map seeded with the platform key), then `decipher_gcm`
 * of the resource, then the callback and 204.
 */
import { API_V3_KEY, V3_APPID, V3_MCHID, V3_PUB_KEY_ID, V3_SERIAL } from '../../fixtures.js';
import { NodeV3 } from '../../peers.js';
import { type NotifyHandlerBuilder, readBody } from './types.js';

/** Builds the wechatpay-node-v3 handler (v3 only). */
export const buildNodeV3Notify: NotifyHandlerBuilder = (protocol, keys, onPaid) => {
  if (protocol !== 'v3') throw new Error('wechatpay-node-v3 has no v2 notifications');
  NodeV3.certificates[V3_PUB_KEY_ID] = keys.platformPublic;
  const pay = new NodeV3({
    appid: V3_APPID,
    mchid: V3_MCHID,
    serial_no: V3_SERIAL,
    publicKey: Buffer.from(keys.merchantPublic),
    privateKey: Buffer.from(keys.merchantPrivate),
    key: API_V3_KEY,
  });
  const refuse = (res: Parameters<ReturnType<NotifyHandlerBuilder>>[1]) => {
    res.writeHead(401);
    res.end();
  };
  const header = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');
  return (req, res) => {
    readBody(req)
      .then(async (raw) => {
        const body = raw.toString('utf8');
        const ok = await pay.verifySign({
          timestamp: header(req.headers['wechatpay-timestamp']),
          nonce: header(req.headers['wechatpay-nonce']),
          body,
          serial: header(req.headers['wechatpay-serial']),
          signature: header(req.headers['wechatpay-signature']),
        });
        if (!ok) return refuse(res);
        const { resource } = JSON.parse(body) as {
          resource: { ciphertext: string; associated_data: string; nonce: string };
        };
        const tx = pay.decipher_gcm<{ out_trade_no: string; trade_state: string }>(
          resource.ciphertext,
          resource.associated_data,
          resource.nonce,
          API_V3_KEY,
        );
        if (tx.trade_state === 'SUCCESS') onPaid(tx.out_trade_no);
        res.writeHead(204);
        res.end();
      })
      .catch(() => refuse(res));
  };
};
