/** The two WeChat Pay notification protocols. */
export type NotificationProtocol = 'v2' | 'v3';

/**
 * The HTTP answer to one notification, framework-neutral: write `status`, `headers` and `body`
 * as they are (an empty `body` means no body).
 */
export interface NotificationResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const V2_HEADERS = { 'content-type': 'text/xml; charset=utf-8' } as const;
const V3_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;
const V2_SUCCESS =
  '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

/** CDATA text that round-trips any string: `]]>` is split across two sections. */
function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/**
 * The v2 acknowledgement (docs/protocol/v2.md, payment notification): `return_code` SUCCESS, or FAIL with a
 * short message, which asks WeChat Pay to deliver the notification again. v2 reads the body,
 * not the status, so it is HTTP 200 unless `status` says otherwise (413 for an unread body).
 */
export function v2Acknowledgement(
  success: boolean,
  message?: string,
  status = 200,
): NotificationResponse {
  const body = success
    ? V2_SUCCESS
    : `<xml><return_code>${cdata('FAIL')}</return_code><return_msg>${cdata((message || 'FAIL').slice(0, 128))}</return_msg></xml>`;
  return { status, headers: V2_HEADERS, body };
}

/**
 * The v3 acknowledgement (docs/protocol/v3.md, notifications): success is HTTP 204 with no body;
 * failure is a 4xx/5xx (default 500) with `{"code":"FAIL","message":…}`. WeChat Pay reads any
 * 2xx as acknowledged and redelivers after anything else.
 */
export function v3Acknowledgement(
  success: boolean,
  message?: string,
  status = 500,
): NotificationResponse {
  if (success) return { status: 204, headers: {}, body: '' };
  return {
    status,
    headers: V3_HEADERS,
    body: JSON.stringify({ code: 'FAIL', message: message ?? 'FAIL' }),
  };
}
