import { describe, expect, it } from 'vitest';
import {
  DEV,
  DEV2,
  errorCode,
  ref,
  usePlatformApi,
  T0,
  tokenOf,
  webRedirect,
  type ApiResponse,
} from '../support/harness.js';

/** Create for each userFlow (contract 3.2, 3.3), GET and the event log (3.4, 3.7), and unknown references (3.9). */

const api = usePlatformApi();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function zeroAggregate(currency: string) {
  const zero = { currency, value: 0 };
  return { authorizedAmount: zero, cancelledAmount: zero, capturedAmount: zero, refundedAmount: zero };
}

function expect404(res: ApiResponse): void {
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(errorCode(res.body)).toBe('5090');
}

describe('create for each userFlow (contract 3.3)', () => {
  it('WEB_REDIRECT: 201 with the landing page URL and its token', async () => {
    const reference = ref('web');
    const res = await api.create(webRedirect(reference));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['redirectUrl', 'reference']);
    expect(res.body.reference).toBe(reference);
    const url = new URL(res.body.redirectUrl!);
    expect(`${url.origin}${url.pathname}`).toBe(`${api.url}/landing`);
    expect(tokenOf(res.body.redirectUrl!).length).toBeGreaterThanOrEqual(16);
  });

  it('NATIVE_REDIRECT: 201 with the app link', async () => {
    const reference = ref('native');
    const res = await api.create({ ...webRedirect(reference), userFlow: 'NATIVE_REDIRECT' });
    expect(res.status).toBe(201);
    const url = new URL(res.body.redirectUrl!);
    expect(`${url.origin}${url.pathname}`).toBe(`${api.url}/app/open`);
    expect(tokenOf(res.body.redirectUrl!)).toBeTruthy();
  });

  it('QR: 201 with the QR image URL (SVG by default, PNG at its size, the landing URL for TEXT/TARGETURL)', async () => {
    const qr = (qrFormat?: unknown) => {
      const { returnUrl: _r, ...body } = webRedirect(ref('qr'));
      return api.create({
        ...body,
        userFlow: 'QR',
        customerInteraction: 'CUSTOMER_PRESENT',
        ...(qrFormat ? { qrFormat } : {}),
      });
    };
    const svg = await qr();
    expect(svg.status).toBe(201);
    expect(svg.body.redirectUrl).toMatch(new RegExp(`^${api.url}/qr/v1\\?token=[^&]+&format=svg$`));
    const png = await qr({ format: 'IMAGE/PNG', size: 400 });
    expect(png.body.redirectUrl).toMatch(/\/qr\/v1\?token=[^&]+&format=png&size=400$/);
    const text = await qr({ format: 'TEXT/TARGETURL' });
    expect(text.body.redirectUrl).toMatch(new RegExp(`^${api.url}/landing\\?token=`));
  });

  it('PUSH_MESSAGE: 201 with the reference only, no redirectUrl', async () => {
    const reference = ref('push');
    const { returnUrl: _r, ...body } = webRedirect(reference);
    const res = await api.create({
      ...body,
      userFlow: 'PUSH_MESSAGE',
      customer: { phoneNumber: '4791234567' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ reference });
    expect('redirectUrl' in (await api.get(reference)).body).toBe(false);
  });
});

