/** The v2 signature algorithms (`sign_type`). */
export type SignType = 'MD5' | 'HMAC-SHA256';

/** Every supported {@link SignType}. */
export const SIGN_TYPES: readonly SignType[] = Object.freeze(['MD5', 'HMAC-SHA256'] as const);

/** Length in hex characters of a signature of each type. */
export const SIGNATURE_HEX_LENGTH: Readonly<Record<SignType, number>> = Object.freeze({
  MD5: 32,
  'HMAC-SHA256': 64,
});
