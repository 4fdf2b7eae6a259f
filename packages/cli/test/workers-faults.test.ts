import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  sendAlone,
  startCli,
  type RunningCli,
  CLI as cli,
  CLI_BUILT as built,
} from './support.js';
import { webRedirect } from '../../platform/test/support/harness.js';

/**
 * Issue #12, faults across processes: kill -9 of one of two workers under load loses no acknowledged write and no
 * webhook, the other keeps serving, and the primary starts a worker that rejoins.
 */

const unreachable = await pgUnreachable();

/**
 * One request on a connection of its own; a connection handed to the worker as it was killed gets no answer, so
 * it is given up after 5 s (the caller sends again).
 */
const send = (url: string, method: string, headers: Record<string, string>, body?: unknown) =>
  sendAlone(url, method, headers, body, 5000);

/** A webhook receiver on 127.0.0.1 that records the reference and name of every event it gets. */
async function receiver(): Promise<{
  server: Server;
  url: string;
  got: Array<{ reference: string; name: string }>;
}> {
  const got: Array<{ reference: string; name: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { reference: string; name: string };
      got.push({ reference: json.reference, name: json.name });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got };
}

/** Polls `check` every 20 ms; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'betal-cli-faults-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built || unreachable !== undefined)(
  'betal start --workers 2 when a worker is killed',
  () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('loses no acknowledged payment and no webhook; the other serves, a new worker rejoins', async () => {
      const hooks = await receiver();
      let run: RunningCli | undefined;
      try {
        run = await startCli(
          process.execPath,
          [cli, 'start', '--port', '0', '--db', db.url, '--workers', '2', '--json'],
          {
            cwd: dir,
            // A short claim lease: what the killed worker had claimed is sent by the other one seconds later.
            env: {
              HOST: '127.0.0.1',
              LOG_LEVEL: 'warn',
              BETAL_WEBHOOK_LEASE_MS: '2000',
              BETAL_STORE_LOCK_MS: '30000',
            },
            timeoutMs: 60_000,
          },
        );
        const url = run.ready.platform.url;
        const unit = run.ready.salesUnits[0]!;
        const headers = await apiHeaders(url, unit);
        const registered = await send(`${url}/webhooks/v1/webhooks`, 'POST', headers, {
          url: hooks.url,
          events: ['epayments.payment.created.v1'],
        });
        expect(registered.status, JSON.stringify(registered.json)).toBe(201);

        const acknowledged: string[] = [];
        const workersSeen = new Set<string>();
        let stop = false;
        /** Creates payments until stopped; a call cut by the kill is sent again with its Idempotency-Key. */
        const caller = async (n: number) => {
          for (let i = 0; !stop; i++) {
            const reference = `kill-${n}-${i}`;
            for (let attempt = 0; attempt < 50; attempt++) {
              const res = await send(
                `${url}/epayment/v1/payments`,
                'POST',
                { ...headers, 'Idempotency-Key': `create-${reference}` },
                webRedirect(reference, 1000),
              ).catch(() => undefined);
              if (res?.status === 201) {
                acknowledged.push(reference);
                workersSeen.add(res.worker);
                break;
              }
              expect(res === undefined || res.status === 503, JSON.stringify(res)).toBe(true);
            }
          }
        };
        const callers = [0, 1, 2, 3].map(caller);
        try {
          await until(() => acknowledged.length >= 30 && workersSeen.size === 2, 'answers of both workers');
          const workerPids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(run.child.pid)], {
            encoding: 'utf8',
          })
            .split('\n')
            .map((l) => Number(l.trim()))
            .filter((pid) => pid > 0);
          expect(workerPids).toHaveLength(2);
          process.kill(workerPids[0]!, 'SIGKILL');
          const atKill = acknowledged.length;
          // The other worker keeps serving, and the replacement (worker 3) answers too.
          await until(
            () => acknowledged.length >= atKill + 30 && workersSeen.has('3'),
            'the replacement worker',
          );
        } finally {
          stop = true;
          await Promise.all(callers);
        }
        // Every acknowledged payment is there, whichever worker answers.
        for (const reference of acknowledged) {
          const got = await send(`${url}/epayment/v1/payments/${reference}`, 'GET', headers);
          expect(got.status, reference).toBe(200);
        }
        // And its CREATED webhook was delivered (at least once: the killed worker's claims are sent again).
        const delivered = () =>
          new Set(hooks.got.filter((g) => g.name === 'CREATED').map((g) => g.reference));
        await until(() => acknowledged.every((r) => delivered().has(r)), 'every webhook', 60_000);
        expect(acknowledged.filter((r) => !delivered().has(r))).toEqual([]);
      } finally {
        expect(await run?.stop()).toBe(0);
        hooks.server.closeAllConnections();
        await new Promise<void>((resolve) => hooks.server.close(() => resolve()));
      }
    }, 120_000);
  },
);
