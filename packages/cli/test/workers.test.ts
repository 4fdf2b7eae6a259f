import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  pgUnreachable,
  type TestDatabase,
} from '../../platform/test/storage/pg-support.js';
import {
  apiHeaders,
  sendAlone as send,
  startCli,
  type Ready,
  type RunningCli,
  CLI as cli,
  CLI_BUILT as built,
} from './support.js';
import { webRedirect } from '../../platform/test/support/harness.js';

const unreachable = await pgUnreachable();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-workers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('betal start --workers', () => {
  it('refuses with a SQLite store, saying why, with status 2', async () => {
    await expect(
      startCli(process.execPath, [cli, 'start', '--port', '0', '--db', ':memory:', '--workers', '2'], {
        cwd: dir,
      }),
    ).rejects.toThrow(/exited with 2[\s\S]*--workers needs a PostgreSQL store/);
  });

  describe.skipIf(unreachable !== undefined)('on PostgreSQL', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('2 workers share one port; a payment created through one is seen by the other', async () => {
      let run: RunningCli | undefined;
      try {
        run = await startCli(
          process.execPath,
          [cli, 'start', '--port', '0', '--db', db.url, '--workers', '2', '--json'],
          { cwd: dir, env: { HOST: '127.0.0.1', LOG_LEVEL: 'warn' } },
        );
        const ready: Ready = run.ready;
        const url = ready.platform.url;
        const unit = ready.salesUnits[0]!;
        const headers = await apiHeaders(url, unit);
        const created = new Map<string, string>();
        for (let i = 0; i < 6; i++) {
          const reference = `workers-${i}-${Date.now()}`;
          const res = await send(
            `${url}/epayment/v1/payments`,
            'POST',
            { ...headers, 'Idempotency-Key': `create-${reference}` },
            webRedirect(reference, 1000),
          );
          expect(res.status, JSON.stringify(res.json)).toBe(201);
          created.set(reference, res.worker);
        }
        // Every payment is read until each worker has answered for it (round-robin: a few tries at most).
        const seenBy = new Set<string>();
        for (const [reference] of created) {
          const workers = new Set<string>();
          for (let attempt = 0; attempt < 20 && workers.size < 2; attempt++) {
            const got = await send(`${url}/epayment/v1/payments/${reference}`, 'GET', headers);
            expect(got.status).toBe(200);
            expect(got.json.reference).toBe(reference);
            workers.add(got.worker);
          }
          expect([...workers].sort()).toEqual(['1', '2']);
          for (const w of workers) seenBy.add(w);
        }
        expect(seenBy.size).toBe(2);
      } finally {
        expect(await run?.stop()).toBe(0);
      }
    });
  });
});
