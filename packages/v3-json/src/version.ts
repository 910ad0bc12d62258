// Generated from package.json by scripts/write-version.mjs during the build; do not edit.

/** The version of @wxpay/v3-json, taken from its package.json at build time. */
export const VERSION = '0.1.0';
