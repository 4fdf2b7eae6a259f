// How long a reset takes on SQLite (issue #13: "well under 50 ms, so it can run before every test").
//   node bench/reset.js            (after `npm run build`; `npm run bench` does both)
// Env: BENCH_RESET_ROUNDS (default 50), BENCH_RESET_PAYMENTS (20 payments of a sandbox made before each reset).
// A small state each round: a sandbox sales unit with its payments (created and authorized), in a SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPlatform } from '../packages/platform/dist/index.js';
import { jsonCaller, paymentMaker, printTimings } from './lib.js';

const rounds = Number(process.env.BENCH_RESET_ROUNDS ?? 50);
const perRound = Number(process.env.BENCH_RESET_PAYMENTS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'betal-bench-reset-'));
const started = await startPlatform({ database: join(dir, 'betal.db') });
const { url } = started;

const json = jsonCaller(url);

async function sandbox() {
  const unit = await json('POST', '/betal/merchants', { name: 'Bench Shop', market: 'NO' });
  const keys = { 'ocp-apim-subscription-key': unit.subscriptionKeys[0], 'merchant-serial-number': unit.msn };
  const { access_token } = await json('POST', '/accesstoken/get', undefined, {
    ...keys,
    client_id: unit.clientId,
    client_secret: unit.clientSecret,
  });
  return { unit, headers: { ...keys, authorization: `Bearer ${access_token}` } };
}

const payments = paymentMaker(json, 'bench-reset', perRound);

try {
  const one = [];
  const all = [];
  for (let i = 0; i < rounds; i++) {
    const { unit, headers } = await sandbox();
    await payments(headers);
    let t = performance.now();
    await started.reset({ msn: unit.msn });
    one.push(performance.now() - t);
    await payments(headers);
    t = performance.now();
    await started.reset();
    all.push(performance.now() - t);
  }
  console.log(`SQLite file, ${rounds} rounds, ${perRound} payments of a sandbox before each reset`);
  printTimings('platform.reset({msn}) (one unit)', one);
  printTimings('platform.reset() (everything)', all);
} finally {
  await started.close();
  rmSync(dir, { recursive: true, force: true });
}
