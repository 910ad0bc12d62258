import { parseInput } from '@wxpay/core/adapter';
import { z } from 'zod';
import type { FundFlowBillParams, TradeBillParams } from '../types.js';

const billDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const gzip = z.boolean().optional();
const tradeBillSchema = z
  .object({ billDate, billType: z.enum(['ALL', 'SUCCESS', 'REFUND']).optional(), gzip })
  .strict();
const fundFlowBillSchema = z
  .object({ billDate, accountType: z.enum(['BASIC', 'OPERATION', 'FEES']).optional(), gzip })
  .strict();

/** The application URL of a bill and whether its file comes gzip-compressed. */
export interface BillApplication {
  readonly path: string;
  readonly gzip: boolean;
}

/** The application path of `endpoint` for validated parameters and the bill's own filter. */
function billApplication(
  endpoint: string,
  valid: { readonly billDate: string; readonly gzip?: boolean | undefined },
  filter: Readonly<Record<string, string | undefined>>,
): BillApplication {
  const query = new URLSearchParams({ bill_date: valid.billDate });
  for (const [name, value] of Object.entries(filter)) if (value) query.set(name, value);
  if (valid.gzip) query.set('tar_type', 'GZIP');
  return { path: `${endpoint}?${query.toString()}`, gzip: valid.gzip ?? false };
}

/** Validates trade-bill parameters and returns the `/v3/bill/tradebill` application path. */
export function toTradeBillApplication(params: TradeBillParams): BillApplication {
  const valid = parseInput(tradeBillSchema, params, 'trade bill params');
  return billApplication('/v3/bill/tradebill', valid, { bill_type: valid.billType });
}

/** Validates fund-flow-bill parameters and returns the `/v3/bill/fundflowbill` application path. */
export function toFundFlowBillApplication(params: FundFlowBillParams): BillApplication {
  const valid = parseInput(fundFlowBillSchema, params, 'fund-flow bill params');
  return billApplication('/v3/bill/fundflowbill', valid, { account_type: valid.accountType });
}
