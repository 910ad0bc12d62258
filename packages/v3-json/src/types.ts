import type { CallOptions, PaymentClient, ServiceProviderClient } from '@wxpay/core';
import type { BillDownload } from './bill/download-bill.js';

/** Parameters of {@link V3Client.downloadTradeBill}. */
export interface TradeBillParams {
  /** `YYYY-MM-DD` (Beijing date). */
  readonly billDate: string;
  /** Default `ALL`. */
  readonly billType?: 'ALL' | 'SUCCESS' | 'REFUND';
  /** Ask WeChat Pay for a gzip file (smaller transfer); the stream is decompressed for you. */
  readonly gzip?: boolean;
}

/** Parameters of {@link V3Client.downloadFundFlowBill}. */
export interface FundFlowBillParams {
  /** `YYYY-MM-DD` (Beijing date). */
  readonly billDate: string;
  /** Default `BASIC`. */
  readonly accountType?: 'BASIC' | 'OPERATION' | 'FEES';
  readonly gzip?: boolean;
}

/** A sensitive field encrypted for WeChat Pay. */
export interface SensitiveCiphertext {
  /** Base64 RSA-OAEP ciphertext, the field's value. */
  readonly ciphertext: string;
  /** Send as the `Wechatpay-Serial` header of the request carrying the field. */
  readonly serial: string;
}

/** A platform certificate the client currently trusts. */
export interface PlatformCertificateInfo {
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly pem: string;
}

/** A raw signed call for v3 endpoints this client has no method for. */
export interface V3RawRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/v3/pay/transactions/id/42…?mchid=…`. */
  readonly path: string;
  /** Serialized as JSON. */
  readonly body?: unknown;
  /** Extra headers, e.g. `Wechatpay-Serial` from {@link V3Client.encryptSensitive}. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The verified answer of {@link V3Client.request}. */
export interface V3RawResponse<T> {
  readonly status: number;
  /** Parsed JSON, or `undefined` for an empty body (204). */
  readonly data: T | undefined;
  readonly requestId?: string;
}

/** The v3 client: the neutral {@link PaymentClient} plus v3-only calls. */
/**
 * A v3 client. As a service provider's client, `forSubMerchant` scopes it to one sub-merchant
 * (docs/protocol/partner.md).
 */
export interface V3Client extends PaymentClient, ServiceProviderClient {
  readonly protocol: 'v3';
  /** Applies for and streams a trade bill; the SHA-1 is checked at the end of the stream. */
  downloadTradeBill(params: TradeBillParams, options?: CallOptions): Promise<BillDownload>;
  /** Applies for and streams a fund-flow bill; the SHA-1 is checked at the end of the stream. */
  downloadFundFlowBill(params: FundFlowBillParams, options?: CallOptions): Promise<BillDownload>;
  /** RSA-OAEP encrypts a sensitive request field with the WeChat Pay key to send with it. */
  encryptSensitive(plaintext: string): Promise<SensitiveCiphertext>;
  /** Decrypts a sensitive response field with the merchant private key. */
  decryptSensitive(ciphertext: string): string;
  /** Downloads the platform certificates now (certificate mode) and returns those held. */
  refreshCertificates(options?: CallOptions): Promise<readonly PlatformCertificateInfo[]>;
  /** Sends any signed v3 request; a 2xx answer is verified like every other call. */
  request<T = unknown>(request: V3RawRequest, options?: CallOptions): Promise<V3RawResponse<T>>;
  /** Closes the keep-alive connections. The client must not be used afterwards. */
  close(): Promise<void>;
}
