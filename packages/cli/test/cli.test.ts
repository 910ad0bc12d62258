import { createPublicKey, verify } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Simulator, startSimulator } from '@wxpay/simulator';
import { createV2Client, type V2Client } from '@wxpay/v2-xml';
import { createV3Client, type V3Client } from '@wxpay/v3-json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { EXIT } from '../src/io.js';
import { runCli } from './run-cli.js';

let sim: Simulator;
let dir: string;
let v2: V2Client;
let v3: V3Client;
let receiver: Server;
let receiverUrl: string;
const captured: { path: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
let v2Args: string[];
let v3Args: string[];

beforeAll(async () => {
  sim = await startSimulator();
  const m = sim.merchant;
  dir = mkdtempSync(join(tmpdir(), 'wxpay-cli-'));
  writeFileSync(join(dir, 'api-key'), `${m.apiKey}\n`);
  writeFileSync(join(dir, 'api-v3-key'), m.apiV3Key);
  writeFileSync(join(dir, 'merchant-key.pem'), m.privateKey);
  writeFileSync(join(dir, 'pub-key.pem'), m.wechatpayPublicKey.key);
  v2Args = [
    '--mch-id',
    m.mchId,
    '--app-id',
    m.appId,
    '--base-url',
    sim.url,
    '--api-key-file',
    join(dir, 'api-key'),
    '--sign-type',
    'MD5',
  ];
  v3Args = [
    '--mch-id',
    m.mchId,
    '--app-id',
    m.appId,
    '--base-url',
    sim.url,
    '--private-key-file',
    join(dir, 'merchant-key.pem'),
    '--certificate-serial',
    m.certificateSerial,
    '--api-v3-key-file',
    join(dir, 'api-v3-key'),
  ];
  // A merchant endpoint that only records what the simulator delivers, raw, and acknowledges.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url?.startsWith('/v2')) {
        res.end(
          '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>',
        );
      } else res.writeHead(204).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  v2 = createV2Client(sim.clientConfig('v2', { notifyUrl: `${receiverUrl}/v2` }));
  v3 = createV3Client(sim.clientConfig('v3', { notifyUrl: `${receiverUrl}/v3` }));
});

afterAll(async () => {
  await Promise.all([v2?.close(), v3?.close(), sim?.stop()]);
  receiver?.close();
});

async function paidOrder(client: V2Client | V3Client, outTradeNo: string): Promise<void> {
  await client.createOrder({
    kind: 'native',
    outTradeNo,
    description: 'cli test',
    amount: { total: 321 },
    clientIp: '127.0.0.1',
  });
  sim.pay(outTradeNo);
}

