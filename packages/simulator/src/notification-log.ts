import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ChangeFeed } from './change-feed.js';
import { NotificationDrops } from './notification-drops.js';
import { parseXmlMessage } from './v2/xml-codec.js';
import { waitUntilFound } from './wait-until-found.js';

/** Which notification goes where: what every record of one notification shares. */
export interface NotificationTarget {
  /** Stable id of the notification (v3 event id), identical across redeliveries. */
  readonly id: string;
  readonly protocol: 'v2' | 'v3';
  readonly type: 'payment' | 'refund';
  readonly outTradeNo: string;
  readonly outRefundNo?: string;
  /** Partner mode: the sub-merchant of the order (its numbers are that sub-merchant's). */
  readonly subMchId?: string;
  /** The merchant's notify_url. */
  readonly url: string;
}

/**
 * The {@link NotificationTarget} fields of a notification or one of its attempts, copied alone
 * (optional ones only when present), so a record never carries more than it names.
 */
export function targetOf(n: NotificationTarget): NotificationTarget {
  return {
    id: n.id,
    protocol: n.protocol,
    type: n.type,
    outTradeNo: n.outTradeNo,
    ...(n.outRefundNo ? { outRefundNo: n.outRefundNo } : {}),
    ...(n.subMchId ? { subMchId: n.subMchId } : {}),
    url: n.url,
  };
}

/** One delivery attempt of a notification to a merchant's notify_url. */
export interface NotificationAttempt extends NotificationTarget {
  /** 1 for the first delivery. */
  readonly attempt: number;
  /** Simulator time of the attempt (ms). */
  readonly at: number;
  /** Headers sent. */
  readonly headers: Readonly<Record<string, string>>;
  /** Body sent, exactly. */
  readonly body: string;
  /** HTTP status the merchant answered, when it answered. */
  readonly status?: number;
  readonly responseBody?: string;
  /** Network error, when the merchant did not answer. */
  readonly error?: string;
  /** True when the merchant acknowledged (v2: 200 + return_code SUCCESS; v3: 2xx). */
  readonly acknowledged: boolean;
}

/** A notification ready to deliver; `build` is called per attempt (v3 re-signs each time). */
export interface OutgoingNotification extends NotificationTarget {
  build(): { headers: Record<string, string>; body: string };
}

/**
 * Delivers notifications with bounded retries (like WeChat Pay's redelivery schedule, shortened)
 * and records every attempt so tests can observe delivery.
 */
export class NotificationLog {
  readonly #attempts: NotificationAttempt[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiters = new Set<() => void>();
  readonly #sent = new Map<string, OutgoingNotification>();
  #inFlight = 0;
  #stopped = false;

  constructor(
    private readonly delaysMs: readonly number[],
    private readonly now: () => number,
    private readonly allowRemote = false,
    private readonly feed?: ChangeFeed,
  ) {}

  /** Every attempt so far, oldest first. */
  get attempts(): readonly NotificationAttempt[] {
    return this.#attempts;
  }

  /** Attempts for one order (payment and refund notifications). */
  forOrder(outTradeNo: string): NotificationAttempt[] {
    return this.#attempts.filter((a) => a.outTradeNo === outTradeNo);
  }

  /**
   * Resolves with the first attempt (past or future) matching `predicate`; rejects after
   * `timeoutMs` (default 5 s).
   */
  waitFor(
    predicate: (attempt: NotificationAttempt) => boolean,
    timeoutMs = 5_000,
  ): Promise<NotificationAttempt> {
    const find = () => this.#attempts.find(predicate);
    return waitUntilFound(find, this.#waiters, timeoutMs, 'matching notification attempt');
  }

  /** Resolves once no delivery is in flight or scheduled. */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.#inFlight > 0 || this.#timers.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Notifications to lose on purpose (all, a share, or chosen orders). */
  readonly drops = new NotificationDrops();

  /** Starts delivering a notification (first attempt immediately), unless it is to be dropped. */
  send(notification: OutgoingNotification): void {
    if (this.drops.shouldDrop(notification)) return;
    this.#sent.set(notification.id, notification);
    void this.#attempt(notification, 1);
  }

  /**
   * Delivers a notification sent before once more (a manual redelivery, e.g. from the
   * dashboard); its attempts continue the numbering. Throws for an unknown id.
   */
  redeliver(id: string): void {
    const notification = this.#sent.get(id);
    if (!notification) throw new Error(`simulator: no notification ${id}`);
    const last = this.#attempts.reduce((n, a) => (a.id === id ? Math.max(n, a.attempt) : n), 0);
    void this.#attempt(notification, last + 1);
  }

  /** Cancels scheduled redeliveries. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  async #attempt(n: OutgoingNotification, attempt: number): Promise<void> {
    if (this.#stopped) return;
    this.#inFlight += 1;
    const { headers, body } = n.build();
    const at = this.now();
    const sent = {
      ...targetOf(n),
      attempt,
      at,
      headers,
      body,
    };
    let record: NotificationAttempt;
    try {
      const res = await post(n.url, headers, body, this.allowRemote);
      record = {
        ...sent,
        status: res.status,
        responseBody: res.body,
        acknowledged: acknowledged(n.protocol, res.status, res.body),
      };
    } catch (error) {
      record = {
        ...sent,
        error: error instanceof Error ? error.message : String(error),
        acknowledged: false,
      };
    } finally {
      this.#inFlight -= 1;
    }
    this.#attempts.push(record);
    for (const w of [...this.#waiters]) w();
    this.feed?.emit({ kind: 'notification', outTradeNo: n.outTradeNo });
    const delay = this.delaysMs[attempt - 1];
    if (!record.acknowledged && delay !== undefined && !this.#stopped) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#attempt(n, attempt + 1);
      }, delay);
      this.#timers.add(timer);
    }
  }
}

function acknowledged(protocol: 'v2' | 'v3', status: number, body: string): boolean {
  if (protocol === 'v3') return status >= 200 && status < 300;
  if (status !== 200) return false;
  try {
    return parseXmlMessage(body).return_code === 'SUCCESS';
  } catch {
    return false;
  }
}

/** True for names and addresses that stay on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  allowRemote: boolean,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    // A test simulator must not send anything off the machine by accident (a notify_url left at
    // a production host in a test): such deliveries are recorded as failed, never attempted.
    if (!allowRemote && !isLoopbackHost(target.hostname)) {
      reject(
        new Error(
          `not delivered: ${target.hostname} is not a loopback host (allowRemoteNotify is off)`,
        ),
      );
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 64 * 1024) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('notify_url did not answer within 5 s')));
    req.on('error', reject);
    req.end(body);
  });
}
