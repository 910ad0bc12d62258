import { ConfigError, MalformedMessageError, nameErrorKinds } from '../errors.js';
import type { NotificationProtocol } from './acknowledgement.js';

/**
 * A notification body exceeded the handler's `maxBodyBytes`; it was not read to the end.
 * A {@link MalformedMessageError}, like every other refused notification.
 */
export class NotificationTooLargeError extends MalformedMessageError {
  /** The cap that was exceeded, in bytes. */
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`notification body exceeds the ${limitBytes}-byte limit`);
    this.limitBytes = limitBytes;
  }
}

/**
 * A notification arrived in a protocol the receiving client does not speak, e.g. a v3
 * notification at a handler built on a v2-only client. Nothing was verified: the fix is to
 * hand the handler a client of that protocol, or a migration client holding both.
 */
export class UnsupportedNotificationProtocolError extends ConfigError {
  /** The protocol of the notification that arrived. */
  readonly protocol: NotificationProtocol;
  constructor(protocol: NotificationProtocol, accepted: readonly NotificationProtocol[]) {
    super(
      `a ${protocol} notification arrived, but the client only handles ${accepted.join(' and ')} notifications; use a ${protocol} client or createMigrationClient`,
      [{ path: 'client', message: `does not handle ${protocol} notifications` }],
    );
    this.protocol = protocol;
  }
}

nameErrorKinds({ NotificationTooLargeError, UnsupportedNotificationProtocolError });
