import { readFileSync } from 'node:fs';
import { startSimulator } from '@wxpay/simulator';
import { createV2Client } from '@wxpay/v2-xml';
import { createV3Client } from '@wxpay/v3-json';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/io.js';
import { runCli } from './run-cli.js';

const versionOf = (pkg: string): string =>
  (
    JSON.parse(readFileSync(new URL(`../../${pkg}/package.json`, import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

describe('versions come from package.json', () => {
  it('wxpay --version prints the CLI package version', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toBe(`wxpay ${versionOf('cli')}\n`);
  });

  it('each adapter sends its package version in the User-Agent', async () => {
    const sim = await startSimulator();
    const v2 = createV2Client(sim.clientConfig('v2'));
    const v3 = createV3Client(sim.clientConfig('v3'));
    try {
      for (const client of [v2, v3]) {
        await expect(client.queryOrder({ outTradeNo: 'NO_SUCH_ORDER' })).rejects.toThrow();
      }
      const agents = sim.requests.map((r) => String(r.headers['user-agent']));
      expect(agents).toContain(`wxpay-v2-xml/${versionOf('v2-xml')} node/${process.versions.node}`);
      expect(agents.some((a) => a.startsWith(`wxpay-v3-json/${versionOf('v3-json')} node/`))).toBe(
        true,
      );
    } finally {
      await Promise.all([v2.close(), v3.close(), sim.stop()]);
    }
  });
});
