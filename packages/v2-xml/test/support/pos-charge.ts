/**
 * The parameters of a point-of-sale charge (micropay): a payment code as a scanner reads it
 * (18 digits starting with 13), from a till at 10.1.2.3.
 */
export const posCharge = (outTradeNo: string, description: string, total: number) => ({
  outTradeNo,
  description,
  amount: { total },
  authCode: '134567890123456789',
  clientIp: '10.1.2.3',
});