// The simulator's delivery log names the order of each notification (v3 bodies are encrypted).
async function waitForCapture(outTradeNo: string) {
  for (let i = 0; i < 100; i++) {
    const attempt = sim.notifications.forOrder(outTradeNo)[0];
    const hit = attempt && captured.find((c) => c.body.toString('utf8') === attempt.body);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('notification not delivered');
}

describe('wxpay CLI', () => {
  it('has --help for every command and a usage error for unknown ones', async () => {
    for (const command of COMMANDS) {
      const run = await runCli([...command.name.split(' '), '--help']);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain(`wxpay ${command.name}`);
    }
    const top = await runCli(['--help']);
    expect(top.code).toBe(EXIT.ok);
    for (const command of COMMANDS) expect(top.stdout).toContain(command.name);
    expect((await runCli([])).code).toBe(EXIT.usage);
    expect((await runCli(['frobnicate'])).code).toBe(EXIT.usage);
    expect((await runCli(['order', 'query', '--no-such-flag'])).code).toBe(EXIT.usage);
  });

  it('sign v2 reproduces the official MD5 and HMAC-SHA256 examples without printing the key', async () => {
    const keyFile = join(dir, 'official-key');
    writeFileSync(keyFile, '192006250b4c09247ec02edce69f6a2d');
    const fields = [
      'appid=wxd930ea5d5a258f4f',
      'mch_id=10000100',
      'device_info=1000',
      'body=test',
      'nonce_str=ibuaiVcKdpRxkhJA',
    ];
    const args = [
      'sign',
      'v2',
      '--api-key-file',
      keyFile,
      ...fields.flatMap((f) => ['--field', f]),
    ];
    const md5 = await runCli(args);
    expect(md5.code).toBe(EXIT.ok);
    expect(md5.stdout).toContain('sign: 9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(md5.stdout).toContain(
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=<API key: 32 chars>',
    );
    expect(md5.stdout).not.toContain('192006250b4c09247ec02edce69f6a2d');
    const hmac = await runCli([...args, '--sign-type', 'HMAC-SHA256', '--json']);
    expect(JSON.parse(hmac.stdout).sign).toBe(
      '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6',
    );
    expect(hmac.stdout).not.toContain('192006250b4c09247ec02edce69f6a2d');

    const xml =
      '<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id><device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str><sign>9A0A8659F005D6984697E2CA0A9CF3B7</sign></xml>';
    const checked = await runCli(['sign', 'v2', '--api-key-file', keyFile, '--xml'], {
      stdin: xml,
    });
    expect(checked.stdout).toContain('matches');
    const wrong = await runCli(['sign', 'v2', '--api-key-file', keyFile, '--xml'], {
      stdin: xml.replace('test', 'tesT'),
    });
    expect(wrong.code).toBe(EXIT.verification);
    expect(wrong.stdout).toContain('DOES NOT MATCH');
  });

  it('sign v3 prints the exact TV8 message and a signature that verifies', async () => {
    const run = await runCli([
      'sign',
      'v3',
      '--json',
      '--method',
      'GET',
      '--url',
      '/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109',
      '--timestamp',
      '1554208460',
      '--nonce',
      '593BEC0C930BF1AFEB40B4A08C8FB242',
      '--private-key-file',
      join(dir, 'merchant-key.pem'),
      '--mch-id',
      '1230000109',
      '--certificate-serial',
      'ABC123',
    ]);
    expect(run.code).toBe(EXIT.ok);
    const out = JSON.parse(run.stdout);
    expect(out.sha256).toBe('911a30bdd5372710c72b5848b973a6f50836c145fd0f51b6a0f1e2292b749e78');
    expect(out.bytes).toBe(129);
    const publicKey = createPublicKey(sim.merchant.privateKey);
    expect(
      verify('sha256', Buffer.from(out.message), publicKey, Buffer.from(out.signature, 'base64')),
    ).toBe(true);
    expect(out.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1230000109",/);
    const response = await runCli([
      'sign',
      'v3',
      '--response',
      '--json',
      '--timestamp',
      '1554209980',
      '--nonce',
      'c5ac7061fccab6bf3e254dcf98995b8c',
      '--body',
      '{"prepay_id":"wx201410272009395522657a690389285100"}',
    ]);
    expect(JSON.parse(response.stdout).sha256).toBe(
      '43f8f888927e7e6eb06dca9376e4aa68f9bebdda04a7f4f67dc2f551c82ce7e6',
    );
  });

  it('order query / close and refund query work on both protocols against the simulator', async () => {
    for (const [client, args, protocol] of [
      [v2, v2Args, 'v2'],
      [v3, v3Args, 'v3'],
    ] as const) {
      const no = `CLIQ${protocol}${Date.now()}`;
      await paidOrder(client, no);
      const query = await runCli([
        'order',
        'query',
        '--protocol',
        protocol,
        '--out-trade-no',
        no,
        '--json',
        ...args,
      ]);
      expect(query.code).toBe(EXIT.ok);
      const order = JSON.parse(query.stdout);
      expect(order).toMatchObject({ outTradeNo: no, state: 'SUCCESS', total: 321 });
      const byId = await runCli([
        'order',
        'query',
        '--protocol',
        protocol,
        '--transaction-id',
        order.transactionId,
        ...args,
      ]);
      expect(byId.code).toBe(EXIT.ok);
      expect(byId.stdout).toMatch(/state\s+SUCCESS/);

      await client.refund({
        order: { outTradeNo: no },
        outRefundNo: `${no}R`,
        amount: { refund: 21, total: 321 },
      });
      const refund = await runCli([
        'refund',
        'query',
        '--protocol',
        protocol,
        '--out-refund-no',
        `${no}R`,
        '--json',
        ...args,
      ]);
      expect(refund.code).toBe(EXIT.ok);
      expect(JSON.parse(refund.stdout)).toMatchObject({ outRefundNo: `${no}R`, refund: 21 });

      const unpaid = `CLIC${protocol}${Date.now()}`;
      await client.createOrder({
        kind: 'native',
        outTradeNo: unpaid,
        description: 'x',
        amount: { total: 1 },
        clientIp: '127.0.0.1',
      });
      const close = await runCli([
        'order',
        'close',
        '--protocol',
        protocol,
        '--out-trade-no',
        unpaid,
        ...args,
      ]);
      expect(close.code).toBe(EXIT.ok);
      expect((await client.queryOrder({ outTradeNo: unpaid })).state).toBe('CLOSED');

      const missing = await runCli([
        'order',
        'query',
        '--protocol',
        protocol,
        '--out-trade-no',
        'NO_SUCH_ORDER_1',
        ...args,
      ]);
      expect(missing.code).toBe(EXIT.api);
      expect(missing.stderr).toContain('OrderNotFoundError');
    }
  });

  it('reads settings from WXPAY_* variables and a config file, and refuses inline secrets others can read', async () => {
    const m = sim.merchant;
    const no = `CLIENV${Date.now()}`;
    await paidOrder(v2, no);
    const env = {
      WXPAY_MCH_ID: m.mchId,
      WXPAY_APP_ID: m.appId,
      WXPAY_BASE_URL: sim.url,
      WXPAY_API_KEY_FILE: join(dir, 'api-key'),
    };
    const viaEnv = await runCli(['order', 'query', '--protocol', 'v2', '--out-trade-no', no], {
      env,
    });
    expect(viaEnv.code).toBe(EXIT.ok);
    const config = join(dir, 'wxpay.json');
    writeFileSync(
      config,
      JSON.stringify({
        mchId: m.mchId,
        appId: m.appId,
        baseUrl: sim.url,
        apiKeyFile: join(dir, 'api-key'),
      }),
    );
    expect(
      (
        await runCli([
          'order',
          'query',
          '--protocol',
          'v2',
          '--out-trade-no',
          no,
          '--config',
          config,
        ])
      ).code,
    ).toBe(EXIT.ok);
    const inline = join(dir, 'inline.json');
    writeFileSync(inline, JSON.stringify({ mchId: m.mchId, apiKey: m.apiKey }));
    const refused = await runCli([
      'order',
      'query',
      '--protocol',
      'v2',
      '--out-trade-no',
      no,
      '--config',
      inline,
    ]);
    expect(refused.code).toBe(EXIT.config);
    expect(refused.stderr).not.toContain(m.apiKey);
    const missing = await runCli(['order', 'query', '--protocol', 'v2', '--out-trade-no', no]);
    expect(missing.code).toBe(EXIT.config);
    expect(missing.stderr).toMatch(
      /missing --(mch-id|app-id) \(or WXPAY_(MCH|APP)_ID, or "(mchId|appId)" in the --config file\)/,
    );
  });

  it('notify verify accepts a real simulator notification and rejects a one-byte change (both protocols)', async () => {
    const v3No = `CLIN3${Date.now()}`;
    await paidOrder(v3, v3No);
    const v3Hit = await waitForCapture(v3No);
    const headerArgs = [
      'wechatpay-timestamp',
      'wechatpay-nonce',
      'wechatpay-signature',
      'wechatpay-serial',
    ].flatMap((h) => ['--header', `${h}: ${String(v3Hit.headers[h])}`]);
    const ok = await runCli(
      ['notify', 'verify', '--protocol', 'v3', '--json', ...headerArgs, ...v3Args],
      { stdin: v3Hit.body },
    );
    expect(ok.code).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      verified: true,
      type: 'payment',
      outTradeNo: v3No,
      state: 'SUCCESS',
    });
    const tampered = Buffer.from(v3Hit.body);
    tampered[10] = tampered[10]! ^ 1;
    const bad = await runCli(['notify', 'verify', '--protocol', 'v3', ...headerArgs, ...v3Args], {
      stdin: tampered,
    });
    expect(bad.code).toBe(EXIT.verification);

    const v2No = `CLIN2${Date.now()}`;
    await paidOrder(v2, v2No);
    const v2Hit = await waitForCapture(v2No);
    const v2ok = await runCli(['notify', 'verify', '--protocol', 'v2', '--json', ...v2Args], {
      stdin: v2Hit.body,
    });
    expect(v2ok.code).toBe(EXIT.ok);
    expect(JSON.parse(v2ok.stdout)).toMatchObject({ verified: true, outTradeNo: v2No });
    const v2bad = await runCli(['notify', 'verify', '--protocol', 'v2', ...v2Args], {
      stdin: v2Hit.body
        .toString()
        .replace('<total_fee>321</total_fee>', '<total_fee>322</total_fee>'),
    });
    expect(v2bad.code).toBe(EXIT.verification);
  });

  it('certs download writes the platform certificates by serial', async () => {
    const out = join(dir, 'certs');
    const run = await runCli(['certs', 'download', '--out', out, '--json', ...v3Args]);
    expect(run.code).toBe(EXIT.ok);
    const { certificates } = JSON.parse(run.stdout) as {
      certificates: { serial: string; file: string }[];
    };
    expect(certificates.length).toBeGreaterThan(0);
    for (const c of certificates) {
      expect(readFileSync(c.file, 'utf8')).toContain('BEGIN CERTIFICATE');
      expect(
        sim.merchant.platformCertificates.some(
          (p) => p.serial === c.serial && p.pem.trim() === readFileSync(c.file, 'utf8').trim(),
        ),
      ).toBe(true);
    }
  });

  it('simulator prints its URL, keeps secrets out of the terminal and stops on interrupt', async () => {
    let stop: () => void = () => {};
    const interrupted = new Promise<void>((r) => {
      stop = r;
    });
    const credentials = join(dir, 'sim-credentials.json');
    const running = runCli(['simulator', '--credentials-file', credentials, '--json'], {
      interrupted,
    });
    for (let i = 0; i < 200 && !readable(credentials); i++)
      await new Promise((r) => setTimeout(r, 25));
    const saved = JSON.parse(readFileSync(credentials, 'utf8'));
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const health = await fetch(`${saved.baseUrl}/pay/orderquery`, {
      method: 'POST',
      body: '<xml></xml>',
    });
    expect(health.status).toBe(200);
    stop();
    const run = await running;
    expect(run.code).toBe(EXIT.ok);
    const info = JSON.parse(run.stdout.split('\n')[0]!);
    expect(info.url).toBe(saved.baseUrl);
    expect(info.dashboard).toBe(`${saved.baseUrl}/__sim/`);
    expect(run.stdout).not.toContain(saved.apiKey);
    expect(run.stdout).not.toContain(saved.apiV3Key);
    expect(run.stdout).not.toContain('PRIVATE KEY');
  });

  it('demo runs the whole story and exits 0', async () => {
    const run = await runCli(['demo', '--json']);
    const report = JSON.parse(run.stdout) as { ok: boolean; steps: { ok: boolean }[] };
    expect(report.steps.length).toBeGreaterThanOrEqual(11);
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(report.ok).toBe(true);
    expect(run.code).toBe(EXIT.ok);
  }, 60_000);
});

function readable(path: string): boolean {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).baseUrl !== undefined;
  } catch {
    return false;
  }
}
