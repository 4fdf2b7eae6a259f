// Benchmark of the platform core on SQLite, against the ceiling of this machine measured in the same run.
//   node bench/core.js            (after `npm run build`; `npm run bench` does both)
// Env: BENCH_SECONDS (default 10) per load phase, BENCH_CONNECTIONS (50), BENCH_MEMORY_CREATES (500000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, freePort, load, rssMb, startProcess } from './lib.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const memoryCreates = Number(process.env.BENCH_MEMORY_CREATES ?? 500_000);
const cli = new URL('../packages/cli/dist/main.js', import.meta.url).pathname;
const ceilingScript = new URL('./ceiling-server.js', import.meta.url).pathname;

let seq = 0;
const run = Date.now().toString(36);
const createBody = (reference) =>
  JSON.stringify({
    amount: { currency: 'NOK', value: 10_000 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://example.com/return',
    paymentDescription: 'Benchmark payment',
  });

async function ceiling() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child } = await startProcess([ceilingScript, String(port)], {}, async () => {
    const res = await fetch(url, { method: 'POST', body: '{}' });
    return res.status === 201;
  });
  try {
    return await load({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/epayment/v1/payments',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: createBody(`ceil-${run}-${seq++}`) }),
        },
      ],
    });
  } finally {
    child.kill('SIGKILL');
  }
}

async function platform(dir) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, readyMs } = await startProcess(
    [cli, 'start', '--port', String(port), '--db', join(dir, 'bench.sqlite')],
    { LOG_LEVEL: 'warn', BETAL_EXPIRY_SWEEP_MS: '1000' },
    async () => (await fetch(`${url}/betal/ready`)).status === 200,
  );
  const tokenRes = await fetch(`${url}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: 'dev-client-id',
      client_secret: 'dev-client-secret',
      'ocp-apim-subscription-key': 'dev-subscription-key',
    },
  });
  const token = (await tokenRes.json()).access_token;
  const headers = {
    authorization: `Bearer ${token}`,
    'ocp-apim-subscription-key': 'dev-subscription-key',
    'merchant-serial-number': '123456',
    'content-type': 'application/json',
  };
  return { child, url, headers, readyMs };
}

function createRequest(headers, prefix) {
  return {
    method: 'POST',
    path: '/epayment/v1/payments',
    setupRequest: (req, context) => {
      const reference = `${prefix}-${run}-${seq++}`;
      context.reference = reference;
      return { ...req, headers: { ...headers, 'idempotency-key': reference }, body: createBody(reference) };
    },
  };
}

function lifecycle(headers) {
  return [
    createRequest(headers, 'life'),
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/test/payments/${context.reference}/approve`,
        headers: { ...headers },
        body: '{"customer":{"phoneNumber":"4712345678"}}',
      }),
    },
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/payments/${context.reference}/capture`,
        headers: { ...headers, 'idempotency-key': `cap-${context.reference}` },
        body: '{"modificationAmount":{"currency":"NOK","value":10000}}',
      }),
    },
    {
      method: 'GET',
      path: '/',
      setupRequest: (req, context) => ({
        ...req,
        path: `/epayment/v1/payments/${context.reference}`,
        headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'content-type')),
        body: undefined,
      }),
    },
  ];
}

async function memory(dir) {
  const p = await platform(dir);
  try {
    const before = rssMb(p.child.pid);
    const result = await load({
      url: p.url,
      connections,
      amount: memoryCreates,
      requests: [createRequest(p.headers, 'mem')],
    });
    const after = rssMb(p.child.pid);
    return { before, after, creates: result.total, non2xx: result.non2xx };
  } finally {
    p.child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'betal-bench-'));
try {
  console.log(
    `Betal core benchmark: ${connections} connections, ${seconds} s per phase, ${new Date().toISOString()}`,
  );
  const ceil = await ceiling();
  const p = await platform(dir);
  let create;
  let life;
  try {
    create = await load({
      url: p.url,
      connections,
      duration: seconds,
      requests: [createRequest(p.headers, 'bench')],
    });
    life = await load({ url: p.url, connections, duration: seconds, requests: lifecycle(p.headers) });
  } finally {
    p.child.kill('SIGKILL');
  }
  const ready = await platform(dir);
  ready.child.kill('SIGKILL');

  const row = (name, r) =>
    `${name.padEnd(34)} ${fmt(r.rps).padStart(8)} req/s   p50 ${fmt(r.p50, 1).padStart(6)} ms   p99 ${fmt(r.p99, 1).padStart(6)} ms   non-2xx ${r.non2xx}`;
  console.log(row('ceiling (bare node:http, 201)', ceil));
  console.log(row('create (POST /epayment/v1/payments)', create));
  console.log(row('lifecycle (create+approve+capture+get)', life));
  console.log(`lifecycles per second               ${fmt(life.rps / 4)}`);
  console.log(
    `create / ceiling                     ${fmt((100 * create.rps) / ceil.rps, 1)} %   (target ≥ 50 %, p99 < 10 ms)`,
  );
  console.log(`start to ready (spawn → /betal/ready) ${fmt(ready.readyMs)} ms   (target < 1000 ms)`);
  if (memoryCreates > 0) {
    const m = await memory(dir);
    console.log(
      `memory: RSS ${fmt(m.before, 1)} MB before, ${fmt(m.after, 1)} MB after ${fmt(m.creates)} creates; growth ${fmt(m.after - m.before, 1)} MB (target < 150 MB), non-2xx ${m.non2xx}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
