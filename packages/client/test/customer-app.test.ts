import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../../platform/test/support/harness.js';
import {
  AppRequestListsSchema,
  AppRequestSchema,
  LandingViewSchema,
  SignInResponseSchema,
  type CreatePaymentRequest,
} from '@betal/contract';
import type { TSchema } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { CustomerApp, CustomerAppError, deriveIdempotencyKey, VippsClient } from '../src/index.js';

const credentials = {
  clientId: 'dev-client-id',
  clientSecret: 'dev-client-secret',
  subscriptionKey: 'dev-subscription-key',
  merchantSerialNumber: '123456',
};
const KARI = '4712345678';
const OLA = '4791234567';
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

/** The platform's answers are what the contract says: the schemas the platform's routes can adopt. */
const ajv = new Ajv({ strict: false, allErrors: true });
function expectShape(schema: TSchema, value: unknown) {
  const check = ajv.compile(schema);
  expect(check(value), JSON.stringify(check.errors)).toBe(true);
}

let seq = 0;
const reference = () => `app-${T0.toString(36)}-${++seq}`;

/** A payment of the dev merchant, its reference and its token (the app's id), when it has a redirectUrl. */
async function create(client: VippsClient, body: Omit<CreatePaymentRequest, 'reference'>) {
  const ref = reference();
  const created = await client.epayment.create(
    { ...body, reference: ref },
    deriveIdempotencyKey('create', ref),
  );
  const token = created.redirectUrl ? new URL(created.redirectUrl).searchParams.get('token') : null;
  return { reference: ref, token };
}

const web = {
  amount: { currency: 'NOK', value: 10_000 },
  paymentMethod: { type: 'WALLET' },
  userFlow: 'WEB_REDIRECT',
  returnUrl: 'https://example.com/back',
} as const;

