import { describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import { deriveIdempotencyKey, VippsApiError, VippsClient } from '../src/index.js';

const credentials = {
  clientId: 'dev-client-id',
  clientSecret: 'dev-client-secret',
  subscriptionKey: 'dev-subscription-key',
  merchantSerialNumber: '123456',
};
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

function counting(inner: typeof fetch) {
  const calls: string[] = [];
  const f: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return inner(input, init);
  };
  return { f, calls };
}

describe('VippsClient against a platform', () => {
  const started = usePlatform({ frozenAt: T0 });

  it('runs create, force approve, capture, refund, events and cancel, caching the token', async () => {
    const { f, calls } = counting(globalThis.fetch);
    const client = new VippsClient({
      ...credentials,
      baseUrl: started.url,
      fetch: f,
      now: () => started.clock.now(),
    });
    const reference = `client-${Date.now().toString(36)}`;
    const created = await client.epayment.create(
      {
        amount: { currency: 'NOK', value: 5_000 },
        paymentMethod: { type: 'WALLET' },
        reference,
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/back',
      },
      deriveIdempotencyKey('create', reference),
    );
    expect(created.reference).toBe(reference);
    await client.epayment.forceApprove(reference, { customer: { phoneNumber: '4712345678' } });
    const captured = await client.epayment.capture(
      reference,
      { currency: 'NOK', value: 3_000 },
      deriveIdempotencyKey('capture', reference, 1),
    );
    expect(captured.aggregate.capturedAmount.value).toBe(3_000);
    const refunded = await client.epayment.refund(
      reference,
      { currency: 'NOK', value: 1_000 },
      deriveIdempotencyKey('refund', reference, 1),
    );
    expect(refunded.aggregate.refundedAmount.value).toBe(1_000);
    const cancelled = await client.epayment.cancel(reference);
    expect(cancelled.aggregate.cancelledAmount.value).toBe(2_000);
    const events = await client.epayment.events(reference);
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'CANCELLED']);
    expect(calls.filter((c) => c.includes('/accesstoken/get'))).toHaveLength(1);
  });

  it('throws VippsApiError with the ErrorCode of the Problem', async () => {
    const client = new VippsClient({ ...credentials, baseUrl: started.url });
    const reference = `client-err-${Date.now().toString(36)}`;
    await client.epayment.create(
      {
        amount: { currency: 'NOK', value: 1_000 },
        paymentMethod: { type: 'WALLET' },
        reference,
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/x',
      },
      deriveIdempotencyKey('create', reference),
    );
    const error = await client.epayment
      .capture(reference, { currency: 'NOK', value: 1_000 }, `cap-${reference}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VippsApiError);
    expect((error as VippsApiError).status).toBe(400);
    expect((error as VippsApiError).code).toBe(6080);
  });

  it('fetches a new token when the cached one has less than a minute left', async () => {
    const { f, calls } = counting(globalThis.fetch);
    let now = started.clock.now();
    const client = new VippsClient({ ...credentials, baseUrl: started.url, fetch: f, now: () => now });
    await client.accessToken();
    now += 3_540_000 + 1;
    await client.accessToken();
    expect(calls.filter((c) => c.includes('/accesstoken/get'))).toHaveLength(2);
  });
});

describe('VippsClient retries', () => {
  const tokenBody = JSON.stringify({ access_token: 'tok', expires_on: String(Math.floor(T0 / 1000) + 3600) });

  function scripted(answers: Array<Response | Error>) {
    const seen: Array<{ url: string; key: string | null }> = [];
    const f: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith('/accesstoken/get')) return new Response(tokenBody, { status: 200 });
      seen.push({ url, key: new Headers(init?.headers).get('idempotency-key') });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    };
    return { f, seen };
  }

  it('honours Retry-After on 429 and keeps the Idempotency-Key', async () => {
    const { f, seen } = scripted([
      new Response('', { status: 429, headers: { 'retry-after': '2' } }),
      new Response('{"reference":"abcdefgh"}', { status: 201 }),
    ]);
    const waits: number[] = [];
    const client = new VippsClient({
      ...credentials,
      fetch: f,
      now: () => T0,
      sleep: async (ms) => void waits.push(ms),
    });
    const out = await client.epayment.create(
      {
        amount: { currency: 'NOK', value: 100 },
        paymentMethod: { type: 'WALLET' },
        reference: 'abcdefgh',
        userFlow: 'QR',
      },
      'key-1',
    );
    expect(out.reference).toBe('abcdefgh');
    expect(waits).toEqual([2000]);
    expect(seen.map((s) => s.key)).toEqual(['key-1', 'key-1']);
  });

  it('retries 423, 5xx and network failures with backoff, then gives up with the last answer', async () => {
    const { f, seen } = scripted([
      new Response('', { status: 423 }),
      new TypeError('socket hang up'),
      new Response('{"title":"Internal error"}', { status: 503 }),
      new Response('{"title":"Internal error"}', { status: 503 }),
    ]);
    const waits: number[] = [];
    const client = new VippsClient({
      ...credentials,
      fetch: f,
      now: () => T0,
      sleep: async (ms) => void waits.push(ms),
    });
    const error = await client.epayment.get('abcdefgh').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VippsApiError);
    expect((error as VippsApiError).status).toBe(503);
    expect(seen).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(waits[1]).toBeGreaterThan(waits[0]! / 2);
  });

  it('does not retry a 400', async () => {
    const { f, seen } = scripted([new Response('{"title":"Bad Request"}', { status: 400 })]);
    const client = new VippsClient({ ...credentials, fetch: f, now: () => T0, sleep: async () => undefined });
    await expect(client.epayment.get('abcdefgh')).rejects.toBeInstanceOf(VippsApiError);
    expect(seen).toHaveLength(1);
  });
});

describe('deriveIdempotencyKey', () => {
  it('is stable, at most 50 characters, and differs per operation and id', () => {
    const long = 'x'.repeat(80);
    expect(deriveIdempotencyKey('capture', 'A-17', 2)).toBe(deriveIdempotencyKey('capture', 'A-17', 2));
    expect(deriveIdempotencyKey('capture', 'A-17', 2)).not.toBe(deriveIdempotencyKey('refund', 'A-17', 2));
    expect(deriveIdempotencyKey('capture', long).length).toBeLessThanOrEqual(50);
    expect(deriveIdempotencyKey('capture', long, 1)).not.toBe(deriveIdempotencyKey('capture', long, 2));
  });
});
