import { describe, expect, it } from 'vitest';
import { DEV, DEV2, usePlatformApi, T0 } from '../support/harness.js';

/** Access Token API (contract 2) and the APIM subscription-key check in front of it (contract 1). */

const api = usePlatformApi({ transport: 'socket' });

async function getToken(headers: Record<string, string>, init: RequestInit = {}) {
  const res = await fetch(`${api.url}/accesstoken/get`, { method: 'POST', headers, ...init });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

const credentials = (m: { clientId: string; clientSecret: string; subscriptionKey: string } = DEV) => ({
  client_id: m.clientId,
  client_secret: m.clientSecret,
  'Ocp-Apim-Subscription-Key': m.subscriptionKey,
});

function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectAzureError(body: Record<string, unknown>, error: string): void {
  expect(Object.keys(body).sort()).toEqual(
    ['correlation_id', 'error', 'error_codes', 'error_description', 'timestamp', 'trace_id'].sort(),
  );
  expect(body.error).toBe(error);
  expect(body.error_description).toMatch(/^AADSTS\d+: /);
  expect(Array.isArray(body.error_codes)).toBe(true);
  expect((body.error_codes as unknown[]).every((c) => Number.isInteger(c))).toBe(true);
  expect(String((body.error_codes as number[])[0])).toBe(
    /^AADSTS(\d+)/.exec(body.error_description as string)![1],
  );
  // "2017-05-19 09:21:28Z": the frozen platform clock, not the wall clock.
  expect(body.timestamp).toBe('2026-11-22 12:00:00Z');
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
}

function expectApimProblem(res: {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}): void {
  expect(res.status).toBe(401);
  expect(res.body.statusCode).toBe(401);
  expect(res.body.message).toMatch(/subscription key/);
  expect(res.body).toMatchObject({ type: 'https://httpstatuses.io/401', status: 401, title: 'Unauthorized' });
  expect(res.body.traceId).toEqual(expect.any(String));
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}

describe('POST /accesstoken/get (contract 2)', () => {
  it('issues a Bearer JWT whose every value is a string, valid 3600 s from the platform clock', async () => {
    const res = await getToken(credentials());
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json;charset=UTF-8');
    const body = res.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'access_token',
        'expires_in',
        'expires_on',
        'ext_expires_in',
        'not_before',
        'resource',
        'token_type',
      ].sort(),
    );
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe('3600');
    expect(body.ext_expires_in).toBe('3600');
    expect(body.not_before).toBe(String(Math.floor(T0 / 1000)));
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(3600);
    expect(body.resource).toBe('00000002-0000-0000-c000-000000000000');

    const parts = (body.access_token as string).split('.');
    expect(parts).toHaveLength(3);
    expect(decodePart(parts[0]!)).toMatchObject({ typ: 'JWT' });
    const claims = decodePart(parts[1]!);
    expect(claims.exp).toBe(Number(body.expires_on));
    expect(claims.nbf).toBe(Number(body.not_before));
  });

  it('ignores a body, whatever its content type', async () => {
    const res = await getToken(
      { ...credentials(), 'Content-Type': 'text/plain' },
      { body: 'grant_type=whatever' },
    );
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  it('issues distinct tokens that are valid at the same time', async () => {
    const a = (await getToken(credentials())).body.access_token as string;
    const b = (await getToken(credentials())).body.access_token as string;
    expect(a).not.toBe(b);
    for (const token of [a, b]) {
      const res = await api.call('GET', '/epayment/v1/payments/does-not-exist-1', {
        headers: {
          Authorization: `Bearer ${token}`,
          'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
          'Merchant-Serial-Number': DEV.msn,
        },
      });
      expect(res.status).toBe(404);
    }
  });

  it('accepts the secondary subscription key, and its token works on the API', async () => {
    const secondary = { ...DEV, subscriptionKey: 'dev-subscription-key-secondary' };
    const res = await getToken(credentials(secondary));
    expect(res.status).toBe(200);
    const call = await api.call('GET', '/epayment/v1/payments/does-not-exist-2', {
      headers: {
        Authorization: `Bearer ${res.body.access_token as string}`,
        'Ocp-Apim-Subscription-Key': secondary.subscriptionKey,
        'Merchant-Serial-Number': DEV.msn,
      },
    });
    expect(call.status).toBe(404);
  });

  it('wrong client_id: 401 in the Azure AD shape (unauthorized_client)', async () => {
    const res = await getToken({ ...credentials(), client_id: 'no-such-client' });
    expect(res.status).toBe(401);
    expectAzureError(res.body, 'unauthorized_client');
    expect(res.body.error_description).toContain('no-such-client');
  });

  it('wrong client_secret: 401 in the Azure AD shape (invalid_client)', async () => {
    const res = await getToken({ ...credentials(), client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expectAzureError(res.body, 'invalid_client');
  });

  it.each(['client_id', 'client_secret'])(
    'missing %s: 400 in the Azure AD shape (invalid_request)',
    async (name) => {
      const headers: Record<string, string> = credentials();
      delete headers[name];
      const res = await getToken(headers);
      expect(res.status).toBe(400);
      expectAzureError(res.body, 'invalid_request');
    },
  );

  it('missing subscription key: APIM 401 with statusCode and message, and the Problem fields', async () => {
    const headers: Record<string, string> = credentials();
    delete headers['Ocp-Apim-Subscription-Key'];
    const res = await getToken(headers);
    expectApimProblem(res);
    expect(res.body.message).toMatch(/missing subscription key/);
  });

  it('wrong subscription key: APIM 401', async () => {
    const res = await getToken({ ...credentials(), 'Ocp-Apim-Subscription-Key': 'not-a-key' });
    expectApimProblem(res);
    expect(res.body.message).toMatch(/invalid subscription key/);
  });

  it("refuses the subscription key of another sales unit with the client's credentials", async () => {
    const res = await getToken({ ...credentials(DEV), 'Ocp-Apim-Subscription-Key': DEV2.subscriptionKey });
    expectApimProblem(res);
    const other = await getToken({ ...credentials(DEV2), 'Ocp-Apim-Subscription-Key': DEV.subscriptionKey });
    expectApimProblem(other);
  });
});
