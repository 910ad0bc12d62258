import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

describe('error hierarchy', () => {
  it('sets name, inheritance and retryability', () => {
    const err = new errors.OrderNotFoundError('order does not exist', {
      code: 'ORDERNOTEXIST',
      status: 404,
    });
    expect(err).toBeInstanceOf(errors.ApiError);
    expect(err).toBeInstanceOf(errors.WxPayError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('OrderNotFoundError');
    expect(err.code).toBe('ORDERNOTEXIST');
    expect(err.retryable).toBe(false);
    expect(new errors.SystemError('x', { code: 'SYSTEMERROR' }).retryable).toBe(true);
    expect(new errors.RateLimitedError('x', { code: 'FREQUENCY_LIMITED' }).retryable).toBe(true);
    expect(new errors.ConnectionError('x').retryable).toBe(true);
    expect(new errors.TimeoutError('x').retryable).toBe(true);
    expect(new errors.AbortedError('x').retryable).toBe(false);
    expect(new errors.SignatureProbeError('x')).toBeInstanceOf(errors.SignatureVerificationError);
  });

  it('isInstance follows the chain and rejects unrelated values', () => {
    const err = new errors.SignatureProbeError('probe');
    expect(errors.SignatureProbeError.isInstance(err)).toBe(true);
    expect(errors.SignatureVerificationError.isInstance(err)).toBe(true);
    expect(errors.WxPayError.isInstance(err)).toBe(true);
    expect(errors.ApiError.isInstance(err)).toBe(false);
    expect(errors.WxPayError.isInstance(new Error('plain'))).toBe(false);
    expect(errors.WxPayError.isInstance(null)).toBe(false);
    expect(errors.WxPayError.isInstance({ name: 'WxPayError' })).toBe(false);
  });

  it('isInstance recognises errors from a second copy of the module (duplicate installs)', async () => {
    // A query string makes Vite load a separate instance of the module, as a second install would.
    const copy = (await import(
      // @ts-expect-error TypeScript cannot resolve a specifier with a query; Vite can.
      '../src/errors.js?duplicate-install'
    )) as typeof import('../src/errors.js');
    expect(copy.OrderNotFoundError).not.toBe(errors.OrderNotFoundError);
    const foreign = new copy.OrderNotFoundError('x', { code: 'ORDER_NOT_EXIST' });
    expect(foreign instanceof errors.OrderNotFoundError).toBe(false);
    expect(errors.OrderNotFoundError.isInstance(foreign)).toBe(true);
    expect(errors.ApiError.isInstance(foreign)).toBe(true);
    expect(errors.SystemError.isInstance(foreign)).toBe(false);
  });

  it('serializes without hidden fields and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const err = new errors.SystemError('system error', {
      code: 'SYSTEMERROR',
      status: 500,
      requestId: 'r-1',
      cause,
    });
    expect(err.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'SystemError',
      message: 'system error',
      retryable: true,
      code: 'SYSTEMERROR',
      status: 500,
      requestId: 'r-1',
    });
    expect(inspect(err)).toContain('SystemError');
  });
});

describe('error kinds', () => {
  // Each class gets its kind from one `nameErrorKinds` list per file; a class left out of the
  // list would silently answer with its parent's name and `isInstance`. Every exported error
  // class must therefore own a kind equal to its own name.
  it('every exported error class owns its kind, named after the class', async () => {
    const core = await import('../src/index.js');
    const classes = Object.entries(core).filter(
      (entry): entry is [string, typeof errors.WxPayError] =>
        typeof entry[1] === 'function' &&
        (entry[1] === errors.WxPayError || entry[1].prototype instanceof errors.WxPayError),
    );
    expect(classes.length).toBeGreaterThan(20);
    for (const [exportName, cls] of classes) {
      expect(Object.hasOwn(cls, 'kind'), `${exportName} has no own kind`).toBe(true);
      expect(cls.kind).toBe(cls.name);
      expect(cls.kind).toBe(exportName);
    }
  });
});
