/**
 * The raw baseline of case I: node:http + node:crypto doing the checks a careful merchant
 * writes by hand. v3: the four headers, the ±300 s window, the serial, the RSA signature (sync
 * `crypto.verify`), `JSON.parse`, AES-256-GCM with the tag checked, `JSON.parse`, callback, 204.
 * v2: fast-xml-parser, `return_code`, the MD5 sign in constant time, appid/mch_id, callback,
 * the SUCCESS acknowledgement.
 */
import { createDecipheriv, verify } from 'node:crypto';
import { API_V3_KEY, V2_APPID, V2_MCHID, V3_MCHID, V3_PUB_KEY_ID } from '../../fixtures.js';
import { rawV2Parser } from '../../raw-v2.js';
import { V2_ACK_SUCCESS } from '../notifications.js';
import { type NotifyHandlerBuilder, readBody } from './types.js';

const V3_KEY = Buffer.from(API_V3_KEY);

/** Builds the raw handler for the protocol. */
export const buildRawNotify: NotifyHandlerBuilder = (protocol, keys, onPaid) => {
  const fail = (res: Parameters<ReturnType<NotifyHandlerBuilder>>[1], status: number) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"code":"FAIL","message":"rejected"}');
  };
  if (protocol === 'v3') {
    return (req, res) => {
      readBody(req).then(
        (body) => {
          const h = req.headers;
          const ts = h['wechatpay-timestamp'];
          const nonce = h['wechatpay-nonce'];
          const sig = h['wechatpay-signature'];
          if (typeof ts !== 'string' || typeof nonce !== 'string' || typeof sig !== 'string') {
            return fail(res, 401);
          }
          if (h['wechatpay-serial'] !== V3_PUB_KEY_ID) return fail(res, 401);
          if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return fail(res, 401);
          const message = Buffer.concat([
            Buffer.from(`${ts}\n${nonce}\n`),
            body,
            Buffer.from('\n'),
          ]);
          if (!verify('sha256', message, keys.platformPublicKey, Buffer.from(sig, 'base64'))) {
            return fail(res, 401);
          }
          try {
            const envelope = JSON.parse(body.toString('utf8')) as {
              event_type: string;
              resource: { ciphertext: string; nonce: string; associated_data?: string };
            };
            const r = envelope.resource;
            const data = Buffer.from(r.ciphertext, 'base64');
            const decipher = createDecipheriv('aes-256-gcm', V3_KEY, Buffer.from(r.nonce));
            decipher.setAAD(Buffer.from(r.associated_data ?? ''));
            decipher.setAuthTag(data.subarray(data.length - 16));
            const plain = Buffer.concat([
              decipher.update(data.subarray(0, data.length - 16)),
              decipher.final(),
            ]);
            const tx = JSON.parse(plain.toString('utf8')) as {
              mchid?: string;
              out_trade_no: string;
              trade_state: string;
            };
            if (tx.mchid !== V3_MCHID) return fail(res, 400);
            if (envelope.event_type === 'TRANSACTION.SUCCESS' && tx.trade_state === 'SUCCESS') {
              onPaid(tx.out_trade_no);
            }
          } catch {
            return fail(res, 400);
          }
          res.writeHead(204);
          res.end();
        },
        () => fail(res, 400),
      );
    };
  }
  const parse = rawV2Parser('MD5');
  return (req, res) => {
    readBody(req).then(
      (body) => {
        let ok = false;
        try {
          const f = parse(body.toString('utf8'));
          if (f.appid === V2_APPID && f.mch_id === V2_MCHID) {
            ok = true;
            if (f.result_code === 'SUCCESS') onPaid(f.out_trade_no ?? '');
          }
        } catch {
          ok = false;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          ok
            ? V2_ACK_SUCCESS
            : '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[rejected]]></return_msg></xml>',
        );
      },
      () => fail(res, 400),
    );
  };
};
