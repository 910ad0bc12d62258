/**
 * `@wxpay/simulator/contract`: the PaymentClient contract suite. Both adapters run it against
 * the simulator, so the same scenario gives the same outcome through v2 and v3.
 * @packageDocumentation
 * @module @wxpay/simulator/contract
 */
import type { PaymentClient } from '@wxpay/core';
import { describe } from 'vitest';
import type { Simulator } from '../start-simulator.js';
import {
  createContractContext,
  type PaymentClientContractOptions,
  type ScenarioGroup,
} from './context.js';
import { describeAnswerBinding } from './scenarios/answer-binding.js';
import { describeCertificateRotation } from './scenarios/certificate-rotation.js';
import { describeErrorClasses } from './scenarios/errors.js';
import { describeOrderLifecycle } from './scenarios/lifecycle.js';
import { describeLiveForms } from './scenarios/live-forms.js';
import { describeNotificationDelivery } from './scenarios/notification-delivery.js';
import { describeNotificationHandlers } from './scenarios/notification-handlers.js';
import { describeNotifications } from './scenarios/notifications.js';
import { describeSharedOrderBook } from './scenarios/order-book.js';
import { describeOrderFields } from './scenarios/order-fields.js';
import { describeOrderCreation } from './scenarios/orders.js';
import { describePartnerMode } from './scenarios/partner.js';
import { describeTransport } from './scenarios/transport.js';

// The security-suite bookkeeping (Tally, RejectionRecorder, flipBit, settle …) lives in
// `@wxpay/simulator/testing`; it stays reachable from here for the suites that import it so.
export * from '../testing/tally.js';
export type { PaymentClientContractOptions } from './context.js';
export {
  type NotificationReceiver,
  type ReceivedNotification,
  type ReceiverAnswer,
  startNotificationReceiver,
} from './notification-receiver.js';
export {
  parseV2,
  type RawAnswer,
  type V2RawCredentials,
  type V3RawCredentials,
  type V3RawOptions,
  v2Request,
  v2Sign,
  v3Request,
} from './raw-client.js';

// The scenario groups in the order they run. A new group is one file in scenarios/ and one line here.
const scenarioGroups: readonly ScenarioGroup[] = [
  describeOrderCreation,
  describeOrderLifecycle,
  describeErrorClasses,
  describeTransport,
  describeNotifications,
  describeNotificationHandlers,
  describeNotificationDelivery,
  describeCertificateRotation,
  describeSharedOrderBook,
  describeLiveForms,
  describeAnswerBinding,
  describeOrderFields,
  describePartnerMode,
];

/**
 * Registers the contract scenarios (vitest `describe`/`it`) for a {@link PaymentClient}.
 * The suite starts its own simulator (configured by `options.simulator`: trust mode, TLS …)
 * and notification receiver; `factory` builds the client from `sim.url`, `sim.merchant` and,
 * in TLS mode, `sim.tls.ca`. Every `createOrder` and `refund` passes `notifyUrl` (the
 * receiver) and every order `clientIp`. Scenarios that only one protocol can express check
 * that protocol's counterpart instead, so each test asserts something for either client.
 *
 * @example
 * describePaymentClientContract('v3', (sim) => createV3Client({ ...from(sim.merchant), baseUrl: sim.url }));
 */
export function describePaymentClientContract(
  name: string,
  factory: (sim: Simulator) => PaymentClient | Promise<PaymentClient>,
  options: PaymentClientContractOptions = {},
): void {
  describe(`PaymentClient contract: ${name}`, () => {
    const ctx = createContractContext(factory, options);
    for (const group of scenarioGroups) group(ctx);
  });
}
