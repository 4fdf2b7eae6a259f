import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_BETAL_SECTIONS } from '../../src/internal/index.js';
import {
  configFromEnv,
  composePlatform,
  isAdminPath,
  PlatformClock,
  type ComposedPlatform,
} from '../../src/internal-entry.js';
import { T0 } from '../support/harness.js';

const TOKEN = 'guard-admin-token-0123456789';

interface Route {
  method: string;
  url: string;
}

/** A platform built in this process with `devMode`, and every route it registered (method by method). */
async function platformWithRoutes(
  devMode: boolean,
): Promise<{ platform: ComposedPlatform; routes: Route[] }> {
  const routes: Route[] = [];
  const collect = (route: RouteOptions): void => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  };
  const platform = await composePlatform(
    { ...configFromEnv({}), database: ':memory:', devMode, adminToken: TOKEN, logLevel: 'silent', port: 0 },
    { clock: new PlatformClock({ frozenAt: T0 }), onRoute: collect },
  );
  await platform.app.ready();
  return { platform, routes };
}

const section = (url: string): string => url.split('/')[2] ?? '';
/** A concrete path for a route pattern: each `:param` and `*` filled in. */
const concrete = (url: string): string => url.replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');

let prod: { platform: ComposedPlatform; routes: Route[] };
let betal: Route[];
let admin: Route[];
beforeAll(async () => {
  prod = await platformWithRoutes(false);
  betal = prod.routes.filter((r) => r.url.toLowerCase().startsWith('/betal/'));
  admin = betal.filter((r) => !OPEN_BETAL_SECTIONS.includes(section(r.url)));
});
afterAll(() => prod.platform.close());

describe('every /betal route but the open ones needs the admin token outside dev mode', () => {
  it('finds the routes as they are registered, the admin ones among them', () => {
    const urls = new Set(admin.map((r) => r.url));
    for (const url of [
      '/betal/dashboard',
      '/betal/users',
      '/betal/merchants',
      '/betal/reset',
      '/betal/crowd',
    ])
      expect(urls, url).toContain(url);
    expect(urls).toContain('/betal/deliveries/:id/redeliver');
    expect(urls).toContain('/betal/dashboard/dashboard.css');
    expect(admin.length).toBeGreaterThan(30);
    expect(betal.filter((r) => r.url === '/betal/health').length).toBeGreaterThan(0);
  });

  it('refuses each admin route without a token and with a wrong one: 401 Problem with WWW-Authenticate', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { cookie: 'betal_admin=wrong' },
    ];
    for (const route of admin) {
      for (const headers of attempts) {
        const res = await prod.platform.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: {
            ...headers,
            ...(route.method === 'GET' || route.method === 'HEAD'
              ? {}
              : { 'content-type': 'application/json' }),
          },
          ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: '{}' }),
        });
        const what = `${route.method} ${route.url} ${JSON.stringify(headers)}`;
        expect(res.statusCode, what).toBe(401);
        expect(res.headers['www-authenticate'], what).toBe('Bearer realm="betal-admin"');
        expect(res.headers['content-type'], what).toMatch(/application\/problem\+json/);
        if (route.method !== 'HEAD')
          expect(res.json<{ detail: string }>().detail, what).toMatch(/admin token/);
      }
    }
  });

  it('lets the admin token through to each admin GET route', async () => {
    for (const route of admin.filter((r) => r.method === 'GET')) {
      const res = await prod.platform.app.inject({
        method: 'GET',
        url: concrete(route.url),
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(res.statusCode, route.url).not.toBe(401);
      expect(res.statusCode, route.url).toBeLessThan(500);
    }
  });

  it('leaves the open routes open', async () => {
    const open = betal.filter((r) => OPEN_BETAL_SECTIONS.includes(section(r.url)));
    expect(new Set(open.map((r) => r.url))).toEqual(
      new Set([
        '/betal/health',
        '/betal/ready',
        '/betal/clock',
        '/betal/clock/advance',
        '/betal/images/:msn/*',
      ]),
    );
    for (const route of open) {
      const res = await prod.platform.app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        ...(route.method === 'POST' ? { payload: { seconds: 1 } } : {}),
      });
      expect(res.statusCode, `${route.method} ${route.url}`).not.toBe(401);
    }
  });

  it('isAdminPath says the same of every registered /betal route', () => {
    for (const route of betal) {
      expect(isAdminPath(route.url), route.url).toBe(!OPEN_BETAL_SECTIONS.includes(section(route.url)));
      expect(isAdminPath(concrete(route.url)), route.url).toBe(isAdminPath(route.url));
    }
    expect(isAdminPath('/betal/%64ashboard')).toBe(true);
    expect(isAdminPath('/epayment/v1/payments')).toBe(false);
    expect(isAdminPath('/docs')).toBe(false);
  });

  it('refuses a path under an admin section that matches no route, as before; an unknown section is 404', async () => {
    const unmatched = await prod.platform.app.inject({ method: 'GET', url: '/betal/dashboard/nothing/here' });
    expect(unmatched.statusCode).toBe(401);
    expect(unmatched.headers['www-authenticate']).toBe('Bearer realm="betal-admin"');
    const withToken = await prod.platform.app.inject({
      method: 'GET',
      url: '/betal/dashboard/nothing/here',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.statusCode).toBe(404);
    expect((await prod.platform.app.inject({ method: 'GET', url: '/betal/nothing' })).statusCode).toBe(404);
  });
});

describe('in dev mode the same routes are open', () => {
  it('answers each admin GET route without a token', async () => {
    const dev = await platformWithRoutes(true);
    try {
      const gets = dev.routes.filter(
        (r) =>
          r.method === 'GET' && r.url.startsWith('/betal/') && !OPEN_BETAL_SECTIONS.includes(section(r.url)),
      );
      expect(gets.length).toBeGreaterThan(10);
      for (const route of gets) {
        const res = await dev.platform.app.inject({ method: 'GET', url: concrete(route.url) });
        expect(res.statusCode, route.url).not.toBe(401);
      }
    } finally {
      await dev.platform.close();
    }
  });
});
