// How long a reset takes on SQLite (issue #13: "well under 50 ms, so it can run before every test").
//   node bench/reset.js            (after `npm run build`; `npm run bench` does both)
// Env: BENCH_RESET_ROUNDS (default 50), BENCH_RESET_PAYMENTS (20 payments of a sandbox made before each reset).
// A small state each round: a sandbox sales unit with its payments (created and authorized), in a SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startPlatform } from '../packages/platform/dist/index.js';
import { fmt } from './lib.js';

const rounds = Number(process.env.BENCH_RESET_ROUNDS ?? 50);
const perRound = Number(process.env.BENCH_RESET_PAYMENTS ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'betal-bench-reset-'));
const started = await startPlatform({ database: join(dir, 'betal.db') });
const { url } = started;

async function json(method, path, body, headers = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

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

let seq = 0;
async function payments(headers) {
  await Promise.all(
    Array.from({ length: perRound }, async () => {
      const reference = `bench-reset-${++seq}`;
      await json(
        'POST',
        '/epayment/v1/payments',
        {
          amount: { currency: 'NOK', value: 10_000 },
          paymentMethod: { type: 'WALLET' },
          reference,
          userFlow: 'WEB_REDIRECT',
          returnUrl: 'https://example.com/return',
        },
        { ...headers, 'idempotency-key': reference },
      );
    }),
  );
}

function summary(label, ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  console.log(
    `${label.padEnd(34)} median ${fmt(at(0.5), 2)} ms   p95 ${fmt(at(0.95), 2)} ms   max ${fmt(sorted.at(-1), 2)} ms`,
  );
}

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
  summary('platform.reset({msn}) (one unit)', one);
  summary('platform.reset() (everything)', all);
} finally {
  await started.close();
  rmSync(dir, { recursive: true, force: true });
}
