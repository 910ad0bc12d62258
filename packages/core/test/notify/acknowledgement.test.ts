import { describe, expect, it } from 'vitest';
import {
  DecryptionError,
  MalformedMessageError,
  ResponseValidationError,
  SignatureProbeError,
  SignatureVerificationError,
  TimeoutError,
} from '../../src/errors.js';
import { v2Acknowledgement, v3Acknowledgement } from '../../src/notify/acknowledgement.js';
import { classifyRefusal } from '../../src/notify/classify-refusal.js';
import {
  NotificationTooLargeError,
  UnsupportedNotificationProtocolError,
} from '../../src/notify/notification-errors.js';

describe('acknowledgements', () => {
  it('v2: HTTP 200 with the SUCCESS XML, or FAIL with the message in CDATA (any text round-trips)', () => {
    expect(v2Acknowledgement(true)).toEqual({
      status: 200,
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body: '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
    });
    expect(v2Acknowledgement(false, 'a]]>b<c>').body).toBe(
      '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[a]]]]><![CDATA[>b<c>]]></return_msg></xml>',
    );
    expect(v2Acknowledgement(false, 'x'.repeat(300)).body).toContain(`[${'x'.repeat(128)}]`);
    expect(v2Acknowledgement(false, undefined, 413).status).toBe(413);
  });

  it('v3: 204 with no body, or a status with {"code":"FAIL"}', () => {
    expect(v3Acknowledgement(true)).toEqual({ status: 204, headers: {}, body: '' });
    const refused = v3Acknowledgement(false, 'signature verification failed', 401);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toContain('application/json');
    expect(JSON.parse(refused.body)).toEqual({
      code: 'FAIL',
      message: 'signature verification failed',
    });
    expect(v3Acknowledgement(false).status).toBe(500);
  });
});

describe('classifyRefusal', () => {
  it.each([
    ['too large', new NotificationTooLargeError(10), 413],
    ['bad signature', new SignatureVerificationError('x'), 401],
    ['probe', new SignatureProbeError('x'), 401],
    ['undecryptable', new DecryptionError('x'), 400],
    ['malformed', new MalformedMessageError('x'), 400],
    ['invalid fields', new ResponseValidationError('x', { issues: [] }), 400],
    ['protocol the client lacks', new UnsupportedNotificationProtocolError('v3', ['v2']), 500],
    ['our side failed', new TimeoutError('x'), 500],
    ['not even an error', 'boom', 500],
  ])('%s → %i, with a fixed message', (_name, error, status) => {
    const refusal = classifyRefusal(error);
    expect(refusal.status).toBe(status);
    expect(refusal.message).not.toContain('x');
  });
});
