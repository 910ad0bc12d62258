// The handlers are core's (one implementation for both protocols), kept here under their old names.
export {
  createNodeNotificationHandler,
  createWebNotificationHandler,
  type NotificationHandlerOptions,
} from '@wxpay/core';
export { BillIntegrityError } from './bill/bill-integrity-error.js';
export type { BillDownload } from './bill/download-bill.js';
export type { V3ClientConfig } from './config.js';
export { createV3Client } from './create-client.js';
export { decryptAesGcm, encryptAesGcm, type GcmResource } from './crypto/aes-gcm.js';
export { buildAcknowledgement, type NotificationAck } from './notify/acknowledge.js';
export {
  AUTHORIZATION_SCHEME,
  type AuthorizationParts,
  buildAuthorization,
  parseAuthorization,
} from './signing/authorization.js';
export {
  buildPaySignMessage,
  buildRequestMessage,
  buildVerifyMessage,
} from './signing/build-message.js';
export {
  type HeaderBag,
  MAX_CLOCK_SKEW_SECONDS,
  PROBE_SIGNATURE_PREFIX,
  type SignedHeaders,
  type VerifySignatureInput,
  verifyWechatpaySignature,
} from './signing/verify.js';
export type {
  FundFlowBillParams,
  PlatformCertificateInfo,
  SensitiveCiphertext,
  TradeBillParams,
  V3Client,
  V3RawRequest,
  V3RawResponse,
} from './types.js';
