/**
 * Durability of the embedded SQLite store (DESIGN: one file in WAL mode, every change committed before it is
 * answered). (a) A clean restart on the same file keeps payments, event logs, idempotency replays and the
 * access tokens already issued. (b) A `kill -9` of the CLI in the middle of concurrent load loses nothing that
 * had been answered 2xx, and a retry with the same Idempotency-Key after the crash never applies twice.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../src/testing.js';
import { Api, DEV, ref, T0, webRedirect } from './support/harness.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cliMain = join(repoRoot, 'packages/cli/dist/main.js');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-durability-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The merchant's headers with a given token (the harness caches tokens per Api; this one is explicit). */
function headersWith(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${token}`,
    'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
    'Merchant-Serial-Number': DEV.msn,
    'Content-Type': 'application/json',
    ...extra,
  };
}

describe('restart on the same SQLite file', () => {
  it('keeps payments, event logs, idempotency replays and issued access tokens', async () => {
    const database = join(dir, 'restart.sqlite');
    const first = new Api(await startPlatform({ database, frozenAt: T0 }));
    const token = await first.token();

    const created = ref('dur-created');
    const authorized = ref('dur-auth');
    const captured = ref('dur-capt');
    const terminated = ref('dur-term');
    const createBody = webRedirect(captured, 10_000);
    const createAnswer = await first.create(createBody, 'dur-create-key');
    expect(createAnswer.status).toBe(201);
    for (const reference of [created, authorized, terminated]) {
      expect((await first.create(webRedirect(reference, 5_000))).status).toBe(201);
    }
    expect((await first.approve(authorized)).status).toBe(200);
    expect((await first.approve(captured)).status).toBe(200);
    const captureAnswer = await first.modify('capture', captured, 6_000, 'dur-capture-key');
    expect(captureAnswer.status).toBe(200);
    const refundAnswer = await first.modify('refund', captured, 1_000, 'dur-refund-key');
    expect(refundAnswer.status).toBe(200);
    expect((await first.cancel(terminated)).body.state).toBe('TERMINATED');

    const before: Record<string, { payment: unknown; events: unknown }> = {};
    for (const reference of [created, authorized, captured, terminated]) {
      before[reference] = {
        payment: (await first.get(reference)).body,
        events: (await first.events(reference)).body,
      };
    }
    await first.close();

    const second = new Api(await startPlatform({ database, frozenAt: T0 }));
    try {
      // The token issued before the restart still opens the API (the signing key is in the store).
      const call = (method: string, path: string, body?: unknown, key?: string) =>
        second.call<any>(method, path, {
          headers: headersWith(token, key ? { 'Idempotency-Key': key } : {}),
          ...(body !== undefined ? { body } : {}),
        });
      for (const reference of Object.keys(before)) {
        const got = await call('GET', `/epayment/v1/payments/${reference}`);
        expect(got.status).toBe(200);
        expect(got.body).toEqual(before[reference]?.payment);
        expect((await call('GET', `/epayment/v1/payments/${reference}/events`)).body).toEqual(
          before[reference]?.events,
        );
      }
      expect(before[captured]?.payment).toMatchObject({
        state: 'AUTHORIZED',
        aggregate: { capturedAmount: { value: 6_000 }, refundedAmount: { value: 1_000 } },
      });

      // Idempotency replays: the same answers, marked as replays, with no second effect.
      const createReplay = await call('POST', '/epayment/v1/payments', createBody, 'dur-create-key');
      expect(createReplay.status).toBe(201);
      expect(createReplay.body).toEqual(createAnswer.body);
      expect(createReplay.headers.get('idempotent-replayed')).toBe('true');
      const captureReplay = await call(
        'POST',
        `/epayment/v1/payments/${captured}/capture`,
        { modificationAmount: { currency: 'NOK', value: 6_000 } },
        'dur-capture-key',
      );
      expect(captureReplay.status).toBe(200);
      expect(captureReplay.body).toEqual(captureAnswer.body);
      expect(captureReplay.headers.get('idempotent-replayed')).toBe('true');
      const refundConflict = await call(
        'POST',
        `/epayment/v1/payments/${captured}/refund`,
        { modificationAmount: { currency: 'NOK', value: 2_000 } },
        'dur-refund-key',
      );
      expect(refundConflict.status).toBe(409);
      expect((await call('GET', `/epayment/v1/payments/${captured}`)).body).toEqual(
        before[captured]?.payment,
      );

      // The store keeps working after the restart.
      const more = await call(
        'POST',
        `/epayment/v1/payments/${captured}/capture`,
        { modificationAmount: { currency: 'NOK', value: 1_000 } },
        'dur-capture-key-2',
      );
      expect(more.body.aggregate.capturedAmount.value).toBe(7_000);
      // The dev data was not seeded twice.
      const merchants = await fetch(`${second.url}/betal/merchants`).then((r) => r.json());
      expect(merchants.merchants.map((m: { msn: string }) => m.msn).sort()).toEqual(['123456', '654321']);
    } finally {
      await second.close();
    }
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface Cli {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI on 127.0.0.1 and waits for its banner. */
async function startCli(database: string): Promise<Cli> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [cliMain, 'start', '--host', '127.0.0.1', '--port', String(port), '--db', database],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'warn', BETAL_EXPIRY_SWEEP_MS: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let output = '';
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the CLI did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        ready(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(new Error(`the CLI exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  expect(url).toBe(`http://127.0.0.1:${port}`);
  return { child, url, exited };
}

