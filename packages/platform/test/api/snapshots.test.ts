import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../src/config.js';
import { DEV_SALES_UNITS, DEV_TEST_USERS } from '../../src/dev/seed.js';
import { startPlatform } from '../../src/testing.js';
import { png } from '../order-management/images.js';
import { createTestDatabase, pgUnreachable, type TestDatabase } from '../storage/pg-support.js';
import { Api, DEV, T0, ref, webRedirect } from '../support/harness.js';

/** Issue #13 item 2: snapshots of the whole state over `/betal/snapshots` and in-process, on both stores. */

const unreachable = await pgUnreachable();

interface SnapshotView {
  name: string;
  createdAt: string;
  bytes: number;
  counts: Record<string, number>;
}

const admin = { 'content-type': 'application/json' };

describe.each([
  { store: 'SQLite', skip: false },
  { store: 'PostgreSQL', skip: unreachable !== undefined },
])('snapshots on $store', ({ store, skip }) => {
  let db: TestDatabase | undefined;
  let api: Api;
  beforeAll(async () => {
    if (skip) return;
    if (store === 'PostgreSQL') db = await createTestDatabase();
    api = new Api(await startPlatform({ frozenAt: T0, ...(db ? { database: db.url } : {}) }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const betal = <T = unknown>(method: string, path: string, body?: unknown) =>
    api.call<T>(method, `/betal${path}`, { headers: admin, ...(body !== undefined ? { body } : {}) });

  it.skipIf(skip)(
    'a restore after further changes gives back the saved state: payments, keys, events, webhooks, images, users, clock',
    async () => {
      const kept = ref('snap-kept');
      expect((await api.create(webRedirect(kept, 10_000))).status).toBe(201);
      expect((await api.approve(kept)).status).toBe(200);
      const firstCapture = await api.modify('capture', kept, 3_000, `cap-${kept}`);
      expect(firstCapture.status).toBe(200);
      const hook = await api.registerWebhook('http://127.0.0.1:9/kept');
      expect(hook.status).toBe(201);
      const image = await api.om('POST', '/v1/images', {
        imageId: `img-${kept}`,
        src: png(200, 200).toString('base64'),
        type: 'base64',
      });
      expect(image.status).toBe(200);
      const eventsBefore = (await api.events(kept)).body;

      const saved = await betal<SnapshotView>('POST', '/snapshots', { name: 'suite-start' });
      expect(saved.status).toBe(201);
      expect(saved.body).toMatchObject({ name: 'suite-start', createdAt: new Date(T0).toISOString() });
      expect(saved.body.counts.payments).toBeGreaterThanOrEqual(1);
      expect(saved.body.counts.webhook_registrations).toBeGreaterThanOrEqual(1);
      expect(saved.body.bytes).toBeGreaterThan(0);

      // Changes after the snapshot: another capture, a new payment, a new test user, a webhook deleted, the
      // clock moved on.
      expect((await api.modify('capture', kept, 2_000, `cap2-${kept}`)).status).toBe(200);
      const later = ref('snap-later');
      expect((await api.create(webRedirect(later, 5_000))).status).toBe(201);
      const user = await api.call('POST', '/betal/users', {
        headers: admin,
        body: { phoneNumber: '4799887766', name: 'Later User', birthDate: '1990-01-01' },
      });
      expect(user.status).toBeLessThan(300);
      expect((await api.deleteWebhook(hook.body.id)).status).toBe(204);
      expect((await api.advance(3600)).status).toBe(200);

      const restored = await betal<SnapshotView>('POST', '/snapshots/suite-start/restore');
      expect(restored.status).toBe(200);
      expect(restored.body.name).toBe('suite-start');

      const got = await api.get(kept);
      expect(got.status).toBe(200);
      expect(got.body.aggregate.capturedAmount.value).toBe(3_000);
      expect((await api.events(kept)).body).toEqual(eventsBefore);
      expect((await api.get(later)).status).toBe(404);
      expect((await api.call('GET', '/betal/users/4799887766', { headers: admin })).status).toBe(404);
      expect((await api.listWebhooks()).body.webhooks.map((w) => w.id)).toContain(hook.body.id);
      const served = await fetch(`${api.url}/betal/images/${DEV.msn}/img-${kept}`);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(png(200, 200))).toBe(true);
      const clock = (await betal<{ now: string }>('GET', '/clock')).body;
      expect(clock.now).toBe(new Date(T0).toISOString());
      // The idempotency key of the first capture answers as it did; the second capture's key is new again.
      const replay = await api.modify('capture', kept, 3_000, `cap-${kept}`);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(firstCapture.body);
      expect((await api.get(kept)).body.aggregate.capturedAmount.value).toBe(3_000);
      // A restore is repeatable: the same snapshot gives back the same state again after more changes.
      expect((await api.modify('capture', kept, 1_000, `cap3-${kept}`)).status).toBe(200);
      expect((await betal('POST', '/snapshots/suite-start/restore')).status).toBe(200);
      expect((await api.get(kept)).body.aggregate.capturedAmount.value).toBe(3_000);
    },
  );

  it.skipIf(skip)('lists snapshots oldest first, replaces one of the same name, deletes them', async () => {
    expect((await betal('POST', '/snapshots', { name: 'list-a' })).status).toBe(201);
    expect((await betal('POST', '/snapshots', { name: 'list-b' })).status).toBe(201);
    expect((await betal('POST', '/snapshots', { name: 'list-a' })).status).toBe(201);
    const listed = await betal<{ snapshots: SnapshotView[] }>('GET', '/snapshots');
    expect(listed.status).toBe(200);
    const names = listed.body.snapshots.map((s) => s.name);
    expect(names.filter((n) => n === 'list-a')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    for (const s of listed.body.snapshots) {
      expect(s.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(typeof s.counts.payments).toBe('number');
    }
    expect((await betal('DELETE', '/snapshots/list-a')).status).toBe(204);
    expect((await betal('DELETE', '/snapshots/list-b')).status).toBe(204);
    const after = await betal<{ snapshots: SnapshotView[] }>('GET', '/snapshots');
    expect(after.body.snapshots.map((s) => s.name)).not.toContain('list-a');
  });

  it.skipIf(skip)('answers 404 for an unknown snapshot and 400 for a bad name, as Problems', async () => {
    for (const [method, path] of [
      ['POST', '/snapshots/never-saved/restore'],
      ['DELETE', '/snapshots/never-saved'],
    ] as const) {
      const res = await betal<{ status: number; detail: string }>(method, path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/json/);
      expect(res.body.status).toBe(404);
      expect(res.body.detail).toMatch(/never-saved/);
    }
    for (const body of [{ name: 'has space' }, { name: '' }, {}, { name: 'x'.repeat(65) }]) {
      const res = await betal<{ status: number }>('POST', '/snapshots', body);
      expect(res.status).toBe(400);
      expect(res.body.status).toBe(400);
    }
    expect((await betal('POST', `/snapshots/${encodeURIComponent('bad name')}/restore`)).status).toBe(400);
  });

  it.skipIf(skip)('works in-process: platform.snapshot() and platform.restore()', async () => {
    const platform = api.started.platform;
    const reference = ref('snap-inproc');
    await platform.snapshot('in-process');
    expect((await api.create(webRedirect(reference, 1_000))).status).toBe(201);
    const view = await platform.restore('in-process');
    expect(view.name).toBe('in-process');
    expect(await platform.store.findPayment(DEV.msn, reference)).toBeUndefined();
    await expect(platform.restore('unknown-one')).rejects.toMatchObject({ status: 404 });
  });
});

describe('reset and restore forget what is held in memory', () => {
  it('a reset clears the rate-limit windows (5 modifications per minute per reference)', async () => {
    const api = new Api(await startPlatform({ frozenAt: T0, config: { rateLimits: 'enforce' } }));
    try {
      const reference = 'rate-limited-order';
      const fill = async () => {
        expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
        expect((await api.approve(reference)).status).toBe(200);
        for (let i = 0; i < 5; i++) {
          expect((await api.modify('capture', reference, 100, `${reference}-${i}`)).status).toBe(200);
        }
      };
      await fill();
      expect((await api.modify('capture', reference, 100, `${reference}-over`)).status).toBe(429);
      await api.started.platform.reset();
      await fill();
      expect((await api.modify('capture', reference, 100, `${reference}-over`)).status).toBe(429);
      await api.started.platform.snapshot('limited');
      await api.started.platform.restore('limited');
      expect((await api.modify('capture', reference, 100, `${reference}-after-restore`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});

describe("reset and restore end the customers' app sessions (outside dev mode)", () => {
  it('a session signed in before a reset of one sales unit, or before a restore, is refused after', async () => {
    const ADMIN = 'snapshot-admin-token-0123456789';
    const OLA = '4791234567';
    const config = { devMode: false, adminToken: ADMIN } as Partial<PlatformConfig>;
    const started = await startPlatform({ frozenAt: T0, config });
    try {
      await started.platform.directory.save(DEV_SALES_UNITS[0]!);
      for (const user of DEV_TEST_USERS) await started.platform.store.saveUser(user);
      const signIn = async () => {
        const res = await fetch(`${started.url}/app/api/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phoneNumber: OLA, pin: '1234' }),
        });
        expect(res.status).toBe(200);
        return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
      };
      const requests = (headers: Record<string, string>) =>
        fetch(`${started.url}/app/api/users/${OLA}/requests`, { headers }).then((r) => r.status);

      let session = await signIn();
      expect(await requests(session)).toBe(200);
      await started.platform.reset({ msn: DEV_SALES_UNITS[0]!.msn });
      expect(await requests(session)).toBe(401);

      await started.platform.snapshot('signed-out');
      session = await signIn();
      expect(await requests(session)).toBe(200);
      await started.platform.restore('signed-out');
      expect(await requests(session)).toBe(401);
    } finally {
      await started.close();
    }
  });
});
