import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreUnavailable } from '../../src/storage/busy.js';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import { startPlatform } from '../../src/testing.js';
import { Api, DEV, ref, webRedirect } from '../support/harness.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

/**
 * Issue #12, faults: every connection to the database cut under load (as a PostgreSQL restart does; terminated
 * here, so other users of the server are untouched). Requests in flight fail with 503 and Retry-After in their
 * API's error shape, none with a 500, and the pool reconnects.
 */

const unreachable = await pgUnreachable();

describe('which errors say the database cannot be reached', () => {
  it('the server shutting a connection, a refused or reset socket, a connection that ended', () => {
    expect(isStoreUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(
      isStoreUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' })),
    ).toBe(true);
    expect(
      isStoreUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isStoreUnavailable(
        new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'all failed'),
      ),
    ).toBe(true);
  });

  it('not a constraint, a syntax error or a lock wait', () => {
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isStoreUnavailable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isStoreUnavailable(Object.assign(new Error('lock timeout'), { code: '55P03' }))).toBe(false);
    expect(isStoreUnavailable(new Error('boom'))).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});

describe.skipIf(unreachable !== undefined)('the platform on PostgreSQL when its connections are cut', () => {
  let db: TestDatabase;
  let api: Api;
  beforeEach(async () => {
    db = await createTestDatabase();
    api = new Api(await startPlatform({ database: db.url, config: { storeLockWaitMs: 30_000 } }));
  });
  afterEach(async () => {
    await api?.close();
    await db?.drop();
  });

  /** Terminates every backend of the test database but the admin's own; how many were terminated. */
  async function terminateAll(): Promise<number> {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ done: boolean }>(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      return rows.filter((r) => r.done).length;
    } finally {
      await admin.end();
    }
  }

  it('answers 503 with Retry-After (never 500) while it happens, and serves again after', async () => {
    const results: Array<{ path: string; status: number; retryAfter: string | null; body: unknown }> = [];
    const tokenHeaders = {
      client_id: DEV.clientId,
      client_secret: DEV.clientSecret,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
    };
    let stop = false;
    const headers = await api.headers();
    const record = async (path: string, res: Response) => {
      const text = await res.text();
      results.push({
        path,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: text ? JSON.parse(text) : undefined,
      });
    };
    // Four callers: ePayment creates and gets, Access Token and Order Management (each API its own error shape).
    const load = [
      (async () => {
        for (let i = 0; !stop; i++) {
          const reference = ref(`cut-${i}`);
          await record(
            'epayment',
            await fetch(`${api.url}/epayment/v1/payments`, {
              method: 'POST',
              headers: { ...headers, 'Idempotency-Key': `k-${reference}` },
              body: JSON.stringify(webRedirect(reference, 1_000)),
            }),
          );
        }
      })(),
      (async () => {
        while (!stop) {
          await record(
            'epayment-get',
            await fetch(`${api.url}/epayment/v1/payments/none-${Date.now()}`, { headers }),
          );
        }
      })(),
      (async () => {
        while (!stop) {
          await record(
            'accesstoken',
            await fetch(`${api.url}/accesstoken/get`, { method: 'POST', headers: tokenHeaders }),
          );
        }
      })(),
      (async () => {
        while (!stop) {
          await record(
            'order-management',
            await fetch(`${api.url}/order-management/v2/ecom/none-${Date.now()}`, { headers }),
          );
        }
      })(),
    ];
    let terminated = 0;
    try {
      // Three cuts, each once the load has had some answers since the last.
      for (let cut = 0; cut < 3; cut++) {
        const seen = results.length;
        while (results.length < seen + 20) await new Promise((r) => setTimeout(r, 5));
        terminated += await terminateAll();
      }
      const seen = results.length;
      while (results.length < seen + 20) await new Promise((r) => setTimeout(r, 5));
    } finally {
      stop = true;
      await Promise.all(load);
    }
    expect(terminated).toBeGreaterThan(0);
    const failures = results.filter((r) => r.status >= 500);
    for (const failure of failures) {
      expect(failure.status, JSON.stringify(failure)).toBe(503);
      expect(failure.retryAfter, JSON.stringify(failure)).toBe('1');
    }
    // ePayment's 503s are Problems.
    for (const failure of failures.filter((f) => f.path.startsWith('epayment'))) {
      expect(failure.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    }
    // The pool reconnected: each API answers as before.
    const reference = ref('after');
    expect((await api.create(webRedirect(reference, 1_000))).status).toBe(201);
    expect((await api.call('GET', `/epayment/v1/payments/${reference}`)).status).toBe(200);
    const token = await fetch(`${api.url}/accesstoken/get`, { method: 'POST', headers: tokenHeaders });
    expect(token.status).toBe(200);
    expect((await fetch(`${api.url}/betal/ready`)).status).toBe(200);
  });
});

describe.skipIf(unreachable !== undefined)('the platform on PostgreSQL when its database is away', () => {
  it('answers liveness, says degraded at readiness and 503 elsewhere, never 500', async () => {
    const db = await createTestDatabase();
    const api = new Api(await startPlatform({ database: db.url }));
    try {
      const headers = await api.headers();
      // The pool ended: every query fails as if the server had gone.
      await (api.started.platform.store as PostgresStore).pool.end();
      const health = await fetch(`${api.url}/betal/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`${api.url}/betal/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        status: 'degraded',
        causes: [{ name: 'store-unavailable' }],
      });
      const got = await fetch(`${api.url}/epayment/v1/payments/away`, { headers });
      expect(got.status).toBe(503);
      expect(got.headers.get('retry-after')).toBe('1');
      expect(await got.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    } finally {
      await api.close();
      await db.drop();
    }
  });
});

if (unreachable) {
  describe('the platform on PostgreSQL when its connections are cut', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
}
