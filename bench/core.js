// Benchmark of the platform core on SQLite, against the ceiling of this machine measured in the same run
// (issue #15). Every figure is printed with its target, and the ratio to the ceiling where the target is one.
//   node bench/core.js            (after `npm run build`; `npm run bench` does both)
// Env: BENCH_SECONDS (default 10) per load phase, BENCH_CONNECTIONS (50), BENCH_MEMORY_CREATES (1000000; 0 skips),
//      BENCH_GROWTH (10000,100000,1000000: payments stored before each growth phase; empty skips),
//      BENCH_PHASES (all: a comma-separated subset of ceiling,create,lifecycle,webhooks,dev,growth,start,memory).
//
// The ceiling (a bare node:http server that parses the same JSON body) is measured in rounds: before the first
// phase, in the middle, and after the last, so a machine that got busier or quieter during the run shows as a
// spread between rounds; over 25 % the run is flagged as too noisy to read ratios from.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstJsonLine, fmt, freePort, load, median, rssMb, spread, startProcess, verdict } from './lib.js';
import { createBody, createRequest, getHeaders, lifecycle, nextReference, run } from './requests.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const memoryCreates = Number(process.env.BENCH_MEMORY_CREATES ?? 1_000_000);
const growthSizes = (process.env.BENCH_GROWTH ?? '10000,100000,1000000')
  .split(',')
  .filter(Boolean)
  .map(Number);
const phases = new Set(
  (process.env.BENCH_PHASES ?? 'ceiling,create,lifecycle,webhooks,dev,growth,start,memory').split(','),
);
const NOISE_LIMIT = 0.25;
const cli = new URL('../packages/cli/dist/main.js', import.meta.url).pathname;
const ceilingScript = new URL('./ceiling-server.js', import.meta.url).pathname;
const platformDist = new URL('../packages/platform/dist/index.js', import.meta.url).href;
const platformInternal = new URL('../packages/platform/dist/internal-entry.js', import.meta.url).href;

async function ceiling() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, readyMs } = await startProcess([ceilingScript, String(port)], {}, async () => {
    const res = await fetch(url, { method: 'POST', body: '{}' });
    return res.status === 201;
  });
  try {
    const result = await load({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/epayment/v1/payments',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: createBody(nextReference('ceil')) }),
        },
      ],
    });
    return { ...result, readyMs };
  } finally {
    child.kill('SIGKILL');
  }
}

/** The headers of the dev sales unit 123456, with a fresh access token. */
async function devHeaders(url) {
  const tokenRes = await fetch(`${url}/accesstoken/get`, {
    method: 'POST',
    headers: {
      client_id: 'dev-client-id',
      client_secret: 'dev-client-secret',
      'ocp-apim-subscription-key': 'dev-subscription-key',
    },
  });
  const token = (await tokenRes.json()).access_token;
  return {
    authorization: `Bearer ${token}`,
    'ocp-apim-subscription-key': 'dev-subscription-key',
    'merchant-serial-number': '123456',
    'content-type': 'application/json',
  };
}

/** `betal start` on a SQLite file, in a child process: the platform alone. */
async function platform(dbFile) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, readyMs } = await startProcess(
    [cli, 'start', '--port', String(port), '--db', dbFile],
    { LOG_LEVEL: 'warn', BETAL_EXPIRY_SWEEP_MS: '1000' },
    async () => (await fetch(`${url}/betal/ready`)).status === 200,
  );
  return { child, url, headers: await devHeaders(url), readyMs };
}

