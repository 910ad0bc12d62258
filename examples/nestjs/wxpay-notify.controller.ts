import { Controller, Inject, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import { createNodeNotificationHandler } from '@wxpay/core';
import type { Request, Response } from 'express';
import type { Protocol } from '../common/notify-clients.js';
import { WXPAY_NOTIFY_OPTIONS, type WxpayNotifyOptions } from './wxpay-notify.options.js';

/**
 * `POST /wxpay/notify/v2` and `POST /wxpay/notify/v3`. Nest parses JSON bodies globally, so
 * the bytes WeChat Pay signed are taken from `req.rawBody`, which Nest keeps when the app is
 * created with `{ rawBody: true }` (see `createNestApp`); the core node handler reads
 * `req.rawBody` when it is there. `@Res()` because the answer (status, content type, exact
 * body) is the handler's, not a Nest-serialized return value.
 *
 * A body the JSON parser cannot parse is refused by Nest itself (400) before this runs; for
 * WeChat Pay that is a failure acknowledgement all the same.
 *
 * The token is injected explicitly (`@Inject`), so this works without `emitDecoratorMetadata`
 * (esbuild, SWC without metadata, Vite's transformer).
 */
@Controller('wxpay/notify')
export class WxpayNotifyController {
  private readonly handlers: Readonly<
    Record<Protocol, (req: Request, res: Response) => Promise<void>>
  >;

  constructor(@Inject(WXPAY_NOTIFY_OPTIONS) options: WxpayNotifyOptions) {
    const { clients, onNotification, ...handlerOptions } = options;
    this.handlers = {
      v2: createNodeNotificationHandler(clients.v2, onNotification, handlerOptions),
      v3: createNodeNotificationHandler(clients.v3, onNotification, handlerOptions),
    };
  }

  /** v2: XML, signed with the API key. */
  @Post('v2')
  notifyV2(@Req() req: RawBodyRequest<Request>, @Res() res: Response): Promise<void> {
    return this.handlers.v2(req, res);
  }

  /** v3: JSON, RSA-signed, resource encrypted with the APIv3 key. */
  @Post('v3')
  notifyV3(@Req() req: RawBodyRequest<Request>, @Res() res: Response): Promise<void> {
    return this.handlers.v3(req, res);
  }
}
