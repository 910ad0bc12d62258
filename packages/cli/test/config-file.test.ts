import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  CONTROL_PREFIX,
  clientConfig,
  type Simulator,
  type SimulatorCredentialsFile,
  startSimulator,
  writeCredentialsFile,
} from '@wxpay/simulator';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/io.js';
import { runCli } from './run-cli.js';

// Nothing listens there; these tests pay silently, so nothing is delivered to it.
const notifyUrl = 'http://127.0.0.1:9/notify';
let sim: Simulator;
let v2: V2Client;
let v3: V3Client;
let dir: string;
let credentials: string;

// `wxpay simulator` running in-process; the test stops it by resolving `interrupted`.
let stopSimulatorCommand: () => void = () => {};
let simulatorCommand: ReturnType<typeof runCli>;

beforeAll(async () => {
  sim = await startSimulator();
  v2 = createV2Client(sim.clientConfig('v2', { notifyUrl }));
  v3 = createV3Client(sim.clientConfig('v3', { notifyUrl }));
  dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-config-'));
  credentials = join(dir, 'sim.json');
  const interrupted = new Promise<void>((resolve) => {
    stopSimulatorCommand = resolve;
  });
  simulatorCommand = runCli(['simulator', '--credentials-file', credentials, '--json'], {
    interrupted,
  });
  for (let i = 0; i < 200 && !hasBaseUrl(credentials); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
});

afterAll(async () => {
  stopSimulatorCommand();
  await simulatorCommand;
  await Promise.all([v2?.close(), v3?.close(), sim?.stop()]);
});

function hasBaseUrl(path: string): boolean {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).baseUrl !== undefined;
  } catch {
    return false;
  }
}