/** Ends a child process and waits until it is gone (so that its SQLite file may be opened again). */
function stop(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

// A fast local webhook receiver in a child process: answers 200 to everything, as soon as the body is read.
const receiverSource = `
  const server = require('node:http').createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-length': '0' }).end());
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.stdin.on('end', () => process.exit(0)); // the bench ended, even by a crash
  process.stdin.resume();
`;

async function receiver() {
  const child = spawn(process.execPath, ['-e', receiverSource], { stdio: ['pipe', 'pipe', 'inherit'] });
  const { port } = await firstJsonLine(child);
  return { child, url: `http://127.0.0.1:${port}/webhooks` };
}

/** Target 2: creates with a webhook registered for every ePayment event, delivered to a fast local receiver. */
async function createWithWebhooks(dbFile) {
  const r = await receiver();
  const p = await platform(dbFile);
  try {
    const events = [
      'created',
      'aborted',
      'expired',
      'cancelled',
      'captured',
      'refunded',
      'authorized',
      'terminated',
    ].map((e) => `epayments.payment.${e}.v1`);
    const res = await fetch(`${p.url}/webhooks/v1/webhooks`, {
      method: 'POST',
      headers: p.headers,
      body: JSON.stringify({ url: r.url, events }),
    });
    if (res.status !== 201) throw new Error(`webhook registration: ${res.status} ${await res.text()}`);
    return await load({
      url: p.url,
      connections,
      duration: seconds,
      requests: [createRequest(p.headers, 'wh')],
    });
  } finally {
    await stop(p.child, 'SIGKILL');
    await stop(r.child, 'SIGKILL');
  }
}

/** Target 3: `betal dev` (the platform and the reference merchant, registered for every event), creates. */
async function createUnderDev(dir) {
  const child = spawn(
    process.execPath,
    [
      cli,
      'dev',
      '--port',
      '0',
      '--merchant-port',
      '0',
      '--db',
      join(dir, 'dev.sqlite'),
      '--merchant-db',
      join(dir, 'dev-merchant.sqlite'),
      '--json',
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', BETAL_EXPIRY_SWEEP_MS: '1000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const ready = await firstJsonLine(child);
    const url = ready.platform.url;
    const headers = await devHeaders(url);
    return await load({ url, connections, duration: seconds, requests: [createRequest(headers, 'dev')] });
  } finally {
    await stop(child, 'SIGKILL');
  }
}

/**
 * Seeds the SQLite file `dbFile` up to `total` payments, in bulk through the store's own connection (migrations
 * by `SqliteStore`): each seeded payment is a copy of a template made through the API (created, force approved and
 * captured, so the expiry sweep has nothing to do), with its own reference, pspReference and token, its three
 * events and its two idempotency keys. A million take some tens of seconds.
 */
async function seed(dbFile, template, from, total) {
  const { SqliteStore } = await import(platformInternal);
  const store = new SqliteStore(dbFile);
  const db = store.db;
  const chunk = 50_000;
  const started = performance.now();
  try {
    const payments = db.prepare(`
      WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO payments (msn, reference, psp_reference, state, currency, value, authorized, captured, refunded,
        cancelled, user_flow, payment_method, token, redirect_url, sub, authorized_by, created_at, expires_at, details)
      SELECT p.msn, 'seed-' || n.i, p.psp_reference || '-' || n.i, p.state, p.currency, p.value, p.authorized,
        p.captured, p.refunded, p.cancelled, p.user_flow, p.payment_method, p.token || '-' || n.i, p.redirect_url,
        p.sub, p.authorized_by, p.created_at, p.expires_at, p.details
      FROM n, payments p WHERE p.msn = '123456' AND p.reference = ?`);
    const events = db.prepare(`
      WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO payment_events (msn, reference, psp_reference, name, currency, amount, timestamp, idempotency_key, success)
      SELECT e.msn, 'seed-' || n.i, e.psp_reference || '-' || n.i, e.name, e.currency, e.amount, e.timestamp,
        e.idempotency_key, e.success
      FROM n, payment_events e WHERE e.msn = '123456' AND e.reference = ?`);
    const keys = db.prepare(`
      WITH RECURSIVE n(i) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO idempotency_keys (msn, reference, operation, key, fingerprint, status, body)
      SELECT k.msn, 'seed-' || n.i, k.operation, k.key || '-' || n.i, k.fingerprint, k.status, k.body
      FROM n, idempotency_keys k WHERE k.msn = '123456' AND k.reference = ?`);
    for (let lo = from; lo < total; lo += chunk) {
      const hi = Math.min(total, lo + chunk) - 1;
      db.transaction(() => {
        payments.run(lo, hi, template);
        events.run(lo, hi, template);
        keys.run(lo, hi, template);
      })();
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    store.close?.();
  }
  return performance.now() - started;
}

/** Target 4: create and get p99 with `sizes` payments stored (seeded in bulk between phases). */
async function growth(dir) {
  const dbFile = join(dir, 'growth.sqlite');
  const first = await platform(dbFile);
  const template = `template-${run}`;
  try {
    const h = { ...first.headers, 'idempotency-key': template };
    const ok = async (res) => {
      if (res.status >= 300) throw new Error(`template: ${res.status} ${await res.text()}`);
    };
    await ok(
      await fetch(`${first.url}/epayment/v1/payments`, {
        method: 'POST',
        headers: h,
        body: createBody(template),
      }),
    );
    await ok(
      await fetch(`${first.url}/epayment/v1/test/payments/${template}/approve`, {
        method: 'POST',
        headers: first.headers,
        body: '{"customer":{"phoneNumber":"4712345678"}}',
      }),
    );
    await ok(
      await fetch(`${first.url}/epayment/v1/payments/${template}/capture`, {
        method: 'POST',
        headers: { ...first.headers, 'idempotency-key': `cap-${template}` },
        body: '{"modificationAmount":{"currency":"NOK","value":10000}}',
      }),
    );
  } finally {
    await stop(first.child);
  }
  const rows = [];
  let stored = 0;
  for (const size of growthSizes) {
    const seedMs = await seed(dbFile, template, stored, size);
    stored = size;
    const p = await platform(dbFile);
    try {
      const create = await load({
        url: p.url,
        connections,
        duration: seconds,
        requests: [createRequest(p.headers, `grow${size}`)],
      });
      const get = await load({
        url: p.url,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'GET',
            path: '/',
            setupRequest: (req) => ({
              ...req,
              path: `/epayment/v1/payments/seed-${Math.floor(Math.random() * size)}`,
              headers: getHeaders(p.headers),
            }),
          },
        ],
      });
      rows.push({ size, seedMs, create, get });
    } finally {
      await stop(p.child, 'SIGKILL');
    }
  }
  return rows;
}

/** Target 5: in-process `startPlatform()`, the first time in a process and the times after, in a fresh child. */
async function inProcessStart() {
  const source = `
    const { startPlatform } = await import(${JSON.stringify(platformDist)});
    const times = [];
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      const p = await startPlatform();
      times.push(performance.now() - t);
      await p.close();
    }
    console.log(JSON.stringify(times));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const times = await firstJsonLine(child, 60_000);
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
  return { first: times[0], after: median(times.slice(1)), max: Math.max(...times.slice(1)) };
}

async function memory(dir) {
  const p = await platform(join(dir, 'memory.sqlite'));
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
    await stop(p.child, 'SIGKILL');
  }
}

const row = (name, r, extra = '') =>
  `${name.padEnd(44)} ${fmt(r.rps).padStart(8)} req/s   p50 ${fmt(r.p50, 1).padStart(6)} ms   p99 ${fmt(r.p99, 1).padStart(6)} ms   non-2xx ${r.non2xx}${extra}`;
const pct = (a, b) => `${fmt((100 * a) / b, 1)} %`;

const dir = mkdtempSync(join(tmpdir(), 'betal-bench-'));
const ceilings = [];
const ceilingRound = async () => {
  if (!phases.has('ceiling')) return;
  const c = await ceiling();
  ceilings.push(c);
  console.log(row(`ceiling, round ${ceilings.length} (bare node:http, 201)`, c));
};
try {
  console.log(
    `Betal core benchmark: ${connections} connections, ${seconds} s per phase, ${new Date().toISOString()},` +
      ` load average ${fmt(loadavg()[0], 2)} on ${availableParallelism()} cores`,
  );
  await ceilingRound();
  let create;
  let life;
  if (phases.has('create') || phases.has('lifecycle')) {
    const p = await platform(join(dir, 'bench.sqlite'));
    try {
      if (phases.has('create')) {
        create = await load({
          url: p.url,
          connections,
          duration: seconds,
          requests: [createRequest(p.headers, 'bench')],
        });
        console.log(row('create (POST /epayment/v1/payments)', create));
      }
      if (phases.has('lifecycle')) {
        life = await load({
          url: p.url,
          connections,
          duration: seconds,
          requests: lifecycle(p.headers, 'life'),
        });
        console.log(row('lifecycle (create+approve+capture+get)', life));
      }
    } finally {
      await stop(p.child, 'SIGKILL');
    }
  }
  let hooked;
  if (phases.has('webhooks')) {
    hooked = await createWithWebhooks(join(dir, 'webhooks.sqlite'));
    console.log(row('create, webhook for every event', hooked));
  }
  await ceilingRound();
  let dev;
  if (phases.has('dev')) {
    dev = await createUnderDev(dir);
    console.log(row('create under betal dev (merchant apart)', dev));
  }
  let grown = [];
  if (phases.has('growth') && growthSizes.length > 0) {
    grown = await growth(dir);
    for (const g of grown) {
      console.log(
        row(`create, ${fmt(g.size)} payments stored`, g.create, `   (seeded in ${fmt(g.seedMs)} ms)`),
      );
      console.log(row(`get, ${fmt(g.size)} payments stored`, g.get));
    }
  }
  let spawnReady;
  let inProcess;
  if (phases.has('start')) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const p = await platform(join(dir, 'start.sqlite'));
      times.push(p.readyMs);
      await stop(p.child, 'SIGKILL');
    }
    spawnReady = { median: median(times), max: Math.max(...times) };
    inProcess = await inProcessStart();
  }
  await ceilingRound();
  let mem;
  if (phases.has('memory') && memoryCreates > 0) mem = await memory(dir);

  // The summary: each figure against its target.
  const ceil = ceilings.length > 0 ? median(ceilings.map((c) => c.rps)) : undefined;
  const noise = ceilings.length > 1 ? spread(ceilings.map((c) => c.rps)) : 0;
  console.log('\nSummary (targets of issue #15)');
  if (ceil !== undefined) {
    console.log(
      `  ceiling        ${ceilings.map((c) => fmt(c.rps)).join(' / ')} req/s over ${ceilings.length} rounds, median ${fmt(ceil)}; spread ${fmt(100 * noise, 1)} %`,
    );
  }
  if (create) {
    const ratio = ceil ? (100 * create.rps) / ceil : NaN;
    console.log(
      `  1. create      ${fmt(create.rps)} req/s = ${fmt(ratio, 1)} % of the ceiling (≥ 50 %), p99 ${fmt(create.p99, 1)} ms (< 10 ms)   ${verdict(ratio >= 50 && create.p99 < 10)}`,
    );
  }
  if (life) {
    console.log(
      `  1. lifecycle   ${fmt(life.rps / 4)} lifecycles/s (≥ 2,000), ${ceil ? pct(life.rps, ceil) : '?'} of the ceiling in requests   ${verdict(life.rps / 4 >= 2000)}`,
    );
  }
  if (hooked && create) {
    const sameP99 = hooked.p99 <= Math.max(create.p99 * 1.2, create.p99 + 2);
    console.log(
      `  2. webhooks    ${fmt(hooked.rps)} req/s = ${pct(hooked.rps, create.rps)} of create without (≥ 90 %), p99 ${fmt(hooked.p99, 1)} against ${fmt(create.p99, 1)} ms (unchanged: within 20 % or 2 ms)   ${verdict(hooked.rps >= 0.9 * create.rps && sameP99)}`,
    );
  }
  if (dev && create) {
    console.log(
      `  3. betal dev   ${fmt(dev.rps)} req/s = ${pct(dev.rps, create.rps)} of the platform alone (≥ 80 %), p99 ${fmt(dev.p99, 1)} ms (< 20 ms)   ${verdict(dev.rps >= 0.8 * create.rps && dev.p99 < 20)}`,
    );
  }
  if (grown.length > 0) {
    const creates = grown.map((g) => g.create.p99);
    const gets = grown.map((g) => g.get.p99);
    const flat = (xs) => Math.max(...xs) <= 1.2 * Math.min(...xs);
    console.log(
      `  4. growth      create p99 ${creates.map((x) => fmt(x, 1)).join(' / ')} ms, get p99 ${gets.map((x) => fmt(x, 1)).join(' / ')} ms at ${grown.map((g) => fmt(g.size)).join(' / ')} stored (each within 20 %)   ${verdict(flat(creates) && flat(gets))}`,
    );
  }
  if (mem) {
    const growthMb = mem.after - mem.before;
    console.log(
      `  4. memory      RSS ${fmt(mem.before, 1)} MB → ${fmt(mem.after, 1)} MB after ${fmt(mem.creates)} creates: +${fmt(growthMb, 1)} MB (< 200 MB), non-2xx ${mem.non2xx}   ${verdict(growthMb < 200)}`,
    );
  }
  if (spawnReady && inProcess) {
    console.log(
      `  5. start       spawn → ready median ${fmt(spawnReady.median)} ms, max ${fmt(spawnReady.max)} ms (< 500 ms)   ${verdict(spawnReady.median < 500)}` +
        (ceilings.length > 0
          ? `\n                 (the bare node:http server's spawn → ready on this machine now: ${ceilings.map((c) => fmt(c.readyMs)).join(' / ')} ms)`
          : ''),
    );
    console.log(
      `  5. in-process  startPlatform() first ${fmt(inProcess.first, 1)} ms, after median ${fmt(inProcess.after, 1)} ms, max ${fmt(inProcess.max, 1)} ms (< 20 ms)   ${verdict(inProcess.after < 20)}`,
    );
  }
  if (noise > NOISE_LIMIT) {
    console.log(
      `\nWARNING: the machine was too noisy: the ceiling's rounds are ${fmt(100 * noise, 1)} % apart (over ${fmt(100 * NOISE_LIMIT)} %). Ratios of this run are not to be trusted; run again on a quieter machine.`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
