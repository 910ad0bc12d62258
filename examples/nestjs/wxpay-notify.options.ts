import type { NotifyClients, NotifyOptions, OnNotification } from '../common/notify-clients.js';

/** Injection token of {@link WxpayNotifyOptions}. */
export const WXPAY_NOTIFY_OPTIONS = Symbol('WXPAY_NOTIFY_OPTIONS');

/** What the notify controller needs: the clients that verify, and the business callback. */
export interface WxpayNotifyOptions extends NotifyOptions {
  readonly clients: NotifyClients;
  readonly onNotification: OnNotification;
}
