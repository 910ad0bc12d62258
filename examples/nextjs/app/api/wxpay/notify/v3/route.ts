import { notifyHandlers } from '../../../../../lib/wxpay.js';

// The adapters use node:crypto: run on the Node.js runtime, never cache or prerender.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * `POST /api/wxpay/notify/v3`: WeChat Pay v3 (JSON, encrypted resource) payment and refund notifications. The Web handler reads
 * the raw body itself; do not call `request.json()` or `request.text()` first.
 */
export function POST(request: Request): Promise<Response> {
  return notifyHandlers().v3(request);
}
