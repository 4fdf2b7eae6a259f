import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { platformUrl, usePlatform, VIPPS_HOSTS } from '../src/testing.js';

const BASE = 'http://127.0.0.1:8080';

describe('platformUrl', () => {
  it('maps both Vipps MobilePay hosts onto the platform, keeping path and query', () => {
    expect(platformUrl('https://apitest.vipps.no/epayment/v1/payments', BASE)).toBe(
      `${BASE}/epayment/v1/payments`,
    );
    expect(platformUrl('https://api.vipps.no/epayment/v1/payments/ref-1234/events?x=1', BASE)).toBe(
      `${BASE}/epayment/v1/payments/ref-1234/events?x=1`,
    );
  });

  it('maps the bare host and a query on the root', () => {
    expect(platformUrl('https://apitest.vipps.no', BASE)).toBe(`${BASE}/`);
    expect(platformUrl('https://apitest.vipps.no?a=b', BASE)).toBe(`${BASE}/?a=b`);
  });

  it('compares origins: host case and the default port do not matter, fragments are dropped', () => {
    expect(platformUrl('https://APITEST.Vipps.no:443/accesstoken/get#x', BASE)).toBe(
      `${BASE}/accesstoken/get`,
    );
  });

  it('keeps a path prefix of the base URL and drops its trailing slash', () => {
    expect(platformUrl('https://apitest.vipps.no/accesstoken/get', 'http://localhost:9000/betal/')).toBe(
      'http://localhost:9000/betal/accesstoken/get',
    );
  });

  it('leaves other hosts, look-alike hosts, other schemes and other ports alone', () => {
    for (const url of [
      'https://example.com/epayment/v1/payments',
      'https://apitest.vipps.no.evil.example/epayment/v1/payments',
      'https://apitest.vipps.nox/epayment',
      'http://apitest.vipps.no/epayment/v1/payments',
      'https://apitest.vipps.no:8443/epayment/v1/payments',
      'not a url',
      '/epayment/v1/payments',
    ]) {
      expect(platformUrl(url, BASE), url).toBeUndefined();
    }
  });

  it('takes a custom host list', () => {
    const hosts = ['https://sandbox.example.org'];
    expect(platformUrl('https://sandbox.example.org/x', BASE, hosts)).toBe(`${BASE}/x`);
    expect(platformUrl('https://apitest.vipps.no/x', BASE, hosts)).toBeUndefined();
  });

  it('knows the test and production hosts', () => {
    expect([...VIPPS_HOSTS]).toEqual(['https://apitest.vipps.no', 'https://api.vipps.no']);
  });
});

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
  input: unknown;
}

