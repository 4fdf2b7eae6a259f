import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClock } from '../../src/clock.js';
import { configFromEnv, type PlatformConfig } from '../../src/config.js';
import { composePlatform } from '../../src/server.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/ports.js';
import { Api, T0, ref, webRedirect } from '../support/harness.js';

/**
 * A Storage that is no SqliteStore: a plain object forwarding every method to `inner`, as another implementation
 * of the ports would stand in its place.
 */
function forwarding(inner: Storage): Storage {
  const out: Record<string, unknown> = {
    webhooks: inner.webhooks,
    orderManagement: inner.orderManagement,
    inbox: inner.inbox,
  };
  const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(inner) as object).filter(
    (name) =>
      name !== 'constructor' && typeof (inner as unknown as Record<string, unknown>)[name] === 'function',
  );
  for (const name of methods) {
    const method = (inner as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    out[name] = (...args: unknown[]) => method.apply(inner, args);
  }
  return out as unknown as Storage;
}

const config = (database: string): PlatformConfig => ({
  ...configFromEnv({}),
  host: '127.0.0.1',
  port: 0,
  database,
  devMode: true,
  expirySweepMs: 0,
  logLevel: 'silent',
});

describe('the platform on the storage ports', () => {
  let api: Api;
  /** When set, the inbox's next write rejects with it (as a write of another store might fail). */
  let failNextInboxWrite: Error | undefined;
  beforeAll(async () => {
    const clock = new PlatformClock({ frozenAt: T0 });
    const inner = await openStorage({ database: ':memory:' });
    const store: Storage = {
      ...forwarding(inner),
      inbox: {
        add: (...args) => {
          const failure = failNextInboxWrite;
          failNextInboxWrite = undefined;
          return failure ? Promise.reject(failure) : inner.inbox.add(...args);
        },
        list: (...args) => inner.inbox.list(...args),
        has: (...args) => inner.inbox.has(...args),
      },
    };
    // The configured database is never opened when a storage is given.
    const platform = await composePlatform(config('postgres://unused.example/betal'), { clock, store });
    const url = await platform.listen();
    api = new Api({ url, platform, clock, reset: (o) => platform.reset(o), close: () => platform.close() });
  });
  afterAll(() => api.close());

  it('runs on any Storage, not only the SQLite class: create, approve in the app, events, readiness', async () => {
    const reference = ref();
    expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
    const ready = await fetch(`${api.url}/betal/ready`);
    expect(ready.status).toBe(200);
  });

  it("reports a failed inbox write at the app's next read instead of losing it silently", async () => {
    const user = '4791234567';
    const requests = () => fetch(`${api.url}/app/api/users/${user}/requests`);
    failNextInboxWrite = new Error('the inbox write failed');
    const pushed = { userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: user } };
    expect((await api.create(webRedirect(ref(), 10_000, pushed))).status).toBe(201);
    expect(failNextInboxWrite).toBeUndefined();
    expect((await requests()).status).toBe(500);
    // Reported once; the app answers again after it.
    expect((await requests()).status).toBe(200);
  });

  it('refuses to start on a database URL it has no storage for', async () => {
    await expect(composePlatform(config('mysql://db.example/betal'))).rejects.toThrow(
      /No storage for database/,
    );
  });
});
