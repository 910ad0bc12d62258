/**
 * tenpay's notification path: what its `middlewareForExpress('pay')` runs (`_parse` with the
 * `middleware_pay` type: xml2js, return/result codes, sign check), then the SUCCESS reply.
 */
import { API_KEY, V2_APPID, V2_MCHID } from '../../fixtures.js';
import { Tenpay } from '../../peers.js';
import { V2_ACK_SUCCESS } from '../notifications.js';
import { type NotifyHandlerBuilder, readBody } from './types.js';

/** Builds the tenpay handler (v2 only). */
export const buildTenpayNotify: NotifyHandlerBuilder = (protocol, _keys, onPaid) => {
  if (protocol !== 'v2') throw new Error('tenpay has no v3 notifications');
  const tp = new Tenpay({ appid: V2_APPID, mchid: V2_MCHID, partnerKey: API_KEY });
  return (req, res) => {
    readBody(req)
      .then(async (raw) => {
        const info = await tp._parse(raw.toString('utf8'), 'middleware_pay');
        onPaid(String(info.out_trade_no));
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end(V2_ACK_SUCCESS);
      })
      .catch((error: unknown) => {
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        res.end(
          `<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[${String(error instanceof Error ? error.message : error)}]]></return_msg></xml>`,
        );
      });
  };
};
