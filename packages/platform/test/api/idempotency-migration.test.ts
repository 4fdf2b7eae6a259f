/**
 * The migration that scopes idempotency keys per payment and operation (issue #9) keeps the keys a store already
 * holds: a store written before it (keys per MSN only) is upgraded on open, its kept answers still replay, and
 * the same key may then be used on another operation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, T0, ref, webRedirect } from '../support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'betal-idem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Puts the idempotency table back in its shape before the migration, keeping its rows, one version back. */
function downgrade(file: string): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE idempotency_keys_old (
     msn TEXT NOT NULL, key TEXT NOT NULL, operation TEXT NOT NULL, reference TEXT NOT NULL,
     fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT, PRIMARY KEY (msn, key)
   ) WITHOUT ROWID;
   INSERT INTO idempotency_keys_old SELECT msn, key, operation, reference, fingerprint, status, body
     FROM idempotency_keys;
   DROP TABLE idempotency_keys;
   ALTER TABLE idempotency_keys_old RENAME TO idempotency_keys;
   UPDATE schema_migrations SET version = version - 1 WHERE module = 'core';`);
  db.close();
}

describe('upgrading a store to keys per payment and operation', () => {
  it('keeps the kept answers, which replay; the key is then free for another operation', async () => {
    const file = join(dir, 'platform.sqlite');
    const reference = ref('migrate');
    const key = `k-${reference}`;
    let api = new Api(await startPlatform({ database: file, frozenAt: T0 }));
    expect((await api.create(webRedirect(reference), key)).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    await api.close();

    downgrade(file);
    const before = new Database(file, { readonly: true });
    const pk = before
      .prepare<[], { name: string; pk: number }>("SELECT name, pk FROM pragma_table_info('idempotency_keys')")
      .all()
      .filter((c) => c.pk > 0)
      .map((c) => c.name);
    before.close();
    expect(pk).toEqual(['msn', 'key']);

    api = new Api(await startPlatform({ database: file, frozenAt: T0 }));
    try {
      const replay = await api.create(webRedirect(reference), key);
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const capture = await api.modify('capture', reference, 1_000, key);
      expect(capture.status).toBe(200);
      expect(capture.headers.get('idempotent-replayed')).toBeNull();
    } finally {
      await api.close();
    }
  });
});
