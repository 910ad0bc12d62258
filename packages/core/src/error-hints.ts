/**
 * What a WeChat Pay error code means and what to check, for both protocols: the one table
 * behind every API error message, so v2 and v3 say the same thing about the same failure.
 * Codes and meanings: docs/protocol (v2 `err_code` table, v3 error table); the check is ours.
 */
export interface ErrorHint {
  /** What happened, in a few words. */
  readonly what: string;
  /** One line on what to check; per protocol where the causes differ. */
  readonly check: string | { readonly v2: string; readonly v3: string };
}

const RATE_LIMITED: ErrorHint = {
  what: 'WeChat Pay rate-limited the call',
  check:
    'the call rate of this merchant; wxpay retries with backoff, and a refund that still fails is queried before it is sent again',
};
const TEMPORARY: ErrorHint = {
  what: 'WeChat Pay had a temporary failure',
  check:
    'nothing on your side; wxpay retries with the same parameters, and a write that still fails is queried before anything else',
};
const MALFORMED: ErrorHint = {
  what: 'WeChat Pay could not read the request',
  check: 'baseUrl points at WeChat Pay (or a faithful proxy) and nothing between rewrites the body',
};
const REFUSED_TRADE: ErrorHint = {
  what: 'WeChat Pay refused the trade',
  check: 'the merchant console for restrictions on this merchant, product or payer',
};

// Keyed by the code with underscores removed: the docs spell one code both ways across
// generations (ORDERNOTEXIST / ORDER_NOT_EXIST), and error-class-for-code.ts keys the same way.
const BY_SQUASHED_CODE: Readonly<Record<string, ErrorHint>> = {
  SIGNERROR: {
    what: 'WeChat Pay rejected the request signature',
    check: {
      v2: 'apiKey is the 32-character APIv2 key (not the APIv3 key) and signType is the merchant’s (MD5 or HMAC-SHA256); `wxpay sign v2` prints the string signed',
      v3: 'privateKey belongs to the merchant certificate certificateSerial names, and the clock is within 5 minutes; `wxpay sign v3` prints the message signed',
    },
  },
  NOAUTH: {
    what: 'The merchant may not make this call',
    check: 'the product (JSAPI, Native, refunds …) is enabled for mchId in the merchant console',
  },
  APPIDMCHIDNOTMATCH: {
    what: 'appId and mchId do not belong together',
    check: 'appId is bound to mchId in the merchant console',
  },
  APPIDNOTEXIST: {
    what: 'WeChat Pay does not know the appId',
    check: 'appId is the id of the official account, mini-program or app (wx…)',
  },
  MCHIDNOTEXIST: {
    what: 'WeChat Pay does not know the merchant',
    check: 'mchId is the merchant id from the merchant console',
  },
  MCHNOTEXISTS: {
    what: 'WeChat Pay does not know the merchant',
    check: 'mchId is the merchant id from the merchant console',
  },
  ORDERNOTEXIST: {
    what: 'WeChat Pay does not know the order',
    check: 'the outTradeNo or transactionId, and that the order was made under this mchId',
  },
  REFUNDNOTEXIST: {
    what: 'WeChat Pay does not know the refund',
    check: 'the outRefundNo, and that the refund was made under this mchId',
  },
  RESOURCENOTEXISTS: {
    what: 'WeChat Pay does not know what was asked for',
    check:
      'the order or refund number; on /v3/certificates it means the merchant uses the WeChat Pay public key: configure wechatpayPublicKey',
  },
  INVALIDTRANSACTIONID: {
    what: 'The transactionId is not valid',
    check: 'it is the transaction id WeChat Pay gave for an order of this merchant',
  },
  ORDERPAID: {
    what: 'The order is already paid',
    check: 'query the order instead of paying or closing it again',
  },
  ORDERCLOSED: {
    what: 'The order is closed',
    check: 'a new payment needs a new outTradeNo',
  },
  OUTTRADENOUSED: {
    what: 'The outTradeNo is already used',
    check: 'a retry must repeat the original parameters; a different order needs a new outTradeNo',
  },
  USERPAYING: {
    what: 'The payer is still confirming the payment',
    check: 'poll queryOrder (awaitFinalState) until the order settles',
  },
  NOTENOUGH: {
    what: 'The balance is not enough',
    check: 'the payer’s balance (payments) or the merchant’s available funds (refunds)',
  },
  PARAMERROR: {
    what: 'WeChat Pay refused a parameter',
    check: 'the field the message names; a re-submitted request must repeat the original values',
  },
  INVALIDREQUEST: {
    what: 'WeChat Pay refused the request',
    check: 'the message; a re-submitted request must repeat the original values',
  },
  OPENIDMISMATCH: {
    what: 'The openid does not belong to the appId',
    check: 'the payer’s openid was obtained for this appId',
  },
  TRADEOVERDUE: {
    what: 'The order is too old to refund',
    check: 'the order date; refund outside WeChat Pay',
  },
  USERACCOUNTABNORMAL: {
    what: 'The payer’s account is abnormal',
    check: 'refund the payer outside WeChat Pay',
  },
  TRADEERROR: REFUSED_TRADE,
  RULELIMIT: REFUSED_TRADE,
  ACCOUNTERROR: REFUSED_TRADE,
  FREQUENCYLIMITED: RATE_LIMITED,
  RATELIMITEXCEEDED: RATE_LIMITED,
  RATELIMITED: RATE_LIMITED,
  INVALIDREQTOOMUCH: RATE_LIMITED,
  SYSTEMERROR: TEMPORARY,
  BANKERROR: TEMPORARY,
  BIZERRNEEDRETRY: TEMPORARY,
  SERVICEUNAVAILABLE: TEMPORARY,
  XMLFORMATERROR: MALFORMED,
  NOTUTF8: MALFORMED,
  LACKPARAMS: MALFORMED,
  POSTDATAEMPTY: MALFORMED,
  REQUIREPOSTMETHOD: MALFORMED,
};

