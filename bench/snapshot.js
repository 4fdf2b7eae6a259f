// How long saving and restoring a snapshot takes on SQLite (issue #13: restore before every test).
//   node bench/snapshot.js         (after `npm run build`; `npm run bench` does both)
// Env: BENCH_SNAPSHOT_ROUNDS (default 50), BENCH_SNAPSHOT_PAYMENTS (payments in the saved state and made again
// before each restore, default 20). The dev seed and that many created payments, in a SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPlatform } from '../packages/platform/dist/index.js';
import { jsonCaller, paymentMaker, printTimings } from './lib.js';

const rounds = Number(process.env.BENCH_SNAPSHOT_ROUNDS ?? 50);
const perRound = Number(process.env.BENCH_SNAPSHOT_PAYMENTS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'betal-bench-snapshot-'));
const started = await startPlatform({ database: join(dir, 'betal.db') });
const { url } = started;
const dev = {
  'ocp-apim-subscription-key': 'dev-subscription-key',
  'merchant-serial-number': '123456',
};

const json = jsonCaller(url);

const payments = paymentMaker(json, 'bench-snapshot', perRound);

try {
  const { access_token } = await json('POST', '/accesstoken/get', undefined, {
    ...dev,
    client_id: 'dev-client-id',
    client_secret: 'dev-client-secret',
  });
  const headers = { ...dev, authorization: `Bearer ${access_token}` };
  await payments(headers);
  const saves = [];
  const restores = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    await started.admin.snapshot('bench');
    saves.push(performance.now() - t);
    await payments(headers);
    t = performance.now();
    await started.admin.restore('bench');
    restores.push(performance.now() - t);
  }
  console.log(
    `SQLite file, ${rounds} rounds, ${perRound} payments saved and ${perRound} more before each restore`,
  );
  printTimings('platform.snapshot(name)', saves);
  printTimings('platform.restore(name)', restores);
} finally {
  await started.close();
  rmSync(dir, { recursive: true, force: true });
}
