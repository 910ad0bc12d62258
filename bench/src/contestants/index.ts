/**
 * Picks the contestant module for a job. One module per contestant; a combination a module
 * does not offer (a peer without a v2 client, a create case for a peer) is an error.
 */
import type { BuiltClient, WorkerJob } from '../e2e-job.js';
import { buildAxiosPlugin } from './axios-plugin.js';
import { buildRawV2 } from './raw-v2.js';
import { buildRawV3 } from './raw-v3.js';
import { buildTenpay } from './tenpay.js';
import { buildNodeV3 } from './wechatpay-node-v3.js';
import { buildWxpayV2 } from './wxpay-v2.js';
import { buildWxpayV3 } from './wxpay-v3.js';

type Builder = (job: WorkerJob) => BuiltClient;

const BUILDERS: Readonly<Record<string, Builder>> = {
  'v3 query wxpay': buildWxpayV3,
  'v3 create wxpay': buildWxpayV3,
  'v3 query raw-sync': buildRawV3,
  'v3 query raw-async': buildRawV3,
  'v3 create raw-sync': buildRawV3,
  'v3 create raw-async': buildRawV3,
  'v3 query wechatpay-node-v3': buildNodeV3,
  'v3 query axios-plugin': buildAxiosPlugin,
  'v2 query wxpay': buildWxpayV2,
  'v2 query raw-sync': buildRawV2,
  'v2 query tenpay': buildTenpay,
  'v2 query axios-plugin': buildAxiosPlugin,
};

/** Builds the call and the check of one contestant. */
export async function buildClient(job: WorkerJob): Promise<BuiltClient> {
  const key = `${job.protocol} ${job.operation ?? 'query'} ${job.contestant}`;
  const build = BUILDERS[key];
  if (!build) throw new Error(`no client for ${key}`);
  return build(job);
}