/** The hint for a code from either protocol, by HTTP status when the code is not in the table. */
export function errorHint(code: string, status?: number): ErrorHint | undefined {
  const known = BY_SQUASHED_CODE[code.toUpperCase().replace(/_/g, '')];
  if (known) return known;
  if (status === 429) return RATE_LIMITED;
  if (status !== undefined && status >= 500) return TEMPORARY;
  return undefined;
}

/** The facts of one failed call that its error message states. */
export interface ApiErrorFacts {
  readonly protocol: 'v2' | 'v3';
  /** WeChat Pay's code (`err_code`, v3 `code`), or `HTTP_<status>` when it gave none. */
  readonly code: string;
  /** WeChat Pay's message (`err_code_des`, `return_msg`, v3 `message`). */
  readonly message?: string | undefined;
  readonly status?: number | undefined;
  readonly requestId?: string | undefined;
}

/**
 * The message of every WeChat Pay API error, from both adapters: what happened, WeChat Pay's
 * code and message, the protocol, HTTP status and Request-ID, and one line on what to check.
 *
 * @example
 * `WeChat Pay rejected the request signature: SIGN_ERROR 签名错误 (v3, HTTP 401, Request-ID 08F1…). Check: privateKey belongs to …`
 */
export function formatApiErrorMessage(facts: ApiErrorFacts): string {
  const hint = errorHint(facts.code, facts.status);
  const what =
    hint?.what ??
    (facts.status !== undefined && facts.status !== 200
      ? `WeChat Pay answered HTTP ${facts.status}`
      : 'WeChat Pay refused the request');
  const said =
    facts.message && facts.message !== facts.code ? `${facts.code} ${facts.message}` : facts.code;
  const where = [
    facts.protocol,
    facts.status !== undefined ? `HTTP ${facts.status}` : undefined,
    facts.requestId ? `Request-ID ${facts.requestId}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const check = hint
    ? typeof hint.check === 'string'
      ? hint.check
      : hint.check[facts.protocol]
    : 'the code and message in the WeChat Pay documentation of this call';
  return `${what}: ${said} (${where}). Check: ${check}.`;
}

/**
 * Whether a key option holds what looks like a file path rather than key material, so the
 * configuration error can say so instead of only "not a readable key".
 */
export function looksLikePath(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length < 1024 &&
    !value.includes('-----BEGIN') &&
    !/\s/.test(value.trim()) &&
    (/\.(pem|key|crt|cer|der|p12|txt)$/i.test(value.trim()) ||
      /^(\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value))
  );
}

/** The hint of a configuration error for a key option given a file path. */
export function pathInsteadOfKeyHint(option: string): string {
  return `${option} looks like a file path: pass the key's contents (e.g. await readFile(path)), not its path`;
}
