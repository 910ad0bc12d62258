// Generated from package.json by scripts/write-version.mjs during the build; do not edit.

/** The version of @wxpay/v2-xml, taken from its package.json at build time. */
export const VERSION = '0.1.0';
