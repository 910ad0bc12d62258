import { type DynamicModule, Module } from '@nestjs/common';
import { WxpayNotifyController } from './wxpay-notify.controller.js';
import { WXPAY_NOTIFY_OPTIONS, type WxpayNotifyOptions } from './wxpay-notify.options.js';

/** Mounts {@link WxpayNotifyController} with the clients and callback it is given. */
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest module is a class; forRoot is Nest's convention for a configured module.
export class WxpayNotifyModule {
  /** The module configured with `options` (import it into the application module). */
  static forRoot(options: WxpayNotifyOptions): DynamicModule {
    return {
      module: WxpayNotifyModule,
      controllers: [WxpayNotifyController],
      providers: [{ provide: WXPAY_NOTIFY_OPTIONS, useValue: options }],
    };
  }
}
