import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/testing.js';
import { Api, T0, ref, webRedirect } from '../support/harness.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

const unreachable = await pgUnreachable();

describe.skipIf(unreachable !== undefined)('the platform on PostgreSQL', () => {
  let db: TestDatabase;
  let api: Api;
  beforeAll(async () => {
    db = await createTestDatabase();
    api = new Api(await startPlatform({ database: db.url, frozenAt: T0 }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('takes a payment through token, create, force approve, capture and get, kept in the database', async () => {
    const reference = ref('pg');
    expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.modify('capture', reference, 4_000, `capture-${reference}`)).status).toBe(200);
    const got = await api.call<{ state: string; aggregate: Record<string, { value: number }> }>(
      'GET',
      `/epayment/v1/payments/${reference}`,
    );
    expect(got.status).toBe(200);
    expect(got.body.state).toBe('AUTHORIZED');
    expect(got.body.aggregate.capturedAmount?.value).toBe(4_000);
    // The payment and its events are rows of the PostgreSQL database, not of a SQLite file.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query<{ name: string }>(
        'SELECT name FROM payment_events WHERE reference = $1 ORDER BY seq',
        [reference],
      );
      expect(rows.rows.map((r) => r.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    } finally {
      await client.end();
    }
  });

  it('is ready', async () => {
    expect((await fetch(`${api.url}/betal/ready`)).status).toBe(200);
  });
});

if (unreachable) {
  describe('the platform on PostgreSQL', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
}
