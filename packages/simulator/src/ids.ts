import { randomBytes, randomInt } from 'node:crypto';
import { formatCompact } from './time-format.js';

const digits = (n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
};
const hex = (n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += randomInt(16).toString(16);
  return out;
};

/** A 28-digit transaction id starting `42`, like WeChat Pay's (`4200` + date + 16 digits). */
export function newTransactionId(nowMs: number): string {
  return `4200${formatCompact(nowMs).slice(0, 8)}${digits(16)}`;
}

/** A 36-character prepay id: `wx` + Beijing time + 20 hex digits. */
export function newPrepayId(nowMs: number): string {
  return `wx${formatCompact(nowMs)}${hex(20)}`;
}

/** A 29-digit refund id starting `50`. */
export function newRefundId(): string {
  return `50${digits(27)}`;
}

/** A native QR payload (`weixin://wxpay/bizpayurl?pr=…`). */
export function newCodeUrl(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let pr = '';
  for (let i = 0; i < 9; i++) pr += alphabet[randomInt(alphabet.length)];
  return `weixin://wxpay/bizpayurl?pr=${pr}`;
}

/** Random decimal digits (merchant ids, key ids). */
export { digits as randomDigits, hex as randomHex };

/** A v3 notification id in UUID shape, as WeChat Pay sends them. */
export function newEventId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A `Request-ID` header value: 32 uppercase hex digits. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}