describe('usePlatform', () => {
  let saved: typeof fetch;
  let seen: Seen[];
  let stub: typeof fetch;

  beforeEach(() => {
    saved = globalThis.fetch;
    seen = [];
    // A stand-in for the network: records what would have been sent, as a Request sees it.
    stub = async (input, init) => {
      const request = new Request(input, init);
      seen.push({
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: request.body === null ? null : await request.text(),
        input,
      });
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    };
    globalThis.fetch = stub;
  });

  afterEach(() => {
    globalThis.fetch = saved;
  });

  it('redirects a Request with a body, keeping method, headers and body', async () => {
    const restore = usePlatform(BASE);
    const body = JSON.stringify({ modificationAmount: { currency: 'NOK', value: 1000 } });
    const res = await fetch(
      new Request('https://apitest.vipps.no/epayment/v1/payments/ref-1234/capture', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-1' },
        body,
      }),
    );
    restore();
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      url: `${BASE}/epayment/v1/payments/ref-1234/capture`,
      method: 'POST',
      body,
    });
    expect(seen[0]?.headers.get('idempotency-key')).toBe('key-1');
    expect(seen[0]?.headers.get('content-type')).toBe('application/json');
  });

  it('redirects a Request without a body (GET)', async () => {
    const restore = usePlatform(BASE);
    await fetch(
      new Request('https://api.vipps.no/epayment/v1/payments/ref-1234', {
        headers: { Authorization: 'Bearer t' },
      }),
    );
    restore();
    expect(seen[0]).toMatchObject({
      url: `${BASE}/epayment/v1/payments/ref-1234`,
      method: 'GET',
      body: null,
    });
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer t');
  });

  it('redirects a POST Request with no body (as the SDK sends cancel)', async () => {
    const restore = usePlatform(BASE);
    await fetch(
      new Request('https://apitest.vipps.no/epayment/v1/payments/ref-1234/cancel', { method: 'POST' }),
    );
    restore();
    expect(seen[0]).toMatchObject({ url: `${BASE}/epayment/v1/payments/ref-1234/cancel`, method: 'POST' });
    expect(seen[0]?.body ?? '').toBe('');
  });

  it('redirects a string URL and a URL object, passing init on', async () => {
    const restore = usePlatform(BASE);
    await fetch('https://apitest.vipps.no/accesstoken/get', {
      method: 'POST',
      headers: { client_id: 'id' },
    });
    await fetch(new URL('https://apitest.vipps.no/epayment/v1/payments'), {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    restore();
    expect(seen.map((s) => [s.url, s.method, s.body])).toEqual([
      [`${BASE}/accesstoken/get`, 'POST', null],
      [`${BASE}/epayment/v1/payments`, 'POST', '{"a":1}'],
    ]);
    expect(seen[0]?.headers.get('client_id')).toBe('id');
  });

  it('lets init override the Request, as fetch does', async () => {
    const restore = usePlatform(BASE);
    await fetch(new Request('https://apitest.vipps.no/x', { method: 'POST', body: 'one' }), {
      method: 'PUT',
      body: 'two',
    });
    restore();
    expect(seen[0]).toMatchObject({ url: `${BASE}/x`, method: 'PUT', body: 'two' });
  });

  it('leaves requests to other hosts untouched, passing the very same input on', async () => {
    const restore = usePlatform(BASE);
    const request = new Request('https://example.com/api', { method: 'POST', body: 'x' });
    await fetch(request);
    await fetch('https://example.com/other');
    restore();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.input).toBe(request);
    expect(seen[0]).toMatchObject({ url: 'https://example.com/api', body: 'x' });
    expect(seen[1]?.url).toBe('https://example.com/other');
  });

  it('restores the original fetch', async () => {
    const restore = usePlatform(BASE);
    expect(globalThis.fetch).not.toBe(stub);
    restore();
    expect(globalThis.fetch).toBe(stub);
    await fetch('https://apitest.vipps.no/epayment/v1/payments');
    expect(seen[0]?.url).toBe('https://apitest.vipps.no/epayment/v1/payments');
  });

  it('restores cleanly in any order when installed twice', async () => {
    const restoreA = usePlatform('http://127.0.0.1:1111');
    const restoreB = usePlatform('http://127.0.0.1:2222');
    await fetch('https://apitest.vipps.no/one');
    restoreA(); // out of order: B stays installed, A becomes a pass-through
    await fetch('https://apitest.vipps.no/two');
    restoreB();
    await fetch('https://apitest.vipps.no/three');
    expect(seen.map((s) => s.url)).toEqual([
      'http://127.0.0.1:2222/one',
      'http://127.0.0.1:2222/two',
      'https://apitest.vipps.no/three',
    ]);
    expect(globalThis.fetch).toBe(stub);
  });

  it('honours a custom host list', async () => {
    const restore = usePlatform(BASE, { hosts: ['https://sandbox.example.org'] });
    await fetch('https://sandbox.example.org/a');
    await fetch('https://apitest.vipps.no/b');
    restore();
    expect(seen.map((s) => s.url)).toEqual([`${BASE}/a`, 'https://apitest.vipps.no/b']);
  });
});