describe('kill -9 in the middle of concurrent load', () => {
  let running: Cli | undefined;

  beforeAll(() => {
    if (!existsSync(cliMain)) execFileSync('npx', ['tsc', '-b'], { cwd: repoRoot, stdio: 'inherit' });
  }, 120_000);

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
  });

  it('keeps every change that was answered 2xx, and a retry with the same key applies once', async () => {
    const database = join(dir, 'kill.sqlite');
    running = await startCli(database);
    const base = running.url;
    const tokenRes = await fetch(`${base}/accesstoken/get`, {
      method: 'POST',
      headers: {
        client_id: DEV.clientId,
        client_secret: DEV.clientSecret,
        'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      },
    });
    expect(tokenRes.status).toBe(200);
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;

    type Step = 'create' | 'approve' | 'capture';
    const PAYMENTS = 60;
    const CONCURRENCY = 12;
    const KILL_AFTER = 90; // acknowledged operations, out of 3 per payment
    const capture = (i: number) => 1_000 + i; // each payment's capture amount is distinct
    const acked = new Map<string, Set<Step>>();
    const keyOf = (reference: string, step: Step) => `${reference}-${step}`;
    let ackCount = 0;
    let networkFailures = 0;
    let killed = false;
    const references = Array.from({ length: PAYMENTS }, (_, i) => `kill-${T0.toString(36)}-${i}`);

    async function send(reference: string, step: Step, i: number): Promise<boolean> {
      const path =
        step === 'create'
          ? '/epayment/v1/payments'
          : step === 'approve'
            ? `/epayment/v1/test/payments/${reference}/approve`
            : `/epayment/v1/payments/${reference}/capture`;
      const body =
        step === 'create'
          ? webRedirect(reference, 10_000)
          : step === 'approve'
            ? { customer: { phoneNumber: '4712345678' } }
            : { modificationAmount: { currency: 'NOK', value: capture(i) } };
      let status: number;
      try {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: headersWith(token, { 'Idempotency-Key': keyOf(reference, step) }),
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch (error) {
        if (!killed) throw error;
        networkFailures += 1; // in flight when the process died: not acknowledged
        return false;
      }
      if (status < 200 || status >= 300) throw new Error(`${step} ${reference}: ${status}`);
      const steps = acked.get(reference) ?? new Set<Step>();
      steps.add(step);
      acked.set(reference, steps);
      ackCount += 1;
      if (ackCount >= KILL_AFTER && !killed) {
        killed = true;
        running?.child.kill('SIGKILL');
      }
      return true;
    }

    // Each worker walks its payments through create → approve → capture; 12 workers run at once.
    let next = 0;
    const worker = async () => {
      while (next < PAYMENTS && !killed) {
        const i = next++;
        const reference = references[i] as string;
        for (const step of ['create', 'approve', 'capture'] as const) {
          if (killed || !(await send(reference, step, i))) break;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const exit = await running.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(killed).toBe(true);
    expect(ackCount).toBeGreaterThanOrEqual(KILL_AFTER);
    // The kill came before the load was done.
    expect(ackCount, `${networkFailures} requests in flight were cut off`).toBeLessThan(PAYMENTS * 3);

    // Start again on the same file.
    running = await startCli(database);
    const again = running.url;
    const get = async (path: string) => {
      const res = await fetch(`${again}${path}`, { headers: headersWith(token) });
      return { status: res.status, body: (await res.json()) as any };
    };
    let checked = 0;
    for (const [i, reference] of references.entries()) {
      const steps = acked.get(reference);
      const payment = await get(`/epayment/v1/payments/${reference}`);
      if (!steps) {
        // Never acknowledged: either absent, or created in full (never half-written).
        if (payment.status !== 404) expect(payment.body.reference).toBe(reference);
        continue;
      }
      checked += 1;
      expect(payment.status, reference).toBe(200);
      const events = await get(`/epayment/v1/payments/${reference}/events`);
      const names = (events.body as Array<{ name: string }>).map((e) => e.name);
      if (steps.has('approve')) expect(payment.body.state).toBe('AUTHORIZED');
      if (steps.has('capture')) {
        expect(payment.body.aggregate.capturedAmount.value).toBe(capture(i));
        expect(names).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
      }
      // Whatever was applied, the aggregate and the event log agree.
      const capturedInLog = (events.body as Array<{ name: string; amount: { value: number } }>)
        .filter((e) => e.name === 'CAPTURED')
        .reduce((sum, e) => sum + e.amount.value, 0);
      expect(payment.body.aggregate.capturedAmount.value).toBe(capturedInLog);
      expect(names[0]).toBe('CREATED');
    }
    expect(checked).toBeGreaterThan(0);

    // Retrying the acknowledged captures with their keys replays them; nothing is captured twice.
    for (const [i, reference] of references.entries()) {
      if (!acked.get(reference)?.has('capture')) continue;
      const res = await fetch(`${again}/epayment/v1/payments/${reference}/capture`, {
        method: 'POST',
        headers: headersWith(token, { 'Idempotency-Key': keyOf(reference, 'capture') }),
        body: JSON.stringify({ modificationAmount: { currency: 'NOK', value: capture(i) } }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      const body = (await res.json()) as any;
      expect(body.aggregate.capturedAmount.value).toBe(capture(i));
    }

    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
    running = undefined;
  }, 60_000);
});