describe('GET and the event log of a new payment (contract 3.4, 3.7)', () => {
  it('shows CREATED, all four aggregate amounts at 0, the redirectUrl, and one CREATED event', async () => {
    const reference = ref('get');
    const key = `create-key-${reference}`;
    const created = await api.create(webRedirect(reference, 49_900, { metadata: { orderId: 'A-1' } }), key);
    const got = await api.get(reference);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      aggregate: zeroAggregate('NOK'),
      amount: { currency: 'NOK', value: 49_900 },
      state: 'CREATED',
      paymentMethod: { type: 'WALLET' },
      profile: {},
      pspReference: expect.stringMatching(UUID),
      redirectUrl: created.body.redirectUrl,
      reference,
      metadata: { orderId: 'A-1' },
    });
    const events = await api.events(reference);
    expect(events.status).toBe(200);
    expect(events.body).toEqual([
      {
        reference,
        pspReference: got.body.pspReference,
        name: 'CREATED',
        amount: { currency: 'NOK', value: 49_900 },
        timestamp: new Date(T0).toISOString(),
        idempotencyKey: key,
        success: true,
      },
    ]);
  });

  it('ModificationResponse carries the payment amount, state, aggregate and the CREATED pspReference (3.5)', async () => {
    const reference = ref('mod');
    await api.create(webRedirect(reference, 10_000));
    await api.approve(reference);
    const pspReference = (await api.get(reference)).body.pspReference as string;
    const res = await api.modify('capture', reference, 2_500, `${reference}-c`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      amount: { currency: 'NOK', value: 10_000 },
      state: 'AUTHORIZED',
      aggregate: {
        ...zeroAggregate('NOK'),
        authorizedAmount: { currency: 'NOK', value: 10_000 },
        capturedAmount: { currency: 'NOK', value: 2_500 },
      },
      pspReference,
      reference,
    });
    const events = (await api.events(reference)).body;
    expect(events.map((e) => [e.name, e.amount.value, e.idempotencyKey])).toEqual([
      ['CREATED', 10_000, `create-${reference}`],
      ['AUTHORIZED', 10_000, null],
      ['CAPTURED', 2_500, `${reference}-c`],
    ]);
    expect(events[2]!.pspReference).toMatch(/^\d+$/);
  });
});