/** Creates and pays an order on the simulator `wxpay simulator` runs, from its credentials file. */
async function payOnCommandSimulator(protocol: 'v2' | 'v3', outTradeNo: string): Promise<void> {
  const saved = JSON.parse(readFileSync(credentials, 'utf8')) as SimulatorCredentialsFile;
  const endpoint = { url: saved.baseUrl, merchant: saved, tls: undefined, trust: 'both' as const };
  const client =
    protocol === 'v2'
      ? createV2Client(clientConfig(endpoint, 'v2', { notifyUrl }))
      : createV3Client(clientConfig(endpoint, 'v3', { notifyUrl }));
  try {
    await client.createOrder({
      kind: 'native',
      outTradeNo,
      description: 'config file test',
      amount: { total: 100 },
      clientIp: '127.0.0.1',
    });
  } finally {
    await client.close();
  }
  const paid = await fetch(`${saved.baseUrl}${CONTROL_PREFIX}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ outTradeNo, silent: true }),
  });
  expect(paid.status).toBe(200);
}

/** `wxpay order query` with a config file and nothing else. */
function queryWith(protocol: 'v2' | 'v3', config: string, outTradeNo: string, ...extra: string[]) {
  return runCli([
    'order',
    'query',
    '--protocol',
    protocol,
    '--config',
    config,
    '--out-trade-no',
    outTradeNo,
    ...extra,
  ]);
}

describe('wxpay simulator credentials file', () => {
  it('is written owner-only, lists platform certificates with their serials and is printed', () => {
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(credentials, 'utf8'));
    expect(saved.platformCertificates.length).toBeGreaterThan(0);
    for (const c of saved.platformCertificates) {
      expect(c.serial).toMatch(/^[0-9A-F]+$/);
      expect(c.pem).toContain('BEGIN CERTIFICATE');
    }
  });

  it('works as --config for order query in one step, on both protocols', async () => {
    for (const protocol of ['v3', 'v2'] as const) {
      const no = `CFG1${protocol}${Date.now()}`;
      await payOnCommandSimulator(protocol, no);
      const run = await queryWith(protocol, credentials, no, '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(EXIT.ok);
      expect(JSON.parse(run.stdout)).toMatchObject({ outTradeNo: no, state: 'SUCCESS' });
    }
  });

  it('is refused as --config once other users can read it, without echoing a secret', async () => {
    const copy = join(dir, 'shared.json');
    writeFileSync(copy, readFileSync(credentials));
    chmodSync(copy, 0o644);
    const run = await queryWith('v2', copy, 'X1');
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain('chmod 600');
    const saved = JSON.parse(readFileSync(credentials, 'utf8'));
    expect(run.stderr).not.toContain(saved.apiKey);
  });
});

describe('--config paths', () => {
  it('resolve against the config file, not the working directory', async () => {
    const m = sim.merchant;
    const keys = join(dir, 'nested', 'keys');
    mkdirSync(keys, { recursive: true });
    writeFileSync(join(keys, 'api-key.txt'), m.apiKey);
    const config = join(dir, 'nested', 'wxpay.json');
    writeFileSync(
      config,
      JSON.stringify({
        mchId: m.mchId,
        appId: m.appId,
        baseUrl: sim.url,
        apiKeyFile: 'keys/api-key.txt',
      }),
    );
    const no = `CFG2${Date.now()}`;
    await v2.createOrder({
      kind: 'native',
      outTradeNo: no,
      description: 'relative paths',
      amount: { total: 100 },
      clientIp: '127.0.0.1',
    });
    // The working directory is the repository, where keys/api-key.txt does not exist.
    expect(relative(process.cwd(), config).startsWith('..')).toBe(true);
    const run = await queryWith('v2', config, no);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
  });

  it('a missing key file is reported with the config key and the path tried', async () => {
    const config = join(dir, 'broken.json');
    writeFileSync(
      config,
      JSON.stringify({
        mchId: '1900000109',
        appId: 'wx1',
        privateKeyFile: 'nope/key.pem',
        certificateSerial: 'AB',
        apiV3KeyFile: 'v3.txt',
      }),
    );
    const run = await queryWith('v3', config, 'X');
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain(`privateKeyFile (from privateKeyFile in ${config})`);
    expect(run.stderr).toContain(join(dir, 'nope', 'key.pem'));
    expect(run.stderr).toContain('ENOENT');
  });

  it('an unknown key is named instead of silently ignored', async () => {
    const config = join(dir, 'typo.json');
    writeFileSync(config, JSON.stringify({ mchid: '1900000109' }));
    const run = await queryWith('v2', config, 'X');
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain('unknown key mchid');
  });
});

describe('output', () => {
  it('--json prints promotions as the array of coupons', async () => {
    const no = `CFG3${Date.now()}`;
    await v3.createOrder({
      kind: 'native',
      outTradeNo: no,
      description: 'coupons',
      amount: { total: 500 },
      clientIp: '127.0.0.1',
    });
    sim.pay(no, { silent: true, coupons: [{ id: 'C1', type: 'CASH', amount: 100, name: 'ten' }] });
    const run = await queryWith('v3', credentialsOf(sim), no, '--json');
    expect(run.code).toBe(EXIT.ok);
    const order = JSON.parse(run.stdout);
    expect(order.promotions).toEqual([expect.objectContaining({ couponId: 'C1', amount: 100 })]);
    const human = await queryWith('v3', credentialsOf(sim), no);
    expect(human.stdout).toMatch(/promotions\s+1: \[/);
  });

  it('sign v2 warns when the API key is not 32 characters', async () => {
    const shortKey = join(dir, 'short-key.txt');
    writeFileSync(shortKey, 'abcde\n');
    const run = await runCli([
      'sign',
      'v2',
      '--api-key-file',
      shortKey,
      '--field',
      'appid=wx1',
      '--json',
    ]);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toMatch(
      /warning: the API key is 5 characters; WeChat Pay APIv2 keys are exactly 32/,
    );
    expect(JSON.parse(run.stdout).warnings).toHaveLength(1);
    const fullKey = join(dir, 'full-key.txt');
    writeFileSync(fullKey, sim.merchant.apiKey);
    const ok = await runCli(['sign', 'v2', '--api-key-file', fullKey, '--field', 'appid=wx1']);
    expect(ok.stderr).toBe('');
  });
});

/** A credentials file for `s`, written the way the simulator commands write it. */
function credentialsOf(s: Simulator): string {
  return writeCredentialsFile(s, join(dir, `creds-${new URL(s.url).port}.json`));
}
