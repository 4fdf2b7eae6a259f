/**
 * Conformance with the official SDK `@vippsmobilepay/sdk`: its requests to https://apitest.vipps.no are sent to
 * an in-process platform by `usePlatform`, so the SDK's own request building (headers, bodies, idempotency keys,
 * Content-Type on the token call) and response handling (`{ok, data}` / `{ok: false, error}`) are exercised as
 * they would be against the real test environment. Retries are off: the SDK retries 5xx after real 1 s and 3 s
 * delays, and every response is recorded to prove the platform never answers 5xx.
 */
import { Client } from '@vippsmobilepay/sdk';
import { usePlatform } from '../../../client/src/testing.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV, DEV2, T0, usePlatform as usePlatformForFile } from '../support/harness.js';

type SdkClient = ReturnType<typeof Client>;
type Result = { ok: true; data: any } | { ok: false; error: any };

const started = usePlatformForFile({ frozenAt: T0 });
let restore: () => void;
let savedFetch: typeof fetch;
const statuses: Array<{ url: string; status: number }> = [];
let client: SdkClient;
let token: string;
let counter = 0;

/** A fresh reference in the pattern ^[a-zA-Z0-9-]{8,64}$. */
function reference(): string {
  counter += 1;
  return `sdk-${counter.toString().padStart(4, '0')}-${T0.toString(36)}`;
}

/** The ErrorCode of a domain Problem, from extraDetails. */
function errorCode(error: {
  extraDetails?: Array<{ name: string; reason: string }> | null;
}): string | undefined {
  return error.extraDetails?.find((d) => d.name === 'ErrorCode')?.reason;
}

function expectOk(result: Result): any {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.data;
}

/** The error of a failed call, which must be the platform's own body (not an SDK Error about a 5xx). */
function expectProblem(result: Result, status: number): any {
  expect(result.ok).toBe(false);
  if (result.ok) return undefined;
  expect(result.error).not.toBeInstanceOf(Error);
  expect(result.error).toMatchObject({ status, type: `https://httpstatuses.io/${status}` });
  expect(typeof result.error.traceId).toBe('string');
  return result.error;
}

function sdkClient(msn: string, subscriptionKey: string): SdkClient {
  return Client({
    merchantSerialNumber: msn,
    subscriptionKey,
    useTestMode: true,
    retryRequests: false,
    systemName: 'betal-conformance',
    systemVersion: '1.0.0',
  });
}

async function createWebRedirect(value = 10_000): Promise<string> {
  const ref = reference();
  const created = expectOk(
    await client.payment.create(token, {
      amount: { currency: 'NOK', value },
      paymentMethod: { type: 'WALLET' },
      reference: ref,
      userFlow: 'WEB_REDIRECT',
      returnUrl: 'https://example.com/return',
      paymentDescription: 'SDK conformance',
    }),
  );
  expect(created.reference).toBe(ref);
  return ref;
}

async function authorized(value = 10_000): Promise<string> {
  const ref = await createWebRedirect(value);
  expectOk(await client.payment.forceApprove(token, ref, { customer: { phoneNumber: '4712345678' } }));
  return ref;
}

beforeAll(async () => {
  savedFetch = globalThis.fetch;
  // Record every response the platform gives (this sits under the redirect, so it sees platform URLs).
  globalThis.fetch = async (input, init) => {
    const response = await savedFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    statuses.push({ url, status: response.status });
    return response;
  };
  restore = usePlatform(started.url);
  client = sdkClient(DEV.msn, DEV.subscriptionKey);
  token = expectOk(await client.auth.getToken(DEV.clientId, DEV.clientSecret)).access_token;
});

afterAll(async () => {
  restore?.();
  if (savedFetch) globalThis.fetch = savedFetch;
});

