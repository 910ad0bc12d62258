import { downloadCertificatesCommand } from './certs-command.js';
import type { Command } from './command.js';
import { demoCommand } from './demo-command.js';
import { verifyNotificationCommand } from './notify-command.js';
import { closeOrderCommand, queryOrderCommand } from './order-commands.js';
import { reconcileCommand } from './reconcile-command.js';
import { queryRefundCommand } from './refund-command.js';
import { signV2Command, signV3Command } from './sign-commands.js';
import { simulatorCommand } from './simulator-command.js';
import { trackStatusCommand } from './track-status-command.js';

export type { Command } from './command.js';

/** Every `wxpay` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  simulatorCommand,
  queryOrderCommand,
  closeOrderCommand,
  queryRefundCommand,
  verifyNotificationCommand,
  downloadCertificatesCommand,
  signV2Command,
  signV3Command,
  trackStatusCommand,
  reconcileCommand,
];
