/** An HTTP answer to a notification, framework-neutral. */
export interface NotificationAck {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The acknowledgement WeChat Pay expects (docs/protocol/v3.md): success is HTTP 204 with
 * no body; failure is HTTP 500 with `{"code":"FAIL","message":…}`, which asks for redelivery.
 */
export function buildAcknowledgement(success: boolean, message?: string): NotificationAck {
  return success ? { status: 204, headers: {}, body: '' } : failureAck(500, message ?? 'FAIL');
}

/** A failure acknowledgement with a chosen 4xx/5xx status. */
export function failureAck(status: number, message: string): NotificationAck {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ code: 'FAIL', message }),
  };
}
