import { Controller, Inject, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import * as v2 from '@wxpay/v2-xml';
import * as v3 from '@wxpay/v3-json';
import type { Request, Response } from 'express';
import { acknowledgeNotification } from '../common/acknowledge-notification.js';
import type { Protocol } from '../common/notify-clients.js';
import { WXPAY_NOTIFY_OPTIONS, type WxpayNotifyOptions } from './wxpay-notify.options.js';

const adapters = { v2, v3 };

/**
 * `POST /wxpay/notify/v2` and `POST /wxpay/notify/v3`. Nest parses JSON bodies globally, so
 * the bytes WeChat Pay signed are taken from `req.rawBody`, which Nest keeps when the app is
 * created with `{ rawBody: true }` (see `createNestApp`). `@Res()` because the acknowledgement
 * (status, content type, exact body) is the adapter's, not a Nest-serialized return value.
 *
 * A body the JSON parser cannot parse is refused by Nest itself (400) before this runs; for
 * WeChat Pay that is a failure acknowledgement all the same.
 *
 * The token is injected explicitly (`@Inject`), so this works without `emitDecoratorMetadata`
 * (esbuild, SWC without metadata, Vite's transformer).
 */
@Controller('wxpay/notify')
export class WxpayNotifyController {
  constructor(@Inject(WXPAY_NOTIFY_OPTIONS) private readonly options: WxpayNotifyOptions) {}

  /** v2: XML, signed with the API key. */
  @Post('v2')
  notifyV2(@Req() req: RawBodyRequest<Request>, @Res() res: Response): Promise<void> {
    return this.acknowledge('v2', req, res);
  }

  /** v3: JSON, RSA-signed, resource encrypted with the APIv3 key. */
  @Post('v3')
  notifyV3(@Req() req: RawBodyRequest<Request>, @Res() res: Response): Promise<void> {
    return this.acknowledge('v3', req, res);
  }

  private async acknowledge(
    protocol: Protocol,
    req: RawBodyRequest<Request>,
    res: Response,
  ): Promise<void> {
    // No raw body means no parser matched the content type: nothing verifiable arrived.
    const ack = await acknowledgeNotification(
      this.options.clients[protocol],
      adapters[protocol].buildAcknowledgement,
      this.options.onNotification,
      { headers: req.headers, body: req.rawBody ?? '' },
      this.options.onError,
    );
    res.status(ack.status).set(ack.headers).send(ack.body);
  }
}
