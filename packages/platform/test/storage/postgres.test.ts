import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreBusyError } from '../../src/storage/busy.js';
import { createPool, migrate } from '../../src/storage/postgres/connection.js';
import { MODULES } from '../../src/storage/postgres/migrations.js';
import { PostgresSnapshots } from '../../src/storage/postgres/snapshots.js';
import { PostgresStore } from '../../src/storage/postgres/store.js';
import type { PaymentCommand } from '../../src/storage/ports.js';
import { createdPayment } from '../domain/fixtures.js';
import { describeStorageConformance } from './conformance.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from './pg-support.js';

const unreachable = await pgUnreachable();

if (unreachable) {
  describe('PostgreSQL storage', () => {
    it.skip(`skipped: ${unreachable}`, () => undefined);
  });
} else {
  let db: TestDatabase;
  let schemas = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  /** A fresh, empty storage: a schema of its own in the file's database. */
  const fresh = (options: Parameters<typeof PostgresStore.open>[1] = {}) =>
    PostgresStore.open(db.url, { schema: `s${++schemas}`, ...options });

  describeStorageConformance('PostgreSQL', () => fresh());

  describe('PostgreSQL storage', () => {
    const create = (reference: string): PaymentCommand => ({
      msn: '123456',
      reference,
      decide: (current) =>
        current
          ? { result: { status: 409, body: undefined } }
          : {
              write: {
                payment: createdPayment(100, { msn: '123456', reference, token: `tok-${reference}` }),
                insert: true,
                events: [
                  {
                    name: 'CREATED',
                    pspReference: 'psp',
                    amount: 100,
                    timestamp: 1,
                    idempotencyKey: null,
                    success: true,
                  },
                ],
              },
              result: { status: 201, body: undefined },
            },
    });

    it('migrates once: a second open (as a second process) finds the schema applied and keeps the data', async () => {
      const schema = `m${++schemas}`;
      const [a, b, c] = await Promise.all([
        PostgresStore.open(db.url, { schema }),
        PostgresStore.open(db.url, { schema }),
        PostgresStore.open(db.url, { schema }),
      ]);
      await a.setSetting('k', 'v');
      expect(await b.getSetting('k')).toBe('v');
      const versions = await a.pool.query<{ module: string; version: number }>(
        'SELECT module, version FROM schema_migrations ORDER BY module',
      );
      // Every module at its last migration, once.
      expect(versions.rows).toEqual(
        MODULES.map((m) => ({ module: m.module, version: m.migrations.length })).sort((x, y) =>
          x.module < y.module ? -1 : 1,
        ),
      );
      await Promise.all([a.close(), b.close(), c.close()]);
    });

    it('upgrades a database of the design with positions at insert: positions and old snapshots are kept', async () => {
      const schema = `s${++schemas}`;
      // The schema as it was before events were numbered after commit (core migration 3, snapshots migration 2).
      const before = MODULES.map(({ module, migrations }) => ({
        module,
        migrations:
          module === 'core'
            ? migrations.slice(0, 2)
            : module === 'snapshots'
              ? migrations.slice(0, 1)
              : migrations,
      }));
      const old = createPool(db.url, { schema });
      await migrate(old, before, schema);
      await old.query(
        `INSERT INTO payment_events (seq, msn, reference, psp_reference, name, currency, amount, timestamp, success)
         SELECT nextval('payment_events_seq'), '123456', 'old', 'psp', n, 'NOK', 100, 1, true
         FROM unnest(ARRAY['CREATED', 'AUTHORIZED']) AS n`,
      );
      await new PostgresSnapshots(old).save('old', 1, null);
      await old.end();
      const store = await PostgresStore.open(db.url, { schema });
      const kept = await store.listEvents('123456', 'old');
      expect(kept.map((e) => [e.name, e.seq])).toEqual([
        ['CREATED', 1],
        ['AUTHORIZED', 2],
      ]);
      await store.execute(create('new'));
      expect((await store.eventsAfter(2, 10)).map((e) => [e.reference, e.seq])).toEqual([['new', 3]]);
      await store.snapshots.restore('old', { keepSettings: [] });
      expect(await store.listEvents('123456', 'old')).toEqual(kept);
      // Positions are not handed out again after the restore.
      await store.execute(create('newer'));
      expect((await store.eventsAfter(2, 10)).map((e) => [e.reference, e.seq])).toEqual([['newer', 4]]);
      await store.close();
    });

    it('never lets a reader skip an event of a transaction that commits after a later one', async () => {
      // `a` inserts its event first and commits last; `b` commits while `a` is still open. A reader (of another
      // store on the schema, as another process) that has seen `b`'s position must still see `a` after it: a
      // position handed out at insert time would put `a` below the cursor and lose it for good.
      let release!: () => void;
      let paused!: () => void;
      const isPaused = new Promise<void>((resolve) => (paused = resolve));
      let first = true;
      const schema = `s${++schemas}`;
      const store = await PostgresStore.open(db.url, {
        schema,
        beforeCommit: async () => {
          if (!first) return;
          first = false;
          paused();
          await new Promise<void>((resolve) => (release = resolve));
        },
      });
      const reader = await PostgresStore.open(db.url, { schema });
      const heard: string[] = [];
      store.onCommit(({ payment }) => heard.push(payment.reference));
      const a = store.execute(create('a'));
      await isPaused;
      // No command waits for another one's commit: `b` goes through while `a` is open, and is visible.
      await store.execute(create('b'));
      const seen = await reader.eventsAfter(0, 10);
      expect(seen.map((e) => e.reference)).toEqual(['b']);
      expect(await reader.latestEventSeq()).toBe(seen[0]!.seq);
      const cursor = seen[0]!.seq;
      release();
      await a;
      const after = await reader.eventsAfter(cursor, 10);
      expect(after.map((e) => e.reference)).toEqual(['a']);
      expect(after[0]!.seq).toBeGreaterThan(cursor);
      // Listeners hear the changes in the order of their positions, which is the order they committed in.
      expect(heard).toEqual(['b', 'a']);
      expect((await store.listEvents('123456', 'a')).map((e) => e.seq)).toEqual([after[0]!.seq]);
      await Promise.all([store.close(), reader.close()]);
    });

    it('numbers the events of a process that died after committing: the next reader gives them positions', async () => {
      const schema = `s${++schemas}`;
      const store = await PostgresStore.open(db.url, { schema });
      await store.execute(create('before'));
      // A command that committed its events and was gone before its sequencer ran (the process was killed).
      await store.pool.query(
        `INSERT INTO payment_events (msn, reference, psp_reference, name, currency, amount, timestamp, success)
         VALUES ('123456', 'orphan', 'psp', 'CREATED', 'NOK', 100, 1, true)`,
      );
      const [orphan] = await store.listEvents('123456', 'orphan');
      expect(orphan!.seq).toBeGreaterThan(0);
      const all = await store.eventsAfter(0, 10);
      expect(all.map((e) => [e.reference, e.seq])).toEqual([
        ['before', all[0]!.seq],
        ['orphan', orphan!.seq],
      ]);
      expect(await store.latestEventSeq()).toBe(orphan!.seq);
      await store.close();
    });

    it('keeps the outbox in commit order across two stores on one database, as two processes', async () => {
      const schema = `x${++schemas}`;
      // This test is about order, not lock waits: 80 concurrent commands queue on the outbox lock, which on a
      // loaded machine takes longer than the default 250 ms wait.
      const [one, two] = await Promise.all([
        PostgresStore.open(db.url, { schema, max: 4, lockWaitMs: 30_000 }),
        PostgresStore.open(db.url, { schema, max: 4, lockWaitMs: 30_000 }),
      ]);
      // A dispatcher's cursor reads while both write; a position that became visible late would be skipped.
      const seen: number[] = [];
      let cursor = 0;
      let writing = true;
      const reader = (async () => {
        while (writing || (await one.eventsAfter(cursor, 1000)).length > 0) {
          const batch = await one.eventsAfter(cursor, 1000);
          for (const e of batch) seen.push(e.seq);
          if (batch.length > 0) cursor = batch[batch.length - 1]!.seq;
        }
      })();
      await Promise.all(Array.from({ length: 80 }, (_, i) => (i % 2 ? one : two).execute(create(`r${i}`))));
      writing = false;
      await reader;
      const all = (await two.eventsAfter(0, 1000)).map((e) => e.seq);
      expect(all).toHaveLength(80);
      expect(seen).toEqual(all);
      await Promise.all([one.close(), two.close()]);
    });

    it('resolves an insert race on a new reference: one create wins, the other runs again and finds it', async () => {
      const store = await fresh();
      const answers = await Promise.all(Array.from({ length: 6 }, () => store.execute(create('race'))));
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect((await store.listEvents('123456', 'race')).map((e) => e.name)).toEqual(['CREATED']);
      await store.close();
    });

    it('refuses a command whose payment another transaction holds longer than the lock wait, writing nothing', async () => {
      const store = await fresh({ lockWaitMs: 100 });
      await store.execute(create('held'));
      const holder = new pg.Client({ connectionString: db.url, options: `-c search_path=s${schemas}` });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query("SELECT 1 FROM payments WHERE reference = 'held' FOR UPDATE");
      const authorize: PaymentCommand = {
        msn: '123456',
        reference: 'held',
        decide: (current) => ({
          write: {
            payment: {
              ...current!,
              state: 'AUTHORIZED',
              aggregate: { ...current!.aggregate, authorized: 100 },
            },
            insert: false,
            events: [],
          },
          result: { status: 200, body: undefined },
        }),
      };
      await expect(store.execute(authorize)).rejects.toBeInstanceOf(StoreBusyError);
      expect((await store.findPayment('123456', 'held'))?.state).toBe('CREATED');
      await holder.query('ROLLBACK');
      await holder.end();
      // Once the lock is free, the same command goes through.
      expect(await store.execute(authorize)).toEqual({ status: 200, body: undefined });
      expect((await store.findPayment('123456', 'held'))?.state).toBe('AUTHORIZED');
      await store.close();
    });

    it('serializes changes of one payment with the row lock: concurrent increments are all kept', async () => {
      const store = await fresh();
      await store.execute(create('p'));
      const bump: PaymentCommand = {
        msn: '123456',
        reference: 'p',
        decide: (current) => ({
          write: {
            payment: {
              ...current!,
              state: 'AUTHORIZED',
              aggregate: { ...current!.aggregate, authorized: current!.aggregate.authorized + 1 },
            },
            insert: false,
            events: [],
          },
          result: { status: 200, body: undefined },
        }),
      };
      await Promise.all(Array.from({ length: 8 }, () => store.execute(bump)));
      expect((await store.findPayment('123456', 'p'))?.aggregate.authorized).toBe(8);
      await store.close();
    });
  });
}
