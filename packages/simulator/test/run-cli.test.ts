import { readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { v3Request } from '../src/contract/raw-client.js';
import { runSimulatorCli } from '../src/run-cli.js';
import type { Simulator } from '../src/start-simulator.js';

describe('wxpay-simulator command', () => {
  it('prints the URL and ids, keeps secrets in a 0600 file, serves, and stops on a signal', async () => {
    const file = join(tmpdir(), `wxpay-sim-cli-${process.pid}-${Date.now()}.json`);
    let out = '';
    let stop: (s: string) => void = () => {};
    let started: (sim: Simulator) => void = () => {};
    const running = new Promise<Simulator>((r) => {
      started = r;
    });
    const exit = runSimulatorCli({
      argv: ['--port', '0', '--credentials-file', file, '--trust', 'certificate', '--tls'],
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      stopRequested: new Promise((r) => {
        stop = r;
      }),
      onStarted: (sim) => started(sim),
    });
    try {
      const sim = await running;
      expect(out).toContain(`listening on ${sim.url}`);
      expect(out).toContain(`dashboard           ${sim.url}/__sim/`);
      expect(out).toContain(sim.merchant.mchId);
      expect(out).not.toContain(sim.merchant.apiKey);
      expect(out).not.toContain(sim.merchant.apiV3Key);
      expect(out).not.toContain('PRIVATE KEY');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const creds = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(creds.apiKey).toBe(sim.merchant.apiKey);
      expect(sim.url.startsWith('https://')).toBe(true);
      const agent = new Agent({ connect: { ca: creds.tlsCa ?? '' } });
      const res = await v3Request(
        sim.url,
        'GET',
        '/v3/certificates',
        {
          mchId: creds.mchId ?? '',
          privateKey: creds.privateKey ?? '',
          certificateSerial: creds.certificateSerial ?? '',
        },
        undefined,
        { dispatcher: agent },
      );
      await agent.close();
      expect(res.status).toBe(200);
      stop('SIGINT');
      expect(await exit).toBe(0);
      expect(out).toContain('SIGINT: stopping');
      await expect(fetch(sim.url)).rejects.toThrow();
    } finally {
      stop('SIGTERM');
      rmSync(file, { force: true });
    }
  });

  it('rejects bad arguments with exit code 2 and usage', async () => {
    let err = '';
    const code = await runSimulatorCli({
      argv: ['--port', 'abc'],
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      stopRequested: new Promise(() => {}),
    });
    expect(code).toBe(2);
    expect(err).toContain('--port');
    let err2 = '';
    expect(
      await runSimulatorCli({
        argv: ['--bogus'],
        stdout: () => {},
        stderr: (t) => {
          err2 += t;
        },
        stopRequested: new Promise(() => {}),
      }),
    ).toBe(2);
    expect(err2).toContain('Usage: wxpay-simulator');
  });
});
