import type { Command } from './command.js';
import { runDemo } from './demo.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a whole merchant story on both protocols against the embedded simulator',
  help: `Usage: wxpay demo [--json]

Starts the simulator on 127.0.0.1 and walks through: a JSAPI order with its bridge config, the
payer paying, the notification verified, a query, a refund, a Native order closed unpaid — on v3
and on v2 — and a v2 order read through v3. Exits 0 only if every step succeeded.
`,
  options: {},
  run: (values, io) => runDemo(io, { json: values.json === true }),
};
