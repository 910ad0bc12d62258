import { z } from 'zod';

/** `{prepay_id}` from the JSAPI and App order endpoints. */
export const prepayIdResponseSchema = z.looseObject({ prepay_id: z.string().min(1) });
/** `{code_url}` from the Native order endpoint. */
export const codeUrlResponseSchema = z.looseObject({ code_url: z.string().min(1) });
/** `{h5_url}` from the H5 order endpoint. */
export const h5UrlResponseSchema = z.looseObject({ h5_url: z.string().min(1) });

/** The v3 error body `{code, message, detail}` (docs/protocol/v3.md). */
export const errorBodySchema = z.looseObject({
  code: z.string(),
  message: z.string().optional(),
  detail: z.unknown().optional(),
});

/** An `AEAD_AES_256_GCM` encrypted object on the wire. */
export const encryptedResourceSchema = z.looseObject({
  algorithm: z.string(),
  nonce: z.string(),
  associated_data: z.string().optional(),
  ciphertext: z.string(),
  original_type: z.string().optional(),
});

/** `GET /v3/certificates` response. */
export const certificatesResponseSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      serial_no: z.string().min(1),
      effective_time: z.string().optional(),
      expire_time: z.string().optional(),
      encrypt_certificate: encryptedResourceSchema,
    }),
  ),
});

/** The notification envelope (docs/protocol/v3.md). */
export const notificationEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  create_time: z.string().optional(),
  event_type: z.string().min(1),
  resource_type: z.string().optional(),
  summary: z.string().optional(),
  resource: encryptedResourceSchema,
});

/** Trade / fund-flow bill application response (docs/protocol/v3.md). */
export const billResponseSchema = z.looseObject({
  hash_type: z.string(),
  hash_value: z.string(),
  download_url: z.string().min(1),
});