describe('CustomerApp against a platform', () => {
  const started = usePlatform({ frozenAt: T0 });
  let client: VippsClient;
  let app: CustomerApp;
  beforeAll(() => {
    client = new VippsClient({ ...credentials, baseUrl: started.url, now: () => started.clock.now() });
    app = new CustomerApp(`${started.url}/`);
  });

  it('confirms a number on the landing page and approves in the app: AUTHORIZED', async () => {
    const { reference, token } = await create(client, web);
    expect((await app.landing(token!)).stage).toBe('LANDING');
    const confirmed = await app.confirmLanding(token!, KARI);
    expect(confirmed).toMatchObject({ id: token, reference, stage: 'IN_APP', holder: { phoneNumber: KARI } });
    expect(typeof confirmed.now).toBe('string');
    expectShape(LandingViewSchema, confirmed);
    const listed = await app.requests(KARI);
    expectShape(AppRequestListsSchema, listed);
    expect(listed.requests.map((r) => r.reference)).toContain(reference);
    const approved = await app.approve(KARI, token!);
    expect(approved).toMatchObject({ state: 'AUTHORIZED', stage: 'AUTHORIZED', authorizedBy: KARI });
    expectShape(AppRequestSchema, approved);
    expect((await client.epayment.get(reference)).state).toBe('AUTHORIZED');
    expect((await app.findByReference(KARI, reference))?.stage).toBe('AUTHORIZED');
  });

  it('finds a PUSH_MESSAGE request by reference, and rejects it: ABORTED', async () => {
    const { reference } = await create(client, {
      ...web,
      userFlow: 'PUSH_MESSAGE',
      customer: { phoneNumber: OLA },
    });
    const found = await app.findByReference(OLA, reference, credentials.merchantSerialNumber);
    expect(found).toMatchObject({ reference, stage: 'IN_APP' });
    expect(await app.findByReference(OLA, 'no-such-reference')).toBeUndefined();
    expect((await app.request(OLA, found!.id)).reference).toBe(reference);
    expect((await app.reject(OLA, found!.id)).state).toBe('ABORTED');
  });

  /** A PUSH_MESSAGE payment asking for the name, and its id in OLA's app. */
  async function pushAskingForName(): Promise<string> {
    const { reference } = await create(client, {
      ...web,
      userFlow: 'PUSH_MESSAGE',
      customer: { phoneNumber: OLA },
      profile: { scope: 'name' },
    });
    return (await app.findByReference(OLA, reference))!.id;
  }

  it('asks for consent: CONSENT_REQUIRED without it, refuse-consent ends the payment', async () => {
    const id = await pushAskingForName();
    expectShape(AppRequestSchema, await app.request(OLA, id));
    const refusal = await app.approve(OLA, id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CustomerAppError);
    expect(refusal).toMatchObject({ status: 409, reason: 'CONSENT_REQUIRED' });
    expect((await app.refuseConsent(OLA, id)).state).toBe('ABORTED');

    const again = await pushAskingForName();
    expect((await app.approve(OLA, again, { consent: true })).state).toBe('AUTHORIZED');
  });

  it('opens a payment in an app (QR scan), cancels on the landing page, and names 7010 and PAYMENT_ENDED', async () => {
    const opened = await create(client, web);
    expect((await app.open(KARI, opened.token!)).stage).toBe('IN_APP');

    const cancelled = await create(client, web);
    expect((await app.cancelLanding(cancelled.token!)).state).toBe('ABORTED');
    const ended = await app.confirmLanding(cancelled.token!, KARI).catch((e: unknown) => e);
    expect(ended).toMatchObject({ reason: 'PAYMENT_ENDED' });

    const unknown = await create(client, web);
    const cannotPay = await app.confirmLanding(unknown.token!, '4700000000').catch((e: unknown) => e);
    expect(cannotPay).toMatchObject({ code: 7010, reason: undefined });
  });

  it('pays later only a long-living payment (NOT_LONG_LIVING otherwise)', async () => {
    const { reference } = await create(client, {
      ...web,
      userFlow: 'PUSH_MESSAGE',
      customer: { phoneNumber: KARI },
    });
    const id = (await app.findByReference(KARI, reference))!.id;
    expect(await app.payLater(KARI, id).catch((e: unknown) => e)).toMatchObject({
      reason: 'NOT_LONG_LIVING',
    });
  });
});

describe('CustomerApp sign-in outside dev mode', () => {
  const started = usePlatform({ frozenAt: T0, config: { devMode: false, adminToken: 'a'.repeat(32) } });
  beforeAll(async () => {
    const { DEV_SALES_UNITS, DEV_TEST_USERS } = await import('../../platform/src/dev/seed.js');
    await started.platform.directory.save(DEV_SALES_UNITS[0]!);
    for (const user of DEV_TEST_USERS) await started.platform.store.saveUser(user);
  });

  it('needs a session for a user, acts with it after signIn, and not after signOut', async () => {
    const app = new CustomerApp(started.url);
    expect(await app.requests(KARI).catch((e: unknown) => e)).toMatchObject({
      status: 401,
      reason: 'SIGN_IN_REQUIRED',
    });
    expect(await app.signIn(KARI, '0000').catch((e: unknown) => e)).toMatchObject({
      reason: 'SIGN_IN_FAILED',
    });
    const session = await app.signIn(KARI, '1234');
    expect(session.phoneNumber).toBe(KARI);
    expectShape(SignInResponseSchema, session);
    expect((await app.requests(KARI)).requests).toEqual([]);
    expect(await app.requests(OLA).catch((e: unknown) => e)).toMatchObject({
      status: 403,
      reason: 'NOT_YOUR_APP',
    });
    expect((await new CustomerApp(started.url, { session: session.token }).requests(KARI)).history).toEqual(
      [],
    );
    await app.signOut();
    expect(await app.requests(KARI).catch((e: unknown) => e)).toMatchObject({ reason: 'SIGN_IN_REQUIRED' });
  });
});
