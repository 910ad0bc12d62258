import { z } from 'zod';

const text = z.string();

/** `/pay/unifiedorder` success fields. */
export const unifiedOrderResponseSchema = z.looseObject({
  trade_type: text.optional(),
  prepay_id: text.optional(),
  code_url: text.optional(),
  mweb_url: text.optional(),
});

/** `/secapi/pay/reverse` success fields. */
export const reverseResponseSchema = z.looseObject({ recall: text.optional() });
