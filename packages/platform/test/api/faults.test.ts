import { afterEach, describe, expect, it } from 'vitest';
import { PlatformClock } from '../../src/clock.js';
import { FaultService, operationOf, seededRandom } from '../../src/services/faults.js';
import { startPlatform } from '../../src/testing.js';
import { DEV, T0, ref, usePlatformApi, webRedirect } from '../support/harness.js';

/** Issue #13 item 3: fault rules on requests over `/betal/faults`. */

interface Rule {
  id: string;
  matched: number;
  firedCount: number;
  active: boolean;
  fired: Array<{ at: string; target: string; msn?: string; reference?: string }>;
}

const api = usePlatformApi({ transport: 'socket' });
afterEach(async () => {
  await fetch(`${api.url}/betal/faults`, { method: 'DELETE' });
});

const json = { 'content-type': 'application/json' };
async function addRule(body: unknown): Promise<Rule> {
  const res = await api.call<Rule>('POST', '/betal/faults', { headers: json, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const rule = async (id: string) => (await api.call<Rule>('GET', `/betal/faults/${id}`, { headers: {} })).body;

async function authorized(value = 10_000): Promise<string> {
  const reference = ref('fault');
  expect((await api.create(webRedirect(reference, value))).status).toBe(201);
  expect((await api.approve(reference)).status).toBe(200);
  return reference;
}

describe('request faults', () => {
  it('answers 423 with code 6160 in the ePayment Problem shape, the next N times only, counted and noted', async () => {
    const reference = await authorized();
    const added = await addRule({
      match: { operation: 'capture', reference },
      action: { type: 'status', code: 6160 },
      times: 1,
    });
    expect(added).toMatchObject({ matched: 0, firedCount: 0, active: true });
    const refused = await api.modify('capture', reference, 1_000, `c1-${reference}`);
    expect(refused.status).toBe(423);
    expect(refused.body).toMatchObject({
      title: 'Order processing',
      status: 423,
      extraDetails: [{ name: 'ErrorCode', reason: '6160' }],
    });
    expect(refused.headers.get('x-betal-fault')).toBe(added.id);
    // Nothing was captured, and the second try goes through.
    expect((await api.get(reference)).body.aggregate.capturedAmount.value).toBe(0);
    expect((await api.modify('capture', reference, 1_000, `c1-${reference}`)).status).toBe(200);
    const after = await rule(added.id);
    expect(after).toMatchObject({ matched: 1, firedCount: 1, active: false });
    expect(after.fired[0]).toMatchObject({
      target: `POST /epayment/v1/payments/${reference}/capture`,
      msn: DEV.msn,
      reference,
    });
  });

  it('answers 429 with Retry-After, and a 5xx', async () => {
    const reference = await authorized();
    await addRule({
      match: { method: 'GET', path: `/epayment/v1/payments/${reference}` },
      action: { type: 'status', status: 429, retryAfterSeconds: 7 },
      times: 1,
    });
    const limited = await api.get(reference);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    await addRule({
      match: { api: 'epayment', operation: 'events' },
      action: { type: 'status', status: 503 },
    });
    const down = await api.events(reference);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 503 });
    expect((await api.get(reference)).status).toBe(200);
  });

  it("answers in the error shape of the request's API (Order Management here)", async () => {
    await addRule({ match: { api: 'order-management' }, action: { type: 'status', status: 500 }, times: 1 });
    const res = await api.om('GET', '/v2/ECOM/categories/order-with-a-fault');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ invalidParams: [] });
    expect(typeof res.body.instance).toBe('string');
    expect(res.body.extraDetails).toBeUndefined();
  });

  it('delays a request by the given milliseconds and then handles it', async () => {
    const reference = await authorized();
    await addRule({ match: { operation: 'get', reference }, action: { type: 'delay', ms: 300 }, times: 1 });
    const started = performance.now();
    const res = await api.get(reference);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('resets the connection, and never answers until the client gives up, handling nothing', async () => {
    const reference = await authorized();
    const capture = async (key: string, signal?: AbortSignal) =>
      fetch(`${api.url}/epayment/v1/payments/${reference}/capture`, {
        method: 'POST',
        headers: await api.headers(DEV, { 'Idempotency-Key': key }),
        body: JSON.stringify({ modificationAmount: { currency: 'NOK', value: 1_000 } }),
        ...(signal ? { signal } : {}),
      });
    await addRule({ match: { operation: 'capture', reference }, action: { type: 'reset' }, times: 1 });
    await expect(capture(`reset-${reference}`)).rejects.toThrow();
    await addRule({ match: { operation: 'capture', reference }, action: { type: 'hang' }, times: 1 });
    await expect(capture(`hang-${reference}`, AbortSignal.timeout(300))).rejects.toThrow(/abort|timeout/i);
    // Neither capture was handled, and the platform goes on answering.
    const got = await api.get(reference);
    expect(got.status).toBe(200);
    expect(got.body.aggregate.capturedAmount.value).toBe(0);
  });

  it('loses the answer of a capture that was stored; a retry with the same key replays its success', async () => {
    const reference = await authorized();
    const key = `lost-${reference}`;
    const headers = await api.headers(DEV, { 'Idempotency-Key': key });
    const added = await addRule({
      match: { operation: 'capture', reference },
      action: { type: 'lose-answer' },
      times: 1,
    });
    await expect(
      fetch(`${api.url}/epayment/v1/payments/${reference}/capture`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ modificationAmount: { currency: 'NOK', value: 4_000 } }),
      }),
    ).rejects.toThrow();
    // The capture is stored although its answer was lost: the ambiguous capture.
    expect((await api.get(reference)).body.aggregate.capturedAmount.value).toBe(4_000);
    const retry = await api.modify('capture', reference, 4_000, key);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ aggregate: { capturedAmount: { value: 4_000 } } });
    expect((await api.get(reference)).body.aggregate.capturedAmount.value).toBe(4_000);
    expect((await rule(added.id)).firedCount).toBe(1);
  });

  it('fires with a probability from a seeded PRNG: the same seed gives the same run', async () => {
    const reference = await authorized();
    const run = async (): Promise<number[]> => {
      await addRule({
        match: { operation: 'get', reference },
        action: { type: 'status', status: 503 },
        probability: 0.5,
        seed: 42,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await api.get(reference)).status);
      await fetch(`${api.url}/betal/faults`, { method: 'DELETE' });
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
    // The pattern is the PRNG's: a draw below 0.5 fires.
    const random = seededRandom(42);
    expect(first).toEqual(first.map(() => (random() < 0.5 ? 503 : 200)));
  });

  it('expires on the platform clock', async () => {
    const reference = await authorized();
    const added = await addRule({
      match: { operation: 'get', reference },
      action: { type: 'status', status: 500 },
      expiresInSeconds: 60,
    });
    expect((await api.get(reference)).status).toBe(500);
    expect((await api.advance(61)).status).toBe(200);
    expect((await api.get(reference)).status).toBe(200);
    expect(await rule(added.id)).toMatchObject({ active: false, firedCount: 1 });
  });

  it('lists, removes one and clears all; refuses bad rules with 400 and unknown ids with 404', async () => {
    const a = await addRule({
      action: { type: 'status', status: 500 },
      match: { reference: 'nothing-like-it' },
    });
    await addRule({ on: 'webhook', action: { type: 'drop' }, match: { reference: 'nothing-like-it' } });
    const listed = await api.call<{ faults: Rule[] }>('GET', '/betal/faults', { headers: {} });
    expect(listed.body.faults).toHaveLength(2);
    expect((await api.call('DELETE', `/betal/faults/${a.id}`, { headers: {} })).status).toBe(204);
    expect((await api.call('DELETE', `/betal/faults/${a.id}`, { headers: {} })).status).toBe(404);
    expect((await api.call('DELETE', '/betal/faults', { headers: {} })).status).toBe(204);
    expect((await api.call<{ faults: Rule[] }>('GET', '/betal/faults', { headers: {} })).body.faults).toEqual(
      [],
    );
    for (const body of [
      { on: 'webhook', action: { type: 'status', status: 500 } },
      { action: { type: 'drop' } },
      { action: { type: 'status', code: 9999 } },
      { action: { type: 'status' } },
      { action: { type: 'explode' } },
      { action: { type: 'delay', ms: -1 } },
      { action: { type: 'status', status: 500 }, probability: 2 },
    ]) {
      const res = await api.call<{ status: number }>('POST', '/betal/faults', { headers: json, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.status).toBe(400);
    }
  });

  it('never touches the /betal endpoints', async () => {
    await addRule({ match: { path: '*' }, action: { type: 'status', status: 500 } });
    expect((await api.call('GET', '/betal/faults', { headers: {} })).status).toBe(200);
    expect((await api.call('GET', '/betal/clock', { headers: {} })).status).toBe(200);
  });
});

