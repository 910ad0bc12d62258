function fingerprint(fields: Record<string, string | number | undefined>): string {
  return JSON.stringify(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''));
}

/** Neutral fingerprint shared by v2 and v3 so a re-submit through either protocol is recognised. */
export function orderFingerprint(o: {
  tradeType: string;
  description: string;
  total: number;
  currency: string;
  openid?: string | undefined;
  attach?: string | undefined;
}): string {
  return fingerprint({
    tradeType: o.tradeType,
    description: o.description,
    total: o.total,
    currency: o.currency,
    openid: o.openid,
    attach: o.attach,
  });
}
