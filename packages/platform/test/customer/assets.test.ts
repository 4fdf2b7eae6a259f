import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerAssets } from '../../src/customer/assets.js';

describe('the customer pages’ browser files at /customer-assets', () => {
  const app = Fastify();
  beforeAll(async () => {
    await app.register(customerAssets);
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves each script and the stylesheet with its type, an ETag and no-cache', async () => {
    for (const [file, type] of [
      ['customer.css', 'text/css; charset=utf-8'],
      ['common.js', 'text/javascript; charset=utf-8'],
      ['landing.js', 'text/javascript; charset=utf-8'],
      ['app.js', 'text/javascript; charset=utf-8'],
      ['users.js', 'text/javascript; charset=utf-8'],
      ['sign-in.js', 'text/javascript; charset=utf-8'],
    ]) {
      const res = await app.inject({ url: `/customer-assets/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.etag).toMatch(/^"[\w-]{27}"$/);
      expect(res.body.length).toBeGreaterThan(100);
    }
  });

  it('answers 304 to the ETag the browser has, and 200 to another', async () => {
    const first = await app.inject({ url: '/customer-assets/app.js' });
    const etag = first.headers.etag as string;
    const again = await app.inject({ url: '/customer-assets/app.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    const weak = await app.inject({
      url: '/customer-assets/app.js',
      headers: { 'if-none-match': `W/${etag}` },
    });
    expect(weak.statusCode).toBe(304);
    const other = await app.inject({
      url: '/customer-assets/app.js',
      headers: { 'if-none-match': '"other"' },
    });
    expect(other.statusCode).toBe(200);
  });

  it('has no other files', async () => {
    expect((await app.inject({ url: '/customer-assets/routes.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/customer-assets/..%2Froutes.js' })).statusCode).toBe(404);
  });
});
