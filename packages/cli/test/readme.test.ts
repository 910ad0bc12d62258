import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { envName, flagName, KEYS } from '../src/config.js';
import { EXIT } from '../src/io.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

// The manual is checked against the code, so a new command, flag or exit code cannot ship
// undocumented.
describe('packages/cli/README.md', () => {
  it('documents every command and every flag it takes', () => {
    for (const command of COMMANDS) {
      expect(readme).toContain(`### \`wxpay ${command.name}\``);
      for (const option of Object.keys(command.options)) {
        expect(readme, `wxpay ${command.name} --${option}`).toContain(`--${option}`);
      }
    }
    for (const global of ['--json', '--help', '--version']) expect(readme).toContain(global);
  });

  it('documents every setting as flag, variable and config key', () => {
    for (const key of KEYS) {
      expect(readme).toContain(`| \`--${flagName(key)}\` | \`${envName(key)}\` | \`${key}\` |`);
    }
    expect(readme).toContain('WXPAY_CONFIG');
  });

  it('documents every exit code', () => {
    for (const code of Object.values(EXIT))
      expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
