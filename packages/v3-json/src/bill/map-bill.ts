import { parseInput } from '@wxpay/core/adapter';
import { z } from 'zod';
import type { FundFlowBillParams, TradeBillParams } from '../types.js';

const billDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const tradeBillSchema = z
  .object({
    billDate: billDateSchema,
    billType: z.enum(['ALL', 'SUCCESS', 'REFUND']).optional(),
    gzip: z.boolean().optional(),
  })
  .strict();
const fundFlowBillSchema = z
  .object({
    billDate: billDateSchema,
    accountType: z.enum(['BASIC', 'OPERATION', 'FEES']).optional(),
    gzip: z.boolean().optional(),
  })
  .strict();

/** The application URL of a bill and whether its file comes gzip-compressed. */
export interface BillApplication {
  readonly path: string;
  readonly gzip: boolean;
}

/** Validates trade-bill parameters and returns the `/v3/bill/tradebill` application path. */
export function toTradeBillApplication(params: TradeBillParams): BillApplication {
  const valid = parseInput(tradeBillSchema, params, 'trade bill params');
  const query = new URLSearchParams({ bill_date: valid.billDate });
  if (valid.billType) query.set('bill_type', valid.billType);
  if (valid.gzip) query.set('tar_type', 'GZIP');
  return { path: `/v3/bill/tradebill?${query.toString()}`, gzip: valid.gzip ?? false };
}

/** Validates fund-flow-bill parameters and returns the `/v3/bill/fundflowbill` application path. */
export function toFundFlowBillApplication(params: FundFlowBillParams): BillApplication {
  const valid = parseInput(fundFlowBillSchema, params, 'fund-flow bill params');
  const query = new URLSearchParams({ bill_date: valid.billDate });
  if (valid.accountType) query.set('account_type', valid.accountType);
  if (valid.gzip) query.set('tar_type', 'GZIP');
  return { path: `/v3/bill/fundflowbill?${query.toString()}`, gzip: valid.gzip ?? false };
}
