import { beforeEach, describe, expect, it } from 'vitest';
import { usePlatform } from '../support/harness.js';

/** Issue #13 items 1 and 2: sandboxes over `/betal/merchants`, and reset (over HTTP and in-process). */

interface Sandbox {
  msn: string;
  name: string;
  market: string;
  currency: string;
  clientId: string;
  clientSecret: string;
  subscriptionKeys: string[];
  capabilities: Record<string, unknown>;
}

const started = usePlatform();

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${started.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** The Vipps headers of a sales unit, with a fresh access token. */
async function merchantHeaders(unit: Sandbox): Promise<Record<string, string>> {
  const res = await call('POST', '/accesstoken/get', undefined, {
    client_id: unit.clientId,
    client_secret: unit.clientSecret,
    'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
    'merchant-serial-number': unit.msn,
  });
  expect(res.status).toBe(200);
  const { access_token } = (await res.json()) as { access_token: string };
  return {
    authorization: `Bearer ${access_token}`,
    'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
    'merchant-serial-number': unit.msn,
  };
}

function createPayment(headers: Record<string, string>, reference: string, currency = 'NOK') {
  return call(
    'POST',
    '/epayment/v1/payments',
    {
      amount: { currency, value: 10_000 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://example.com/return',
    },
    { ...headers, 'idempotency-key': `key-${reference}` },
  );
}

async function newSandbox(body: unknown): Promise<Sandbox> {
  const res = await call('POST', '/betal/merchants', body);
  expect(res.status).toBe(201);
  return (await res.json()) as Sandbox;
}

describe('sandboxes: POST, GET and DELETE /betal/merchants', () => {
  it('creates a sales unit with fresh credentials, runs a payment with them, deletes it and refuses them after', async () => {
    const unit = await newSandbox({ name: 'Suite Shop', market: 'NO', capabilities: { pushMessage: true } });
    expect(unit).toMatchObject({ name: 'Suite Shop', market: 'NO', currency: 'NOK' });
    expect(unit.msn).toMatch(/^\d{6}$/);
    expect(unit.subscriptionKeys).toHaveLength(2);
    expect(unit.capabilities).toMatchObject({ pushMessage: true, longLiving: false, fullCaptureOnly: false });

    const listed = (await (await call('GET', '/betal/merchants')).json()) as { merchants: Sandbox[] };
    expect(listed.merchants.find((m) => m.msn === unit.msn)).toEqual(unit);

    const headers = await merchantHeaders(unit);
    expect((await createPayment(headers, 'sandbox-order-1')).status).toBe(201);
    expect((await call('GET', '/epayment/v1/payments/sandbox-order-1', undefined, headers)).status).toBe(200);

    expect((await call('DELETE', `/betal/merchants/${unit.msn}`)).status).toBe(204);
    // Its token, its subscription keys and its client credentials are refused now.
    const afterDelete = await call('GET', '/epayment/v1/payments/sandbox-order-1', undefined, headers);
    expect(afterDelete.status).toBeGreaterThanOrEqual(401);
    expect(afterDelete.status).toBeLessThan(404);
    const token = await call('POST', '/accesstoken/get', undefined, {
      client_id: unit.clientId,
      client_secret: unit.clientSecret,
      'ocp-apim-subscription-key': unit.subscriptionKeys[0] as string,
    });
    expect(token.status).toBeGreaterThanOrEqual(400);
    expect(await started.platform.store.findPayment(unit.msn, 'sandbox-order-1')).toBeUndefined();
    expect((await call('DELETE', `/betal/merchants/${unit.msn}`)).status).toBe(404);
  });

  it('maps the capabilities and takes the currency of the market', async () => {
    const unit = await newSandbox({
      name: 'Butik',
      market: 'DK',
      capabilities: { partialCapture: false, lateCapture: true, nin: true, longLiving: true },
    });
    expect(unit.currency).toBe('DKK');
    expect(unit.capabilities).toMatchObject({
      fullCaptureOnly: true,
      lateCapture: true,
      ninScope: true,
      longLiving: true,
      pushMessage: false,
    });
    await call('DELETE', `/betal/merchants/${unit.msn}`);
  });

  it.each([
    [{ market: 'NO' }, 'name'],
    [{ name: '', market: 'NO' }, 'name'],
    [{ name: 'x', market: 'US' }, 'market'],
    [{ name: 'x', market: 'NO', currency: 'USD' }, 'currency'],
    [{ name: 'x', market: 'SE' }, 'currency'],
    [{ name: 'x', market: 'NO', capabilities: { pushMessage: 'yes' } }, 'pushMessage'],
    [{ name: 'x', market: 'NO', capabilities: { fly: true } }, 'fly'],
  ])('refuses %j with 400 Problem naming %s', async (body, field) => {
    const res = await call('POST', '/betal/merchants', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.text()).toContain(field);
  });
});

describe('reset: POST /betal/reset and platform.reset()', () => {
  let unit: Sandbox;
  let headers: Record<string, string>;
  beforeEach(async () => {
    unit = await newSandbox({ name: 'Reset Shop', market: 'NO' });
    headers = await merchantHeaders(unit);
  });

  it("{msn} deletes that sales unit's data, keeps the unit and leaves the others alone", async () => {
    const dev = (await started.platform.directory.byMsn('123456'))!;
    const devHeaders = await merchantHeaders(dev as unknown as Sandbox);
    expect((await createPayment(headers, 'reset-order-1')).status).toBe(201);
    expect((await createPayment(devHeaders, 'dev-reset-order-1')).status).toBe(201);
    const res = await call('POST', '/betal/reset', { msn: unit.msn });
    expect(res.status).toBe(204);
    expect((await call('GET', '/epayment/v1/payments/reset-order-1', undefined, headers)).status).toBe(404);
    expect((await call('GET', '/epayment/v1/payments/dev-reset-order-1', undefined, devHeaders)).status).toBe(
      200,
    );
    // The unit and its token still work: the same reference can be used again.
    expect((await createPayment(headers, 'reset-order-1')).status).toBe(201);
    expect((await call('POST', '/betal/reset', { msn: '999999x' })).status).toBe(404);
  });

  it('everything: back to the dev seed, the sandbox gone', async () => {
    expect((await createPayment(headers, 'reset-order-2')).status).toBe(201);
    await started.reset();
    const { merchants } = (await (await call('GET', '/betal/merchants')).json()) as { merchants: Sandbox[] };
    expect(merchants.map((m) => m.msn).sort()).toEqual(['123456', '654321']);
    expect((await started.platform.store.listUsers()).length).toBeGreaterThan(0);
    expect(await started.platform.store.findPayment(unit.msn, 'reset-order-2')).toBeUndefined();
    expect((await call('POST', '/betal/reset')).status).toBe(204);
  });

  it('in-process reset({msn}) keeps the unit', async () => {
    expect((await createPayment(headers, 'reset-order-3')).status).toBe(201);
    await started.reset({ msn: unit.msn });
    expect(started.platform.directory.byMsn(unit.msn)).toBeDefined();
    expect(await started.platform.store.findPayment(unit.msn, 'reset-order-3')).toBeUndefined();
  });

  it('refuses an unknown field with 400', async () => {
    expect((await call('POST', '/betal/reset', { everything: true })).status).toBe(400);
  });
});

describe('outside dev mode', () => {
  const TOKEN = 'sandbox-admin-token-0123456789';
  const prod = usePlatform({ config: { devMode: false, adminToken: TOKEN } });

  it('/betal/merchants and /betal/reset need the admin token', async () => {
    const at = (path: string, method = 'GET', body?: unknown, auth?: string) =>
      fetch(`${prod.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(auth ? { authorization: `Bearer ${auth}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    expect((await at('/betal/merchants')).status).toBe(401);
    expect((await at('/betal/merchants', 'POST', { name: 'x', market: 'NO' })).status).toBe(401);
    expect((await at('/betal/merchants/123456', 'DELETE')).status).toBe(401);
    expect((await at('/betal/reset', 'POST')).status).toBe(401);
    const created = await at('/betal/merchants', 'POST', { name: 'x', market: 'NO' }, TOKEN);
    expect(created.status).toBe(201);
    const { msn } = (await created.json()) as Sandbox;
    const list = (await (await at('/betal/merchants', 'GET', undefined, TOKEN)).json()) as {
      merchants: Sandbox[];
    };
    expect(list.merchants.map((m) => m.msn)).toEqual([msn]);
    expect((await at('/betal/reset', 'POST', undefined, TOKEN)).status).toBe(204);
    // Outside dev mode a reset of everything leaves nothing (there is no seed).
    const after = (await (await at('/betal/merchants', 'GET', undefined, TOKEN)).json()) as {
      merchants: Sandbox[];
    };
    expect(after.merchants).toEqual([]);
  });
});
