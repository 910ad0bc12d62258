import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  credentialsFileContent,
  DEFAULT_CREDENTIALS_FILE,
  writeCredentialsFile,
} from '../src/credentials-file.js';
import { useSimulator } from './support/use-simulator.js';

// The adapters' side (both factories accept these configs and work with them) is tested in
// packages/cli/test/client-config.test.ts: the simulator never imports an adapter.
const env = useSimulator({ prefix: 'CC' });

describe('sim.clientConfig', () => {
  it('v2: the merchant ids, API key and base URL', () => {
    const m = env.sim.merchant;
    expect(env.sim.clientConfig('v2')).toEqual({
      appId: m.appId,
      mchId: m.mchId,
      apiKey: m.apiKey,
      baseUrl: env.sim.url,
    });
  });

  it('v3: the merchant key and serial, the APIv3 key and base URL; overrides win', () => {
    const m = env.sim.merchant;
    expect(
      env.sim.clientConfig('v3', { notifyUrl: 'http://127.0.0.1:9/n', baseUrl: 'http://x' }),
    ).toEqual({
      mchId: m.mchId,
      appId: m.appId,
      privateKey: m.privateKey,
      certificateSerial: m.certificateSerial,
      apiV3Key: m.apiV3Key,
      baseUrl: 'http://x',
      notifyUrl: 'http://127.0.0.1:9/n',
    });
  });
});

describe('the credentials file', () => {
  it('holds the merchant with the platform certificates and their serials, and the base URL', () => {
    const content = credentialsFileContent(env.sim);
    expect(content.baseUrl).toBe(env.sim.url);
    expect(content.platformCertificates).toEqual(env.sim.merchant.platformCertificates);
    expect(content.platformCertificates[0]?.serial).toMatch(/^[0-9A-F]{40}$/);
    expect(DEFAULT_CREDENTIALS_FILE).toBe('wxpay-simulator-credentials.json');
  });

  it('is written owner-only, also over an existing file others could read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wxpay-sim-creds-')), 'creds.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    expect(writeCredentialsFile(env.sim, file)).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).apiKey).toBe(env.sim.merchant.apiKey);
  });
});
