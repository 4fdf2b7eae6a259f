// Benchmark of webhook delivery: deliveries per second, and the latency from a committed state change to the
// receiver's 2xx at a paced 1,000 events/s. The platform runs in this process on a SQLite file; the receiver is
// a node:http server in a child process (the other core), so that this process's CPU time is the platform's.
//   node bench/webhooks.js        (after `npm run build`; `npm run bench` does both)
// Env: BENCH_WEBHOOK_EVENTS (default 20000) for throughput, BENCH_WEBHOOK_SECONDS (5) of paced load,
//      BENCH_WEBHOOK_RATE (1000) events/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { configFromEnv } from '../packages/platform/dist/index.js';
import { composePlatform } from '../packages/platform/dist/internal-entry.js';
import { fmt } from './lib.js';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 1_000);
const TARGET_RPS = 5_000;
const TARGET_P99_MS = 50;
const now = () => performance.timeOrigin + performance.now(); // absolute ms, comparable across threads

// The receiver: answers 200 to every webhook and notes when it answered, per `reference name`.
const receiverSource = `
  const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
  const { createServer } = require('node:http');
  const answered = new Map();
  let count = 0, expect = Infinity;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const e = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      answered.set(e.reference + ' ' + e.name, performance.timeOrigin + performance.now());
      res.writeHead(200, { 'content-length': '0' }).end();
      if (++count === expect) parentPort.postMessage({ type: 'reached', at: performance.timeOrigin + performance.now() });
    });
  });
  server.keepAliveTimeout = 30000;
  process.on('disconnect', () => process.exit(0)); // the bench ended, even by a crash
  parentPort.on('message', (m) => {
    if (m.type === 'expect') { expect = m.count; if (count >= expect) parentPort.postMessage({ type: 'reached', at: 0 }); }
    if (m.type === 'collect') parentPort.postMessage({ type: 'answered', answered: [...answered] });
    if (m.type === 'reset') { answered.clear(); count = 0; expect = Infinity; }
    if (m.type === 'stop') server.close(() => process.exit(0));
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'port', port: server.address().port }));
`;

function startReceiver() {
  const child = spawn(process.execPath, ['-e', receiverSource], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const worker = {
    on: (e, f) => child.on(e, f),
    off: (e, f) => child.off(e, f),
    postMessage: (m) => child.send(m),
  };
  const next = (type) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m.type === type) {
          worker.off('message', on);
          resolve(m);
        }
      };
      worker.on('message', on);
    });
  return { worker, next };
}

const dir = mkdtempSync(join(tmpdir(), 'betal-bench-webhooks-'));
const platform = await composePlatform({
  ...configFromEnv({}),
  host: '127.0.0.1',
  port: 0,
  database: join(dir, 'platform.sqlite'),
  devMode: true,
  expirySweepMs: 0,
  logLevel: 'silent',
});
const receiver = startReceiver();
const { port } = await receiver.next('port');
const unit = platform.directory.byMsn('123456');
const registered = await platform.webhooks.register(
  unit.msn,
  { url: `http://127.0.0.1:${port}/webhooks`, events: ['epayments.payment.created.v1'] },
  [],
);
if (!registered.id) throw new Error(`registration failed: ${JSON.stringify(registered)}`);

const run = Date.now().toString(36);
let seq = 0;
const commits = new Map();
platform.store.onCommit((c) => {
  for (const e of c.events) commits.set(`${c.payment.reference} ${e.name}`, now());
});
// Keeps a create's answer as the HTTP edge would (http/kept-answer.ts); the bench makes only valid payments.
const keeper = {
  answer: (decision) => {
    if (!decision.ok) throw decision.error;
    return { status: 201, body: decision.value };
  },
  keeps: () => true,
};
const create = () => {
  const reference = `wh-${run}-${seq++}`;
  return platform.payments.create(
    unit,
    {
      amount: { currency: 'NOK', value: 10_000 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://example.com/return',
      paymentDescription: 'Benchmark payment',
    },
    `key-${reference}`,
    [],
    keeper,
  );
};

try {
  // 1. Throughput: EVENTS committed while the dispatcher is stopped, then delivered as fast as it can.
  for (let i = 0; i < EVENTS; i++) await create();
  const reached = receiver.next('reached');
  receiver.worker.postMessage({ type: 'expect', count: EVENTS });
  const cpuBefore = process.cpuUsage();
  const started = now();
  platform.webhooks.start();
  const { at } = await reached;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerDelivery = (cpu.user + cpu.system) / EVENTS; // µs of this process (the platform) per delivery
  const seconds = (at - started) / 1000;
  const rps = EVENTS / seconds;

  // 2. Latency at a paced RATE events/s: from the commit to the receiver's 2xx.
  receiver.worker.postMessage({ type: 'reset' });
  commits.clear();
  const total = RATE * SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    await create();
  }
  const paced = receiver.next('reached');
  receiver.worker.postMessage({ type: 'expect', count: total });
  await paced;
  receiver.worker.postMessage({ type: 'collect' });
  const { answered } = await receiver.next('answered');
  const latencies = answered
    .map(([key, t]) => t - commits.get(key))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const actualRate = total / ((performance.now() - t0) / 1000);

  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  console.log(
    'Webhook delivery (SQLite file, receiver in a child process, 1 registration, 16 connections;' +
      ` load average ${fmt(loadavg()[0], 2)} on ${availableParallelism()} cores)`,
  );
  console.log(
    `  throughput  ${fmt(EVENTS)} deliveries in ${fmt(seconds, 2)} s = ${fmt(rps)} deliveries/s` +
      `   target >= ${fmt(TARGET_RPS)}   ${verdict(rps >= TARGET_RPS)}`,
  );
  console.log(
    `  cpu         ${fmt(cpuPerDelivery)} µs of platform CPU per delivery (fan-out, signing, HTTP, log)` +
      ` = ${fmt(1e6 / cpuPerDelivery)} deliveries/s per core`,
  );
  console.log(
    `  latency     commit -> receiver 2xx at ${fmt(actualRate)} events/s (${fmt(latencies.length)} events):` +
      ` p50 ${fmt(pct(50), 2)} ms, p99 ${fmt(pct(99), 2)} ms, max ${fmt(latencies.at(-1), 2)} ms` +
      `   target p99 < ${TARGET_P99_MS} ms   ${verdict(pct(99) < TARGET_P99_MS)}`,
  );
  if (rps < TARGET_RPS || !(pct(99) < TARGET_P99_MS)) process.exitCode = 1;
} finally {
  receiver.worker.postMessage({ type: 'stop' });
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
}
