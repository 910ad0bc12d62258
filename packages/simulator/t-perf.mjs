import { createPrivateKey } from 'node:crypto';
import { v3Request } from './dist/contract/raw-client.js';
import { startSimulator } from './dist/index.js';

const sim = await startSimulator();
const m = { ...sim.merchant, privateKey: createPrivateKey(sim.merchant.privateKey) };
const path = `/v3/pay/transactions/out-trade-no/NONE00001?mchid=${m.mchId}`;
for (let r = 0; r < 3; r++) {
  const t = Date.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 50; i++) await v3Request(sim.url, 'GET', path, m);
    }),
  );
  console.log('v3 400 req', Date.now() - t, 'ms');
}
await sim.stop();
