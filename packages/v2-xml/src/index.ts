/**
 * `@wxpay/v2-xml`: the WeChat Pay legacy v2 (XML, MD5 / HMAC-SHA256) client.
 * @packageDocumentation
 */

// The handlers are core's (one implementation for both protocols), kept here under their old names.
export {
  createNodeNotificationHandler,
  createWebNotificationHandler,
  type NotificationCallback,
  type NotificationHandlerOptions,
} from '@wxpay/core';
export type { V2ClientConfig } from './config.js';
export { createV2Client, DEFAULT_BASE_URL } from './create-client.js';
export { errorClassFor } from './map-error.js';
export { formatBeijingTime, parseBeijingTime } from './map-time.js';
export { buildAcknowledgement, type NotificationAck } from './notify/acknowledge.js';
export { decryptReqInfo, encryptReqInfo, reqInfoKey } from './notify/decrypt-req-info.js';
export {
  type AppConfigInput,
  type BridgeConfigInput,
  buildAppConfig,
  buildBridgeConfig,
  buildSignString,
  SIGN_TYPES,
  type SignType,
  signFields,
  signString,
  type V2Fields,
  verifyFields,
} from './signing/index.js';
export type {
  Bill,
  BillLine,
  BillType,
  DownloadBillParams,
  MicropayOptions,
  MicropayParams,
  RefundQueryRef,
  RefundQueryResult,
  ReverseOptions,
  ReverseResult,
  V2Client,
  V2Order,
} from './types.js';
export {
  buildXml,
  type ParseXmlOptions,
  parseXml,
  type XmlFields,
  type XmlMessage,
} from './xml/index.js';
