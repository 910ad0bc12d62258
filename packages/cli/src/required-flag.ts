import { CliError } from './cli-error.js';
import { EXIT } from './io.js';

/**
 * The value of the string flag `--<name>`, or a usage error (exit code 2) naming it, with
 * `placeholder` showing what the value looks like (`--date YYYY-MM-DD is required`).
 */
export function requiredFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
  placeholder?: string,
): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    const shown = placeholder ? `--${name} ${placeholder}` : `--${name}`;
    throw new CliError(`${shown} is required`, EXIT.usage);
  }
  return value;
}
