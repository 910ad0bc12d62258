import { describe, expect, it } from 'vitest';
import {
  BACKUP_API_ORIGIN,
  isConnectionFailure,
  PRIMARY_API_ORIGIN,
  resolveBackupBaseUrl,
} from '../src/backup-domain.js';
import { AbortedError, ConnectionError, SystemError, TimeoutError } from '../src/errors.js';

describe('resolveBackupBaseUrl', () => {
  it('defaults to the documented backup for the production origin only', () => {
    expect(resolveBackupBaseUrl(PRIMARY_API_ORIGIN, undefined)).toBe(BACKUP_API_ORIGIN);
    expect(resolveBackupBaseUrl(`${PRIMARY_API_ORIGIN}/`, undefined)).toBe(BACKUP_API_ORIGIN);
    expect(BACKUP_API_ORIGIN).toBe('https://api2.mch.weixin.qq.com');
    expect(resolveBackupBaseUrl('http://127.0.0.1:8080', undefined)).toBeUndefined();
  });

  it('an explicit backup wins; false turns failover off', () => {
    expect(resolveBackupBaseUrl('http://127.0.0.1:1', 'http://127.0.0.1:2/')).toBe(
      'http://127.0.0.1:2',
    );
    expect(resolveBackupBaseUrl(PRIMARY_API_ORIGIN, false)).toBeUndefined();
  });
});

describe('isConnectionFailure', () => {
  it('is true for a failure to connect, not for a timeout, an abort or an answer', () => {
    expect(isConnectionFailure(new ConnectionError('connection failed (ECONNREFUSED)'))).toBe(true);
    expect(isConnectionFailure(new TimeoutError('request timed out'))).toBe(false);
    expect(isConnectionFailure(new AbortedError('aborted'))).toBe(false);
    expect(isConnectionFailure(new SystemError('HTTP 503', { code: 'HTTP_503' }))).toBe(false);
  });
});
