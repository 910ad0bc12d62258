import { WxPayError } from '@wxpay/core';

/**
 * A downloaded bill failed its integrity check: the SHA-1 of the (decompressed) file does not
 * match `hash_value`, or the gzip stream is corrupt. Discard everything read from the stream.
 */
export class BillIntegrityError extends WxPayError {
  static override readonly kind: string = 'BillIntegrityError';
}
