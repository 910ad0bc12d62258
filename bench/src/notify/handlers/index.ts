/** Picks the handler module of a case-I contestant. */

import { buildRawNotify } from './raw.js';
import { buildTenpayNotify } from './tenpay.js';
import type { NotifyContestant, NotifyHandlerBuilder } from './types.js';
import { buildNodeV3Notify } from './wechatpay-node-v3.js';
import { buildWxpayNotify } from './wxpay.js';

export type { NotifyContestant } from './types.js';

/** The handler builder of each contestant. */
export const NOTIFY_HANDLERS: Readonly<Record<NotifyContestant, NotifyHandlerBuilder>> = {
  wxpay: buildWxpayNotify,
  raw: buildRawNotify,
  'wechatpay-node-v3': buildNodeV3Notify,
  tenpay: buildTenpayNotify,
};