describe('official SDK against the platform', () => {
  it('gets an access token with every field a string (contract 2)', async () => {
    const data = expectOk(await client.auth.getToken(DEV.clientId, DEV.clientSecret));
    expect(data).toMatchObject({ token_type: 'Bearer', expires_in: '3600', ext_expires_in: '3600' });
    expect(Number(data.expires_on) - Number(data.not_before)).toBe(3600);
    expect(Number(data.not_before)).toBe(T0 / 1000);
    expect(data.access_token.split('.')).toHaveLength(3);
  });

  it('creates, force approves, captures part, refunds part and cancels the rest', async () => {
    const ref = await createWebRedirect(10_000);

    const created = expectOk(await client.payment.info(token, ref));
    expect(created).toMatchObject({
      reference: ref,
      state: 'CREATED',
      amount: { currency: 'NOK', value: 10_000 },
    });
    expect(created.redirectUrl).toMatch(/token=/);

    // The force-approve token is the `token` query value of redirectUrl (contract 3.3).
    const landingToken = new URL(created.redirectUrl).searchParams.get('token') ?? '';
    expect(landingToken).not.toBe('');
    const approved = await client.payment.forceApprove(token, ref, {
      customer: { phoneNumber: '4712345678' },
      token: landingToken,
    });
    expect(approved.ok).toBe(true);

    const info = expectOk(await client.payment.info(token, ref));
    expect(info.state).toBe('AUTHORIZED');
    expect(info.aggregate).toEqual({
      authorizedAmount: { currency: 'NOK', value: 10_000 },
      cancelledAmount: { currency: 'NOK', value: 0 },
      capturedAmount: { currency: 'NOK', value: 0 },
      refundedAmount: { currency: 'NOK', value: 0 },
    });

    const captured = expectOk(
      await client.payment.capture(token, ref, { modificationAmount: { currency: 'NOK', value: 6_000 } }),
    );
    expect(captured).toMatchObject({
      reference: ref,
      state: 'AUTHORIZED',
      amount: { currency: 'NOK', value: 10_000 },
      aggregate: { capturedAmount: { value: 6_000 }, authorizedAmount: { value: 10_000 } },
    });
    expect(captured.pspReference).toBe(created.pspReference);

    const refunded = expectOk(
      await client.payment.refund(token, ref, { modificationAmount: { currency: 'NOK', value: 1_500 } }),
    );
    expect(refunded.aggregate).toMatchObject({
      capturedAmount: { value: 6_000 },
      refundedAmount: { value: 1_500 },
    });

    const cancelled = expectOk(await client.payment.cancel(token, ref));
    expect(cancelled).toMatchObject({
      state: 'AUTHORIZED',
      aggregate: { cancelledAmount: { value: 4_000 }, capturedAmount: { value: 6_000 } },
    });

    const history = expectOk(await client.payment.history(token, ref)) as Array<Record<string, any>>;
    expect(history.map((e) => [e.name, e.amount.value, e.success])).toEqual([
      ['CREATED', 10_000, true],
      ['AUTHORIZED', 10_000, true],
      ['CAPTURED', 6_000, true],
      ['REFUNDED', 1_500, true],
      ['CANCELLED', 4_000, true],
    ]);
    expect(history.every((e) => e.reference === ref)).toBe(true);
    expect(new Set(history.map((e) => e.pspReference)).size).toBe(5);
    // The SDK sends a fresh UUID Idempotency-Key per call; the events of capture and refund carry them.
    expect(history[2]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(history[3]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(history[2]?.idempotencyKey).not.toBe(history[3]?.idempotencyKey);
  });

  it('creates with a reference the SDK generates (a UUID) when none is given', async () => {
    const data = expectOk(
      await client.payment.create(token, {
        amount: { currency: 'NOK', value: 2_500 },
        paymentMethod: { type: 'WALLET' },
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/return',
      }),
    );
    expect(data.reference).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(expectOk(await client.payment.info(token, data.reference)).state).toBe('CREATED');
  });

  it('creates a PUSH_MESSAGE payment: no redirectUrl, approvable for its own customer', async () => {
    const ref = reference();
    const data = expectOk(
      await client.payment.create(token, {
        amount: { currency: 'NOK', value: 3_000 },
        paymentMethod: { type: 'WALLET' },
        reference: ref,
        userFlow: 'PUSH_MESSAGE',
        customer: { phoneNumber: '4791234567' },
        paymentDescription: 'Push',
      }),
    );
    expect(data).toEqual({ reference: ref });
    expectOk(await client.payment.forceApprove(token, ref, {}));
    expect(expectOk(await client.payment.info(token, ref)).state).toBe('AUTHORIZED');
  });

  it('cancels a CREATED payment: TERMINATED', async () => {
    const ref = await createWebRedirect(5_000);
    const data = expectOk(await client.payment.cancel(token, ref));
    expect(data).toMatchObject({ state: 'TERMINATED', aggregate: { cancelledAmount: { value: 5_000 } } });
  });
});

describe('official SDK: error paths give the platform error, never a 5xx', () => {
  it('capture too high: 400 with ErrorCode 6090, nothing captured', async () => {
    const ref = await authorized(10_000);
    const error = expectProblem(
      await client.payment.capture(token, ref, { modificationAmount: { currency: 'NOK', value: 10_001 } }),
      400,
    );
    expect(errorCode(error)).toBe('6090');
    expect(error.instance).toBe(`/v1/payments/${ref}/capture`);
    const info = expectOk(await client.payment.info(token, ref));
    expect(info.aggregate.capturedAmount.value).toBe(0);
  });

  it('capture before authorization: 6080', async () => {
    const ref = await createWebRedirect();
    const error = expectProblem(
      await client.payment.capture(token, ref, { modificationAmount: { currency: 'NOK', value: 100 } }),
      400,
    );
    expect(errorCode(error)).toBe('6080');
  });

  it('refund more than captured: 400 with ErrorCode 6150, nothing refunded', async () => {
    const ref = await authorized(10_000);
    expectOk(
      await client.payment.capture(token, ref, { modificationAmount: { currency: 'NOK', value: 3_000 } }),
    );
    const error = expectProblem(
      await client.payment.refund(token, ref, { modificationAmount: { currency: 'NOK', value: 3_001 } }),
      400,
    );
    expect(errorCode(error)).toBe('6150');
    const info = expectOk(await client.payment.info(token, ref));
    expect(info.aggregate).toMatchObject({ capturedAmount: { value: 3_000 }, refundedAmount: { value: 0 } });
  });

  it('unknown reference: 404 on info, history, capture, refund, cancel and force approve', async () => {
    const ref = 'no-such-payment-1234';
    const calls: Array<Promise<Result>> = [
      client.payment.info(token, ref),
      client.payment.history(token, ref),
      client.payment.capture(token, ref, { modificationAmount: { currency: 'NOK', value: 100 } }),
      client.payment.refund(token, ref, { modificationAmount: { currency: 'NOK', value: 100 } }),
      client.payment.cancel(token, ref),
      client.payment.forceApprove(token, ref, { customer: { phoneNumber: '4712345678' } }),
    ];
    for (const result of await Promise.all(calls)) expect(errorCode(expectProblem(result, 404))).toBe('5090');
  });

  it('a reference reused on create: 409 with 4150', async () => {
    const ref = await createWebRedirect();
    const error = expectProblem(
      await client.payment.create(token, {
        amount: { currency: 'NOK', value: 10_000 },
        paymentMethod: { type: 'WALLET' },
        reference: ref,
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/return',
      }),
      409,
    );
    expect(errorCode(error)).toBe('4150');
  });

  it('a schema failure names the field (contract 3.9)', async () => {
    const error = expectProblem(
      await client.payment.create(token, {
        amount: { currency: 'NOK', value: 10_000 },
        paymentMethod: { type: 'WALLET' },
        reference: 'bad ref!',
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/return',
      }),
      400,
    );
    expect(error.extraDetails.map((d: { name: string }) => d.name)).toContain('reference');
  });

  it('a currency the sales unit does not take: 5040', async () => {
    const error = expectProblem(
      await client.payment.create(token, {
        amount: { currency: 'DKK', value: 10_000 },
        paymentMethod: { type: 'WALLET' },
        reference: reference(),
        userFlow: 'WEB_REDIRECT',
        returnUrl: 'https://example.com/return',
      }),
      400,
    );
    expect(errorCode(error)).toBe('5040');
  });

  it('wrong client secret: 401 in the Azure AD shape', async () => {
    const result = await client.auth.getToken(DEV.clientId, 'not-the-secret');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect((result.error as any).error_description).toMatch(/^AADSTS7000215/);
  });

  it('unknown client id: 401 unauthorized_client', async () => {
    const result = await client.auth.getToken('no-such-client', DEV.clientSecret);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
  });

  it('another sales unit’s client with this subscription key: 401 from APIM', async () => {
    const result = await client.auth.getToken(DEV2.clientId, DEV2.clientSecret);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ status: 401, statusCode: 401 });
  });

  it('wrong subscription key: 401, on the token and on the API', async () => {
    const wrong = sdkClient(DEV.msn, 'not-a-subscription-key');
    const tokenResult = await wrong.auth.getToken(DEV.clientId, DEV.clientSecret);
    expect(tokenResult.ok).toBe(false);
    if (!tokenResult.ok) expect(tokenResult.error).toMatchObject({ statusCode: 401 });
    const apiResult = await wrong.payment.info(token, 'no-such-payment-1234');
    expect(expectProblem(apiResult, 401).detail).toMatch(/subscription key/);
  });

  it('a token that is not the platform’s: 401', async () => {
    const result = await client.payment.info('eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl', 'no-such-payment-1234');
    expectProblem(result, 401);
  });

  it('a Merchant-Serial-Number of another sales unit: 403 (the SDK turns it into its own Error)', async () => {
    const ref = await createWebRedirect();
    const other = sdkClient(DEV2.msn, DEV.subscriptionKey);
    const result = await other.payment.info(token, ref);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(Error);
      expect((result.error as Error).message).toMatch(/not authorized for this product/);
    }
    expect(statuses.filter((s) => s.url.endsWith(`/payments/${ref}`)).map((s) => s.status)).toContain(403);
  });

  it('an expired token: 401 once the platform clock passes 3600 s', async () => {
    const ref = await createWebRedirect();
    started.clock.advance(3_600_000);
    expectProblem(await client.payment.info(token, ref), 401);
    token = expectOk(await client.auth.getToken(DEV.clientId, DEV.clientSecret)).access_token;
    expect(expectOk(await client.payment.info(token, ref)).reference).toBe(ref);
  });

  it('no response in this file was a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(40);
    expect(statuses.every((s) => s.url.startsWith(started.url))).toBe(true);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