describe('unknown references and other merchants (contract 3.9: 404, 5090)', () => {
  const all = (reference: string, merchant: typeof DEV | typeof DEV2) => [
    api.get(reference, merchant),
    api.events(reference, merchant),
    api.modify('capture', reference, 100, ref('k'), merchant.msn === DEV.msn ? 'NOK' : 'DKK', merchant),
    api.modify('refund', reference, 100, ref('k'), merchant.msn === DEV.msn ? 'NOK' : 'DKK', merchant),
    api.cancel(reference, undefined, ref('k'), merchant),
    api.approve(reference, '4712345678', merchant),
  ];

  it('an unknown reference: 404 with 5090 on get, events, capture, refund, cancel and approve', async () => {
    for (const res of await Promise.all(all('never-created-1', DEV))) expect404(res);
  });

  it("MSN 654321 cannot see or change MSN 123456's payment", async () => {
    const reference = ref('mine');
    await api.create(webRedirect(reference));
    const before = (await api.events(reference)).body;
    for (const res of await Promise.all(all(reference, DEV2))) expect404(res);
    expect((await api.events(reference)).body).toEqual(before);
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('both MSNs can use the same reference, and each sees only its own payment', async () => {
    const reference = ref('shared');
    expect((await api.create(webRedirect(reference, 10_000))).status).toBe(201);
    const dk = await api.create(
      { ...webRedirect(reference, 2_500), amount: { currency: 'DKK', value: 2_500 } },
      undefined,
      DEV2,
    );
    expect(dk.status).toBe(201);
    expect(dk.body.redirectUrl).not.toBe(undefined);
    expect((await api.approve(reference, '4512345678', DEV2)).status).toBe(200);
    const no = await api.get(reference, DEV);
    const dkGot = await api.get(reference, DEV2);
    expect(no.body).toMatchObject({ state: 'CREATED', amount: { currency: 'NOK', value: 10_000 } });
    expect(dkGot.body).toMatchObject({ state: 'AUTHORIZED', amount: { currency: 'DKK', value: 2_500 } });
    expect(no.body.pspReference).not.toBe(dkGot.body.pspReference);
    expect((await api.events(reference, DEV)).body.map((e) => e.name)).toEqual(['CREATED']);
    expect((await api.events(reference, DEV2)).body.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
  });
});

describe('references are case-sensitive (contract 3.2)', () => {
  it('two references that differ only in case are two payments', async () => {
    const lower = ref('case').toLowerCase();
    const upper = lower.toUpperCase();
    expect((await api.create(webRedirect(lower, 10_000))).status).toBe(201);
    expect((await api.create(webRedirect(upper, 20_000))).status).toBe(201);
    expect((await api.get(lower)).body.amount.value).toBe(10_000);
    expect((await api.get(upper)).body.amount.value).toBe(20_000);
  });
});

describe('schema refusals are 400 naming the field, with no error code (contract 3.9)', () => {
  it('a bad reference, a decimal amount, a missing field', async () => {
    const bad = await api.create(webRedirect('short'));
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { extraDetails: Array<{ name: string }> }).extraDetails[0]!.name).toBe(
      'reference',
    );
    expect(errorCode(bad.body)).toBeUndefined();

    const reference = ref('decimal');
    const decimal = await api.call('POST', '/epayment/v1/payments', {
      raw: JSON.stringify(webRedirect(reference)).replace('"value":10000', '"value":100.5'),
      headers: await api.headers(DEV, { 'Idempotency-Key': ref('k') }),
    });
    expect(decimal.status).toBe(400);
    expect(errorCode(decimal.body)).toBe('4040');
    expect((await api.get(reference)).status).toBe(404);

    const { userFlow: _u, ...noFlow } = webRedirect(ref('noflow'));
    const missing = await api.create(noFlow);
    expect(missing.status).toBe(400);
    expect(
      (missing.body as unknown as { extraDetails: Array<{ name: string }> }).extraDetails.map((d) => d.name),
    ).toContain('userFlow');
  });
});

describe('the operation × state matrix over HTTP (contract 3.6)', () => {
  type Setup = (reference: string) => Promise<void>;
  const states: Record<string, Setup> = {
    CREATED: async () => {},
    'AUTHORIZED, nothing captured': async (r) => {
      await api.approve(r);
    },
    'AUTHORIZED, partly captured': async (r) => {
      await api.approve(r);
      await api.modify('capture', r, 4_000, `${r}-setup`);
    },
    'AUTHORIZED, fully captured': async (r) => {
      await api.approve(r);
      await api.modify('capture', r, 10_000, `${r}-setup`);
    },
    'AUTHORIZED, cancelled': async (r) => {
      await api.approve(r);
      await api.modify('capture', r, 4_000, `${r}-setup`);
      await api.cancel(r);
    },
    TERMINATED: async (r) => {
      await api.cancel(r);
    },
  };
  // [capture 1000, refund 1000, cancel, cancel with cancelTransactionOnly]: 'ok' or the error code.
  const matrix: Record<string, [string, string, string, string]> = {
    CREATED: ['6080', '6020', 'ok', 'ok'],
    'AUTHORIZED, nothing captured': ['ok', '6150', 'ok', '6060'],
    'AUTHORIZED, partly captured': ['ok', 'ok', 'ok', '6060'],
    'AUTHORIZED, fully captured': ['6170', 'ok', '6040', '6060'],
    'AUTHORIZED, cancelled': ['6070', 'ok', '6190', '6060'],
    TERMINATED: ['6200', '6210', '6190', '6190'],
  };
  const operations = [
    (r: string) => api.modify('capture', r, 1_000, `${r}-op`),
    (r: string) => api.modify('refund', r, 1_000, `${r}-op`),
    (r: string) => api.cancel(r),
    (r: string) => api.cancel(r, { cancelTransactionOnly: true }),
  ];

  for (const [state, expected] of Object.entries(matrix)) {
    it(`${state}: capture ${expected[0]}, refund ${expected[1]}, cancel ${expected[2]}, cancelTransactionOnly ${expected[3]}`, async () => {
      for (const [i, want] of expected.entries()) {
        const reference = ref('matrix');
        await api.create(webRedirect(reference, 10_000));
        await states[state]!(reference);
        const before = await api.get(reference);
        const log = (await api.events(reference)).body;
        const res = await operations[i]!(reference);
        if (want === 'ok') {
          expect(res.status, `${state} op ${i}`).toBe(200);
          expect((await api.events(reference)).body).toHaveLength(log.length + 1);
        } else {
          expect(res.status, `${state} op ${i}`).toBe(400);
          expect(errorCode(res.body), `${state} op ${i}`).toBe(want);
          expect((await api.get(reference)).body).toEqual(before.body);
          expect((await api.events(reference)).body).toEqual(log);
        }
      }
    });
  }

  it('a capture or refund in another currency is 4040', async () => {
    const reference = ref('cur');
    await api.create(webRedirect(reference, 10_000));
    await api.approve(reference);
    const capture = await api.modify('capture', reference, 1_000, `${reference}-c`, 'DKK');
    expect(errorCode(capture.body)).toBe('4040');
    const zero = await api.modify('capture', reference, 0, `${reference}-z`);
    expect(errorCode(zero.body)).toBe('4040');
  });
});
