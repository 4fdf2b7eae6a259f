import { beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { DEV2, T0, usePlatformApi, webRedirect } from '../support/harness.js';

const api = usePlatformApi();
beforeAll(async () => {
  // Four payments a minute apart: list-a1 (authorized), list-a2, list-b3 (MSN 654321, DKK), list-a4.
  await api.create(webRedirect('list-a1-0000', 1000));
  await api.approve('list-a1-0000');
  api.started.clock.advance(60_000);
  await api.create(webRedirect('list-a2-0000', 2000));
  api.started.clock.advance(60_000);
  await api.create(
    { ...webRedirect('list-b3-0000', 3000), amount: { currency: 'DKK', value: 3000 } },
    undefined,
    DEV2,
  );
  api.started.clock.advance(60_000);
  await api.create(webRedirect('list-a4-0000', 4000));
});

const list = (query = '') => api.call<any>('GET', `/betal/payments${query}`);
const refs = (body: any): string[] => body.payments.map((p: { reference: string }) => p.reference);

describe('GET /betal/payments', () => {
  it('lists the payments of every sales unit newest first, as GET payment shows them', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(refs(res.body)).toEqual(['list-a4-0000', 'list-b3-0000', 'list-a2-0000', 'list-a1-0000']);
    expect(res.body.nextCursor).toBeNull();
    const b3 = res.body.payments[1];
    expect(b3).toMatchObject({
      msn: '654321',
      reference: 'list-b3-0000',
      state: 'CREATED',
      amount: { currency: 'DKK', value: 3000 },
      createdAt: new Date(T0 + 120_000).toISOString(),
      userFlow: 'WEB_REDIRECT',
    });
    const get = await api.call<any>('GET', '/epayment/v1/payments/list-a1-0000');
    const { msn, createdAt, expiresAt, userFlow, ...asGet } = res.body.payments[3];
    expect({ msn, createdAt, userFlow }).toMatchObject({
      msn: '123456',
      createdAt: new Date(T0).toISOString(),
    });
    expect(expiresAt).toMatch(/Z$/);
    expect(asGet).toEqual(get.body);
  });

  it('filters by msn, state, reference prefix and the platform clock', async () => {
    expect(refs((await list('?msn=654321')).body)).toEqual(['list-b3-0000']);
    expect(refs((await list('?state=AUTHORIZED')).body)).toEqual(['list-a1-0000']);
    expect(refs((await list('?state=created,authorized&msn=123456')).body)).toHaveLength(3);
    expect(refs((await list('?reference=list-a')).body)).toEqual([
      'list-a4-0000',
      'list-a2-0000',
      'list-a1-0000',
    ]);
    const since = encodeURIComponent(new Date(T0 + 60_000).toISOString());
    const until = encodeURIComponent(new Date(T0 + 180_000).toISOString());
    expect(refs((await list(`?since=${since}&until=${until}`)).body)).toEqual([
      'list-b3-0000',
      'list-a2-0000',
    ]);
  });

  it('pages with limit and cursor, the filters kept', async () => {
    const first = await list('?limit=3');
    expect(refs(first.body)).toEqual(['list-a4-0000', 'list-b3-0000', 'list-a2-0000']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`?limit=3&cursor=${first.body.nextCursor}`);
    expect(refs(second.body)).toEqual(['list-a1-0000']);
    expect(second.body.nextCursor).toBeNull();
    const a = await list('?reference=list-a&limit=1');
    const next = await list(`?reference=list-a&limit=1&cursor=${a.body.nextCursor}`);
    expect(refs(next.body)).toEqual(['list-a2-0000']);
  });

  it('refuses bad parameters with 400 naming each', async () => {
    const res = await list('?state=SHIPPED&limit=0&since=yesterday&cursor=nope&colour=red');
    expect(res.status).toBe(400);
    const names = (res.body.extraDetails ?? []).map((d: { name: string }) => d.name).sort();
    expect(names).toEqual(['colour', 'cursor', 'limit', 'since', 'state']);
    expect((await list('?limit=101')).status).toBe(400);
  });
});

describe('GET /betal/payments outside dev mode', () => {
  it('needs the admin token', async () => {
    const prod = await startPlatform({
      config: { devMode: false, adminToken: 'list-admin-token-0123456789', host: '127.0.0.1' },
    });
    try {
      expect((await fetch(`${prod.url}/betal/payments`)).status).toBe(401);
      const ok = await fetch(`${prod.url}/betal/payments`, {
        headers: { authorization: 'Bearer list-admin-token-0123456789' },
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ payments: [], nextCursor: null });
    } finally {
      await prod.close();
    }
  });
});
