import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, composePlatform, DEV_SALES_UNITS, DEV_TEST_USERS } from '../../src/internal-entry.js';
import { ref, T0, usePlatformApi, webRedirect } from '../support/harness.js';

const TOKEN = 'team-admin-token-0123456789';

const api = usePlatformApi({
  config: { devMode: false, adminToken: TOKEN, host: '127.0.0.1' },
  transport: 'socket',
});
beforeAll(async () => {
  // Outside dev mode nothing is seeded: the test brings its own sales unit and test user.
  await api.started.platform.directory.save(DEV_SALES_UNITS[0]!);
  await api.started.platform.store.saveUser(DEV_TEST_USERS[0]!);
});

const bearer = { authorization: `Bearer ${TOKEN}` };
const newUser = { phoneNumber: '4798765432', name: 'Ola Admin', birthDate: '1990-01-01' };

/** Every admin endpoint: method, path and body. */
const ADMIN_CALLS: Array<[string, string, unknown?]> = [
  ['GET', '/betal/dashboard'],
  ['GET', '/betal/dashboard/webhooks'],
  ['GET', '/betal/webhooks'],
  ['GET', '/betal/webhooks/00000000-0000-0000-0000-000000000000/deliveries'],
  ['GET', '/betal/deliveries/1'],
  ['POST', '/betal/deliveries/1/redeliver'],
  ['GET', '/betal/users'],
  ['GET', '/betal/users/4712345678'],
  ['POST', '/betal/users', newUser],
  ['PATCH', '/betal/users/4712345678', { name: 'Changed' }],
  ['DELETE', '/betal/users/4712345678'],
  // Spellings the router takes for the same routes.
  ['GET', '/betal/%64ashboard'],
  ['GET', '/betal/dashboard/'],
  ['GET', '/betal/./dashboard'],
  ['GET', '/betal/user%73/4712345678'],
];

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('outside dev mode the admin endpoints need the admin token', () => {
  it.each(ADMIN_CALLS)('%s %s without a token: 401 Problem, nothing changed', async (method, path, body) => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { cookie: 'betal_admin=wrong' },
    ];
    for (const headers of attempts) {
      const res = await call(method, path, body, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/admin token/);
    }
    const store = api.started.platform.store;
    expect(await store.findUser(newUser.phoneNumber)).toBeUndefined();
    expect((await store.findUser('4712345678'))?.name).toBe(DEV_TEST_USERS[0]!.name);
  });

  it('answers with the token as a Bearer header', async () => {
    const dashboard = await call('GET', '/betal/dashboard', undefined, bearer);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('MSN 123456');
    const users = await call('GET', '/betal/users', undefined, bearer);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { users: unknown[] }).users.length).toBe(1);
    expect((await call('GET', '/betal/webhooks', undefined, bearer)).status).toBe(200);
    expect((await call('GET', '/betal/deliveries/1', undefined, bearer)).status).toBe(404);
  });

  it('signs a browser in with ?admin_token= once, then an HttpOnly cookie', async () => {
    const wrong = await call('GET', '/betal/dashboard?admin_token=nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const first = await call('GET', `/betal/dashboard/webhooks?admin_token=${TOKEN}&x=1`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/betal/dashboard/webhooks?x=1');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^betal_admin=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/betal/);
    const jar = { cookie: cookie.split(';')[0]! };
    expect((await call('GET', '/betal/dashboard/webhooks?x=1', undefined, jar)).status).toBe(200);
    expect((await call('GET', '/betal/dashboard', undefined, jar)).status).toBe(200);
  });

  it('creates, changes and deletes a test user with the token', async () => {
    const phone = '4791112222';
    const made = await call('POST', '/betal/users', { ...newUser, phoneNumber: phone }, bearer);
    expect(made.status).toBe(201);
    expect((await call('PATCH', `/betal/users/${phone}`, { name: 'Renamed' }, bearer)).status).toBe(200);
    expect((await call('DELETE', `/betal/users/${phone}`, undefined, bearer)).status).toBe(204);
  });

  it('leaves health, readiness, the clock reading and /docs open', async () => {
    for (const path of ['/betal/health', '/betal/ready', '/betal/clock', '/docs/json']) {
      expect((await call('GET', path)).status, path).toBe(200);
    }
  });
});

describe('outside dev mode the test doors are shut', () => {
  it('refuses force approve as production does (10020) and leaves the payment CREATED', async () => {
    const reference = ref('prod');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    const res = await api.approve(reference);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      extraDetails: [{ name: 'ErrorCode', reason: '10020' }],
      title: 'Approve not allowed',
    });
    const payment = await api.call<{ state: string }>('GET', `/epayment/v1/payments/${reference}`);
    expect(payment.body.state).toBe('CREATED');
  });

  it('authenticates force approve first: a bad token is still 401', async () => {
    const res = await api.call('POST', '/epayment/v1/test/payments/whatever/approve', {
      headers: {
        authorization: 'Bearer nope',
        'ocp-apim-subscription-key': 'dev-subscription-key',
        'content-type': 'application/json',
      },
      body: {},
    });
    expect(res.status).toBe(401);
  });

  it('keeps the clock refused, with or without the admin token', async () => {
    for (const headers of [{}, bearer]) {
      const res = await call('POST', '/betal/clock/advance', { seconds: 60 }, headers);
      expect(res.status).toBe(403);
    }
    expect(api.started.clock.now()).toBe(T0);
  });
});

describe('the admin token when none is configured', () => {
  it('is generated at first start, kept in the store and the same after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betal-admin-'));
    try {
      const config = {
        ...configFromEnv({}),
        port: 0,
        database: join(dir, 'p.sqlite'),
        devMode: false,
        logLevel: 'silent',
      };
      const first = await composePlatform(config);
      const token = first.config.adminToken;
      expect(first.adminTokenGenerated).toBe(true);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      await first.close();
      const second = await composePlatform(config);
      expect(second.adminTokenGenerated).toBe(false);
      expect(second.config.adminToken).toBe(token);
      await second.close();
      const configured = await composePlatform({ ...config, adminToken: 'from-env' });
      expect(configured.config.adminToken).toBe('from-env');
      await configured.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
