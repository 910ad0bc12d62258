import { buildXml } from '../xml/build-xml.js';

/** An HTTP reply to a notification. */
export interface NotificationAck {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const SUCCESS_BODY =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

/**
 * The v2 acknowledgement (docs/protocol/v2.md): HTTP 200 with `return_code` SUCCESS, or FAIL (plus
 * a short message) to ask WeChat Pay to deliver the notification again.
 */
export function buildAcknowledgement(success: boolean, message?: string): NotificationAck {
  const body = success
    ? SUCCESS_BODY
    : buildXml({ return_code: 'FAIL', return_msg: (message || 'FAIL').slice(0, 128) });
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
}
