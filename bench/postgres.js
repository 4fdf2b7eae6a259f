// Benchmark of the platform on PostgreSQL with one and two worker processes, next to SQLite and the bare-node
// ceiling, all measured in the same run (the figures of one machine vary from run to run; the ratios less so).
//   node bench/postgres.js        (after `npm run build`; `npm run bench` does both)
// Env: BENCH_SECONDS (default 10) per load phase, BENCH_CONNECTIONS (50), BENCH_PG (default BETAL_TEST_PG, else
// postgres://postgres@127.0.0.1:5432/postgres): the server where a database of its own is created and dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fmt, freePort, load, startProcess } from './lib.js';
import { createBody, createRequest, lifecycle, nextReference, run } from './requests.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const server =
  process.env.BENCH_PG ?? process.env.BETAL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cli = new URL('../packages/cli/dist/main.js', import.meta.url).pathname;
const ceilingScript = new URL('./ceiling-server.js', import.meta.url).pathname;

/** Runs `sql` on the server's maintenance database. */
async function admin(sql) {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

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
          setupRequest: (req) => ({ ...req, body: createBody(nextReference('ceil')) }),
        },
      ],
    });
  } finally {
    child.kill('SIGKILL');
  }
}

/**
 * Starts `betal start` on `db` with `workers` processes; ready once /betal/ready answered 200 from as many
 * different workers (the x-betal-worker header) as were asked for.
 */
async function platform(db, workers) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const seen = new Set();
  const args = [cli, 'start', '--port', String(port), '--db', db];
  if (workers > 1) args.push('--workers', String(workers));
  const { child } = await startProcess(
    args,
    { LOG_LEVEL: 'warn', BETAL_EXPIRY_SWEEP_MS: '1000' },
    async () => {
      const res = await fetch(`${url}/betal/ready`, { headers: { connection: 'close' } });
      if (res.status !== 200) return false;
      seen.add(res.headers.get('x-betal-worker') ?? '1');
      return seen.size >= workers;
    },
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
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, headers, stop };
}

/** Create and lifecycle loads against a platform on `db` with `workers` processes. */
async function measure(name, db, workers) {
  const p = await platform(db, workers);
  try {
    const create = await load({
      url: p.url,
      connections,
      duration: seconds,
      requests: [createRequest(p.headers, `${name}-c`)],
    });
    const life = await load({
      url: p.url,
      connections,
      duration: seconds,
      requests: lifecycle(p.headers, `${name}-l`),
    });
    return { create, life };
  } finally {
    await p.stop();
  }
}

const reachable = await admin('SELECT 1').then(
  () => true,
  (error) => {
    console.log(`PostgreSQL at BENCH_PG cannot be reached (${error.message}); skipped.`);
    return false;
  },
);
if (reachable) {
  const dir = mkdtempSync(join(tmpdir(), 'betal-bench-pg-'));
  const dbName = `betal_bench_${run}`;
  const pgUrl = new URL(server);
  pgUrl.pathname = `/${dbName}`;
  try {
    console.log(
      `Betal on PostgreSQL: ${connections} connections, ${seconds} s per phase, ${new Date().toISOString()}`,
    );
    const ceil = await ceiling();
    const sqlite = await measure('sqlite', join(dir, 'bench.sqlite'), 1);
    const results = [];
    for (const workers of [1, 2]) {
      // A fresh database per run, so that the second starts as empty as the first.
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${dbName}`);
      results.push({ workers, ...(await measure(`pg${workers}`, pgUrl.toString(), workers)) });
    }
    const row = (name, r, ratio) =>
      `${name.padEnd(40)} ${fmt(r.rps).padStart(8)} req/s   p50 ${fmt(r.p50, 1).padStart(6)} ms   p99 ${fmt(r.p99, 1).padStart(6)} ms   non-2xx ${String(r.non2xx).padStart(5)}${ratio}`;
    const pct = (a, b) => `${fmt((100 * a) / b, 1)} %`;
    console.log(row('ceiling (bare node:http, 201)', ceil, ''));
    console.log(row('SQLite: create', sqlite.create, `   ${pct(sqlite.create.rps, ceil.rps)} of ceiling`));
    console.log(
      row('SQLite: lifecycle (4 requests)', sqlite.life, `   ${fmt(sqlite.life.rps / 4)} lifecycles/s`),
    );
    for (const r of results) {
      const label = `PostgreSQL, ${r.workers} worker${r.workers > 1 ? 's' : ''}`;
      console.log(
        row(
          `${label}: create`,
          r.create,
          `   ${pct(r.create.rps, ceil.rps)} of ceiling, ${pct(r.create.rps, sqlite.create.rps)} of SQLite`,
        ),
      );
      console.log(
        row(
          `${label}: lifecycle (4 requests)`,
          r.life,
          `   ${fmt(r.life.rps / 4)} lifecycles/s, ${pct(r.life.rps, sqlite.life.rps)} of SQLite`,
        ),
      );
    }
    const [one, two] = results;
    console.log(
      `2 workers / 1 worker: create ${fmt(two.create.rps / one.create.rps, 2)}x, lifecycle ${fmt(two.life.rps / one.life.rps, 2)}x`,
    );
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
