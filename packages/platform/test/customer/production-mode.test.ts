import { beforeAll, describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../src/config.js';
import { DEV_SALES_UNITS, DEV_TEST_USERS } from '../../src/dev/seed.js';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, ref, T0, usePlatform } from '../support/harness.js';
import { pushMessage, reasonOf } from './support.js';

const ADMIN = 'test-admin-token-0123456789';
const KARI = '4712345678';
const OLA = '4791234567';
const NEW_USER = '4790000099';

const started = usePlatform({
  frozenAt: T0,
  config: { devMode: false, adminToken: ADMIN } as Partial<PlatformConfig>,
});
let api: Api;

/** A raw call with optional headers (a session's bearer token, a cookie, the admin token). */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${started.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // an HTML page
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
const admin = { authorization: `Bearer ${ADMIN}` };

async function signIn(phoneNumber: string, pin: string) {
  return call('POST', '/app/api/sign-in', { phoneNumber, pin });
}

beforeAll(async () => {
  // A store seeded in dev mode once, now run production-like: the dev sales unit and the dev test users.
  await started.platform.directory.save(DEV_SALES_UNITS[0]!);
  for (const user of DEV_TEST_USERS) await started.platform.store.saveUser(user);
  api = new Api(started);
});

async function pushTo(phoneNumber: string) {
  const reference = ref('prod');
  const created = await api.create(pushMessage(reference, phoneNumber));
  expect(created.status).toBe(201);
  // The admin's view of the user's app gives the request's id.
  const lists = await call('GET', `/app/api/users/${phoneNumber}/requests`, undefined, admin);
  const id = (lists.body.requests as Array<{ reference: string; id: string }>).find(
    (r) => r.reference === reference,
  )!.id;
  return { reference, id: encodeURIComponent(id) };
}

describe('production-like mode closes the customer side (issue #10)', () => {
  it("refuses every anonymous action on a user's app with 401 and a CustomerError reason", async () => {
    const { reference, id } = await pushTo(KARI);
    const anonymous = [
      await call('GET', `/app/api/users/${KARI}/requests`),
      await call('GET', `/app/api/users/${KARI}/requests/${id}`),
      await call('POST', `/app/api/users/${KARI}/requests/${id}/approve`, {}),
      await call('POST', `/app/api/users/${KARI}/requests/${id}/reject`, {}),
      await call('POST', `/app/api/users/${KARI}/requests/${id}/pay-later`, {}),
      await call('POST', `/app/api/users/${KARI}/open`, { id }),
      await call('GET', `/app/api/users/${KARI}/events`),
    ];
    for (const res of anonymous) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(reasonOf(res.body)).toBe('SIGN_IN_REQUIRED');
    }
    expect((await api.get(reference)).body.state).toBe('CREATED');
    // A made-up session token is no session.
    const forged = await call('GET', `/app/api/users/${KARI}/requests`, undefined, {
      authorization: 'Bearer not-a-session',
    });
    expect(forged.status).toBe(401);
  });

  it('the app page asks for the PIN instead of showing the user (and their nin)', async () => {
    const page = await call('GET', `/app/u/${KARI}`);
    expect(page.status).toBe(401);
    expect(page.body).toContain('id="sign-in-form"');
    expect(page.body).not.toContain(DEV_TEST_USERS[0]!.nin);
    // The chooser at /app names the test users but lists no nin or customerToken, nor links to manage them.
    const chooser = await call('GET', '/app');
    expect(chooser.status).toBe(200);
    expect(chooser.body).toContain(KARI);
    for (const user of DEV_TEST_USERS) {
      expect(chooser.body).not.toContain(user.nin);
      expect(chooser.body).not.toContain(user.customerToken);
    }
    expect(chooser.body).not.toContain('/app/users/new');
  });

  it('a signed-in user sees and acts on their own requests only', async () => {
    const kari = await pushTo(KARI);
    const ola = await pushTo(OLA);
    expect((await signIn(KARI, '0000')).status).toBe(401);
    const session = await signIn(KARI, '1234');
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^betal_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    const bearer = { authorization: `Bearer ${session.body.token as string}` };
    const byCookie = { cookie: cookie.split(';')[0]! };

    const own = await call('GET', `/app/api/users/${KARI}/requests`, undefined, byCookie);
    expect(own.status).toBe(200);
    expect(own.body.requests.map((r: { reference: string }) => r.reference)).toContain(kari.reference);

    // Another user's app: 403, for reading and for acting.
    for (const res of [
      await call('GET', `/app/api/users/${OLA}/requests`, undefined, bearer),
      await call('POST', `/app/api/users/${OLA}/requests/${ola.id}/approve`, {}, bearer),
      await call('POST', `/app/api/users/${OLA}/requests/${ola.id}/reject`, {}, byCookie),
      await call('GET', `/app/api/users/${OLA}/events`, undefined, bearer),
    ]) {
      expect(res.status).toBe(403);
      expect(reasonOf(res.body)).toBe('NOT_YOUR_APP');
    }
    // Ola's payment is not in Kari's app either.
    const across = await call('POST', `/app/api/users/${KARI}/requests/${ola.id}/approve`, {}, bearer);
    expect(across.status).toBe(404);
    expect((await api.get(ola.reference)).body.state).toBe('CREATED');

    const approved = await call('POST', `/app/api/users/${KARI}/requests/${kari.id}/approve`, {}, bearer);
    expect(approved.status).toBe(200);
    expect((await api.get(kari.reference)).body.state).toBe('AUTHORIZED');

    const page = await call('GET', `/app/u/${KARI}`, undefined, byCookie);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('id="sign-in-form"');

    // Signed out, the session is gone.
    expect((await call('POST', '/app/api/sign-out', undefined, bearer)).status).toBe(204);
    expect((await call('GET', `/app/api/users/${KARI}/requests`, undefined, bearer)).status).toBe(401);
  });

  it('a session ends after 12 hours of platform time', async () => {
    const session = await signIn(OLA, '1234');
    const bearer = { authorization: `Bearer ${session.body.token as string}` };
    expect((await call('GET', `/app/api/users/${OLA}/requests`, undefined, bearer)).status).toBe(200);
    started.clock.advance(12 * 3600 * 1000);
    expect((await call('GET', `/app/api/users/${OLA}/requests`, undefined, bearer)).status).toBe(401);
  });

  it('a landing confirm sends the request but does not let the caller act in the app', async () => {
    const reference = ref('prod-web');
    const created = await api.create({
      amount: { currency: 'NOK', value: 10_000 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://shop.example/return',
    });
    const id = new URL(created.body.redirectUrl!).searchParams.get('token')!;
    const confirmed = await call('POST', `/app/api/landing/${id}/confirm`, { phoneNumber: KARI });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get('set-cookie')).toBeNull();
    const approve = await call('POST', `/app/api/users/${KARI}/requests/${id}/approve`, {});
    expect(approve.status).toBe(401);
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('five wrong PINs lock the number for 5 minutes of platform time (429 with Retry-After)', async () => {
    const who = '4796574209';
    for (let i = 0; i < 5; i++) expect((await signIn(who, '9999')).status).toBe(401);
    const locked = await signIn(who, '1234');
    expect(locked.status).toBe(429);
    expect(reasonOf(locked.body)).toBe('SIGN_IN_LOCKED');
    expect(locked.headers.get('retry-after')).toBe('300');
    started.clock.advance(5 * 60 * 1000);
    expect((await signIn(who, '1234')).status).toBe(200);
  });

  it('test users: nin and customerToken only for the admin; managing them needs the admin token; pin is kept', async () => {
    // Without the admin token the list is refused (the admin guard of /betal) or has no nin or customerToken.
    const listed = await call('GET', '/betal/users');
    expect([200, 401]).toContain(listed.status);
    const secrets = JSON.stringify(listed.body);
    for (const user of DEV_TEST_USERS) {
      expect(secrets).not.toContain(user.nin);
      expect(secrets).not.toContain(user.customerToken);
    }
    const one = await call('GET', `/betal/users/${KARI}`);
    expect([200, 401]).toContain(one.status);
    expect(JSON.stringify(one.body)).not.toContain(DEV_TEST_USERS[0]!.nin);
    const asAdmin = await call('GET', '/betal/users', undefined, admin);
    expect(asAdmin.body.users.find((u: { phoneNumber: string }) => u.phoneNumber === KARI).nin).toBe(
      DEV_TEST_USERS[0]!.nin,
    );

    const user = { phoneNumber: NEW_USER, name: 'Nora Berg', birthDate: '1990-05-05', pin: '246810' };
    const anonymous = await call('POST', '/betal/users', user);
    expect(anonymous.status).toBe(401);
    expect((await call('PATCH', `/betal/users/${KARI}`, { pin: '1111' })).status).toBe(401);
    expect((await call('DELETE', `/betal/users/${KARI}`)).status).toBe(401);
    expect((await call('POST', '/betal/users', { ...user, pin: '12' }, admin)).status).toBe(400);
    const created = await call('POST', '/betal/users', user, admin);
    expect(created.status).toBe(201);
    expect(created.body.pin).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain('246810');
    expect((await signIn(NEW_USER, '1234')).status).toBe(401);
    expect((await signIn(NEW_USER, '246810')).status).toBe(200);
    // A new PIN replaces the old one; a dev test user's known PIN then stops working.
    expect((await call('PATCH', `/betal/users/${OLA}`, { pin: '5555' }, admin)).status).toBe(200);
    expect((await signIn(OLA, '1234')).status).toBe(401);
    expect((await signIn(OLA, '5555')).status).toBe(200);
    // The forms to manage test users are for the admin too.
    expect((await call('GET', '/app/users/new')).status).toBe(403);
    expect((await call('GET', `/app/users/${KARI}/edit`)).status).toBe(403);
  });

  it('bad sign-in input is a 400 Problem, never a 5xx', async () => {
    for (const body of [
      {},
      { phoneNumber: KARI },
      { phoneNumber: 'x', pin: '1234' },
      { phoneNumber: KARI, pin: 'abcd' },
    ]) {
      const res = await call('POST', '/app/api/sign-in', body);
      expect(res.status).toBe(400);
    }
  });
});

describe('dev mode stays open', () => {
  it('acts without a session and lists nin, unless an admin token is configured', async () => {
    const open = await startPlatform({ frozenAt: T0 });
    try {
      const users = (await (await fetch(`${open.url}/betal/users`)).json()) as {
        users: Array<{ nin?: string }>;
      };
      expect(users.users.every((u) => typeof u.nin === 'string')).toBe(true);
      expect((await fetch(`${open.url}/app/api/users/${KARI}/requests`)).status).toBe(200);
    } finally {
      await open.close();
    }
    const withToken = await startPlatform({
      frozenAt: T0,
      config: { adminToken: ADMIN } as Partial<PlatformConfig>,
    });
    try {
      const anonymous = await (await fetch(`${withToken.url}/betal/users/${KARI}`)).json();
      expect(anonymous.nin).toBeUndefined();
      const byAdmin = await (
        await fetch(`${withToken.url}/betal/users/${KARI}`, { headers: { 'x-betal-admin-token': ADMIN } })
      ).json();
      expect(byAdmin.nin).toBe(DEV_TEST_USERS[0]!.nin);
      expect((await fetch(`${withToken.url}/app/api/users/${KARI}/requests`)).status).toBe(200);
    } finally {
      await withToken.close();
    }
  });
});
