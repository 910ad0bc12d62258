/**
 * `@wxpay/simulator`: a local WeChat Pay for both protocols (v2 XML and v3 JSON) over real
 * HTTP, with real keys and signatures, scriptable from code or over `/__sim/`. The contract
 * suite is in `@wxpay/simulator/contract`, test helpers in `@wxpay/simulator/testing`.
 * @packageDocumentation
 * @module @wxpay/simulator
 */
export {
  clientConfig,
  type RequiredKeys,
  type SimulatorClientConfigs,
  type SimulatorEndpoint,
  type SimulatorTransport,
  type SimulatorV2ClientConfig,
  type SimulatorV3ClientConfig,
  type WithOverrides,
} from './client-config.js';
export type { MicropayOutcome, NotifyOptions, TrustMode } from './context.js';
export { CONTROL_PREFIX } from './control-surface.js';
export type { PlatformCertificate, SimulatorMerchant } from './credentials.js';
export {
  CREDENTIALS_FILE_FLAG,
  type CredentialsSource,
  credentialsFileContent,
  DEFAULT_CREDENTIALS_FILE,
  type SimulatorCredentialsFile,
  writeCredentialsFile,
} from './credentials-file.js';
export type { AppliedFault, FaultKind, FaultQueue, FaultSpec } from './faults.js';
export type { FormChoice, LiveFormOptions, LiveForms } from './live-forms.js';
export type {
  DroppedNotification,
  DropSpec,
  NotificationDrops,
} from './notification-drops.js';
export type {
  NotificationAttempt,
  NotificationLog,
  NotificationTarget,
  OutgoingNotification,
} from './notification-log.js';
export type {
  OrderSelector,
  SimulatedCoupon,
  SimulatedOrder,
  SimulatedRefund,
  SimulatedTradeType,
} from './order-store.js';
export {
  type PartnerOrderInfo,
  type SimulatedSubMerchant,
  SubMerchantRegistry,
} from './partner/sub-merchants.js';
export type { PlantOptions } from './planted-history.js';
export {
  type PayOptions,
  type RecordedRequest,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from './start-simulator.js';
export type { V2SignType } from './v2/sign.js';
export {
  type CreateCertificateOptions,
  createCertificate,
  type GeneratedCertificate,
} from './x509/index.js';