describe('operationOf', () => {
  it('names the operation of a route', () => {
    expect(operationOf('POST', '/epayment/v1/payments')).toBe('create');
    expect(operationOf('GET', '/epayment/v1/payments/:reference')).toBe('get');
    expect(operationOf('GET', '/epayment/v1/payments/:reference/events')).toBe('events');
    for (const op of ['capture', 'refund', 'cancel']) {
      expect(operationOf('POST', `/epayment/v1/payments/:reference/${op}`)).toBe(op);
    }
    expect(operationOf('POST', '/epayment/v1/test/payments/:reference/approve')).toBe('approve');
    expect(operationOf('POST', '/accesstoken/get')).toBe('token');
    expect(operationOf('GET', '/webhooks/v1/webhooks')).toBe('list');
    expect(operationOf('DELETE', '/webhooks/v1/webhooks/:id')).toBe('delete');
    expect(operationOf('PUT', '/order-management/v2/:paymentType/categories/:orderId')).toBe('update');
    expect(operationOf('GET', undefined)).toBeUndefined();
  });
});

describe('the fault log', () => {
  it('logs every fault that fired with its rule id, and notes it on the rule', () => {
    const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const faults = new FaultService({
      clock: new PlatformClock({ frozenAt: T0 }),
      log: { warn: (obj, msg) => void lines.push({ obj: obj as Record<string, unknown>, msg }) },
    });
    const rule = faults.add({ match: { operation: 'capture' }, action: { type: 'reset' }, times: 1 });
    const facts = {
      api: 'epayment',
      operation: 'capture',
      method: 'POST',
      path: '/epayment/v1/payments/o-1/capture',
      msn: DEV.msn,
      reference: 'o-1',
    };
    expect(faults.fireRequest({ ...facts, operation: 'refund' })).toBeUndefined();
    expect(faults.fireRequest(facts)).toEqual({ ruleId: rule.id, action: { type: 'reset' } });
    expect(faults.fireRequest(facts)).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.obj).toMatchObject({ faultRule: rule.id, action: 'reset', reference: 'o-1' });
    expect(lines[0]?.msg).toContain(rule.id);
    expect(faults.get(rule.id).fired).toEqual([
      {
        at: new Date(T0).toISOString(),
        target: 'POST /epayment/v1/payments/o-1/capture',
        msn: DEV.msn,
        reference: 'o-1',
      },
    ]);
  });
});

describe('faults outside dev mode', () => {
  it('need the admin token', async () => {
    const started = await startPlatform({ config: { devMode: false, adminToken: 'fault-admin' } });
    try {
      const body = JSON.stringify({ action: { type: 'status', status: 500 } });
      const refused = await fetch(`${started.url}/betal/faults`, { method: 'POST', headers: json, body });
      expect(refused.status).toBe(401);
      const allowed = await fetch(`${started.url}/betal/faults`, {
        method: 'POST',
        headers: { ...json, authorization: 'Bearer fault-admin' },
        body,
      });
      expect(allowed.status).toBe(201);
    } finally {
      await started.close();
    }
  });
});
