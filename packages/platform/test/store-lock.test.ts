import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, startPlatform } from '../src/internal-entry.js';
import { Api, ref, T0, webRedirect } from './support/harness.js';

const PLATFORM_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Another process holding the database's write lock: a tiny node script with better-sqlite3 that runs
 * `BEGIN EXCLUSIVE`, says `locked`, and commits when told `release` on stdin (then says `released`).
 */
class LockHolder {
  private readonly child: ChildProcessWithoutNullStreams;
  private output = '';
  private readonly waiters: Array<{ word: string; resolve: () => void }> = [];

  constructor(database: string) {
    const script = `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.pragma('busy_timeout = 2000');
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); process.exit(0); });
    `;
    this.child = spawn(process.execPath, ['-e', script, database], { cwd: PLATFORM_DIR });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      for (const w of [...this.waiters]) {
        if (this.output.includes(w.word)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  }

  /** Resolves once the child has printed `word` (rejects after 10 s of real time). */
  said(word: string): Promise<void> {
    if (this.output.includes(word)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lock holder never said ${word}`)), 10_000);
      this.waiters.push({
        word,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async release(): Promise<void> {
    this.child.stdin.write('release\n');
    await this.said('released');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

async function timed(url: string): Promise<{ status: number; ms: number; body: unknown }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.json();
  return { status: res.status, ms: performance.now() - started, body };
}

describe('a database locked by another process', () => {
  let dir: string;
  let api: Api;
  let holder: LockHolder | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'betal-lock-'));
    api = new Api(
      await startPlatform({
        frozenAt: T0,
        database: join(dir, 'platform.sqlite'),
        config: { storeLockWaitMs: 250 },
      }),
    );
  });
  afterAll(async () => {
    holder?.kill();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps health and reads answering, refuses a write with 503 + Retry-After, and the retry succeeds', async () => {
    const before = ref('lock-before');
    expect((await api.create(webRedirect(before))).status).toBe(201);
    await api.token(); // the access token is fetched before the lock, as an integration would have it cached
    const reference = ref('lock');
    const key = `create-${reference}`;

    holder = new LockHolder(join(dir, 'platform.sqlite'));
    await holder.said('locked');
    await timed(`${api.url}/betal/health`); // a warm connection: what is timed below is the server, not the dial

    // The create waits for the lock (up to 250 ms) while health keeps answering quickly.
    const create = api.create(webRedirect(reference), key);
    const healthTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const health = await timed(`${api.url}/betal/health`);
      expect(health.status).toBe(200);
      healthTimes.push(health.ms);
    }
    const refused = await create;
    expect(Math.max(...healthTimes), `health took ${healthTimes.join(', ')} ms`).toBeLessThan(100);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((refused.body as unknown as { detail: string }).detail).toMatch(/locked by another process/);

    // Reads answer while the lock lasts; nothing of the refused create was written.
    const readStarted = performance.now();
    const read = await api.call<{ state: string }>('GET', `/epayment/v1/payments/${before}`);
    const readMs = performance.now() - readStarted;
    expect(read.status).toBe(200);
    expect(read.body.state).toBe('CREATED');
    expect(readMs, `the read took ${readMs} ms`).toBeLessThan(100);
    expect((await api.call('GET', `/epayment/v1/payments/${reference}`)).status).toBe(404);

    const degraded = await timed(`${api.url}/betal/ready`);
    expect(degraded.status).toBe(503);
    expect(degraded.ms).toBeLessThan(100);
    expect(degraded.body).toMatchObject({ status: 'degraded', causes: [{ name: 'store-locked' }] });

    // A write outside the group commit (a single statement) is refused the same way, and writes nothing.
    const user = await fetch(`${api.url}/betal/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '4799887766', name: 'Locked Out', birthDate: '1990-01-01' }),
    });
    expect(user.status).toBe(503);
    expect(user.headers.get('retry-after')).toBe('1');
    expect(await api.started.platform.store.findUser('4799887766')).toBeUndefined();

    await holder.release();

    const retried = await api.create(webRedirect(reference), key);
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const again = await api.create(webRedirect(reference), key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await timed(`${api.url}/betal/ready`)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });
});

describe('a damaged database file', () => {
  it('is found at start by quick_check, and readiness says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betal-damaged-'));
    const file = join(dir, 'platform.sqlite');
    try {
      const store = new SqliteStore(file);
      store.db.exec('CREATE TABLE junk (x TEXT); CREATE INDEX junk_x ON junk (x);');
      const insert = store.db.prepare('INSERT INTO junk (x) VALUES (?)');
      store.db.transaction(() => {
        for (let i = 0; i < 3000; i++) insert.run(`${i}`.padStart(120, 'x'));
      })();
      expect(store.health()).toEqual([]);
      await store.close();

      // Overwrite a few pages near the end of the file (the junk table and its index), not the schema page.
      const size = statSync(file).size;
      const fd = openSync(file, 'r+');
      const garbage = Buffer.alloc(4096 * 3, 0xa5);
      writeSync(fd, garbage, 0, garbage.length, Math.floor((size * 0.7) / 4096) * 4096);
      closeSync(fd);

      const started = await startPlatform({ database: file });
      try {
        const res = await timed(`${started.url}/betal/ready`);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ status: 'degraded', causes: [{ name: 'store-damaged' }] });
        expect((await timed(`${started.url}/betal/health`)).status).toBe(200);
      } finally {
        await started.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
