import type { CliIo } from '../io.js';

/** The parseArgs option table of a command. */
export type OptionTable = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

/** One `wxpay` sub-command. */
export interface Command {
  /** The words that select it, e.g. `order query`. */
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  readonly options: OptionTable;
  run(values: Readonly<Record<string, unknown>>, io: CliIo): Promise<number>;
}
