import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { Api, DEV2, ref, T0, usePlatformApi, webRedirect } from '../support/harness.js';
import { Customer, idOf, pushMessage, reasonOf, receipt } from './support.js';

// jsqr is CommonJS; under NodeNext its callable default export is typed as the module namespace.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const KARI = '4712345678';
const OLA = '4791234567';
const EMIL_13 = '4790000013';
const MINUTE = 60;

const api = usePlatformApi({ transport: 'socket' });
let customer: Customer;
beforeAll(async () => {
  customer = new Customer(api.url);
  // A 16-year-old who may pay businesses, for minimumUserAge (T0 is 2026-11-22).
  const created = await customer.createUser({
    phoneNumber: '4790000016',
    name: 'Sara Lie',
    birthDate: '2010-01-01',
  });
  expect(created.status).toBe(201);
});

async function state(reference: string, merchant = api): Promise<string> {
  return (await merchant.get(reference)).body.state as string;
}

describe('PUSH_MESSAGE: the request goes straight to the app (contract 3.1, 3.6)', () => {
  it("lists the request in its user's app only, and approving makes the payment AUTHORIZED", async () => {
    const reference = ref('push');
    expect((await api.create(pushMessage(reference, OLA, 25_000, { receipt: receipt(25_000) }))).status).toBe(
      201,
    );

    const request = await customer.find(OLA, reference);
    expect(request).toMatchObject({
      stage: 'IN_APP',
      state: 'CREATED',
      amount: { currency: 'NOK', value: 25_000 },
      description: 'Invoice 4242',
      merchant: { msn: '123456', name: 'Betal Dev Shop', brand: 'VIPPS' },
      holder: { phoneNumber: OLA, via: 'push' },
      secondsLeft: 10 * MINUTE,
    });
    expect(request!.receipt!.orderLines.map((l) => l.name)).toEqual([
      'Accident insurance',
      'Travel insurance',
    ]);
    expect(await customer.find(KARI, reference)).toBeUndefined();
    const elsewhere = await customer.approve(KARI, request!.id);
    expect(elsewhere.status).toBe(404);
    expect(reasonOf(elsewhere.body)).toBe('NOT_IN_THIS_APP');

    const approved = await customer.approve(OLA, request!.id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'AUTHORIZED', stage: 'AUTHORIZED', authorizedBy: OLA });
    expect(await state(reference)).toBe('AUTHORIZED');

    const lists = (await customer.lists(OLA)).body;
    expect(lists.requests.map((r) => r.reference)).not.toContain(reference);
    expect(lists.history.find((r) => r.reference === reference)?.state).toBe('AUTHORIZED');
    const again = await customer.approve(OLA, request!.id);
    expect(again.status).toBe(409);
    expect(reasonOf(again.body)).toBe('PAYMENT_ENDED');
  });

  it('reject makes the payment ABORTED', async () => {
    const reference = ref('push-reject');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    const rejected = await customer.act(OLA, request!.id, 'reject');
    expect(rejected.body).toMatchObject({ state: 'ABORTED', endedBy: 'REJECTED' });
    expect(await state(reference)).toBe('ABORTED');
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED', 'ABORTED']);
  });

  it('a test amount fails at approval with 10010 and the payment stays CREATED (contract 3.10)', async () => {
    const reference = ref('push-151');
    await api.create(pushMessage(reference, OLA, 151));
    const request = await customer.find(OLA, reference);
    const failed = await customer.approve(OLA, request!.id);
    expect(failed.status).toBe(400);
    expect(reasonOf(failed.body)).toBe('10010');
    expect(await state(reference)).toBe('CREATED');
  });
});

describe('the landing step (contract 3.15, 3.14)', () => {
  it("puts the request in the confirmed user's app, with 5 minutes there", async () => {
    const reference = ref('web');
    const created = await api.create(webRedirect(reference, 10_000, { customer: { phoneNumber: KARI } }));
    const id = idOf(created.body.redirectUrl);

    const landing = await customer.landing(id);
    expect(landing.body).toMatchObject({
      stage: 'LANDING',
      prefillPhoneNumber: KARI,
      secondsLeft: 5 * MINUTE,
    });
    expect(await customer.find(KARI, reference)).toBeUndefined();

    await api.advance(2 * MINUTE);
    const confirmed = await customer.confirm(id, OLA);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ stage: 'IN_APP', holder: { phoneNumber: OLA, via: 'landing' } });
    expect(confirmed.body.secondsLeft).toBe(5 * MINUTE);
    expect((await customer.find(OLA, reference))?.stage).toBe('IN_APP');
    expect(await customer.find(KARI, reference)).toBeUndefined();

    expect((await customer.approve(OLA, id)).body.state).toBe('AUTHORIZED');
    expect(await state(reference)).toBe('AUTHORIZED');
  });

  it.each([
    ['an unknown number', '4799999999', {}],
    ['a user under 15 who cannot pay businesses', EMIL_13, {}],
    ['a user under minimumUserAge', '4790000016', { minimumUserAge: 18 }],
  ])('refuses %s with the one generic 7010 and sends nothing', async (_what, phone, extra) => {
    const reference = ref('web-refused');
    const created = await api.create(webRedirect(reference, 10_000, extra));
    const id = idOf(created.body.redirectUrl);
    const refused = await customer.confirm(id, phone);
    expect(refused.status).toBe(400);
    expect(reasonOf(refused.body)).toBe('7010');
    expect(refused.body.detail).not.toMatch(/age \d|13|unknown user/);
    expect((await customer.landing(id)).body.stage).toBe('LANDING');
    expect(await state(reference)).toBe('CREATED');
  });

  it('refuses a number whose user has no app, and a malformed number names the field', async () => {
    expect(
      (
        await customer.createUser({
          phoneNumber: '4790000017',
          name: 'No App',
          birthDate: '1990-01-01',
          appInstalled: false,
        })
      ).status,
    ).toBe(201);
    const created = await api.create(webRedirect(ref('web-noapp')));
    const id = idOf(created.body.redirectUrl);
    expect(reasonOf((await customer.confirm(id, '4790000017')).body)).toBe('7010');
    const malformed = await customer.confirm(id, '12ab');
    expect(malformed.status).toBe(400);
    expect(
      (malformed.body as unknown as { extraDetails: Array<{ name: string }> }).extraDetails[0].name,
    ).toBe('phoneNumber');
  });

  it('cancel on the landing page makes the payment ABORTED', async () => {
    const reference = ref('web-cancel');
    const id = idOf((await api.create(webRedirect(reference))).body.redirectUrl);
    expect((await customer.cancelOnLanding(id)).body.state).toBe('ABORTED');
    expect(await state(reference)).toBe('ABORTED');
  });

  it('a PUSH_MESSAGE payment has no landing step, and an unknown token is 404', async () => {
    const reference = ref('push-nolanding');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    const confirm = await customer.confirm(request!.id, OLA);
    expect(confirm.status).toBe(409);
    expect(reasonOf(confirm.body)).toBe('NO_LANDING_STEP');
    expect((await customer.landing('no-such-token')).status).toBe(404);
  });
});

describe('expiry: 5 minutes on the landing page, then 5 in the app (contract 3.11)', () => {
  it('expires an unconfirmed landing step after 5 minutes', async () => {
    const started = await startPlatform({ frozenAt: T0 });
    const local = new Api(started);
    try {
      const reference = ref('exp-landing');
      await local.create(webRedirect(reference));
      await local.advance(5 * MINUTE - 1);
      expect(await state(reference, local)).toBe('CREATED');
      const swept = await local.advance(1);
      expect(swept.body.expired).toBe(1);
      expect(await state(reference, local)).toBe('EXPIRED');
    } finally {
      await local.close();
    }
  });

  it('gives 5 minutes in the app from the confirmation, and the app shows the time left', async () => {
    const reference = ref('exp-app');
    const id = idOf((await api.create(webRedirect(reference))).body.redirectUrl);
    await api.advance(4 * MINUTE);
    await customer.confirm(id, KARI);
    await api.advance(4 * MINUTE);
    const request = await customer.request(KARI, id);
    expect(request.body).toMatchObject({ state: 'CREATED', secondsLeft: MINUTE });
    await api.advance(MINUTE);
    expect(await state(reference)).toBe('EXPIRED');
    const late = await customer.approve(KARI, id);
    expect(late.status).toBe(409);
    expect(reasonOf(late.body)).toBe('PAYMENT_ENDED');
    expect((await customer.find(KARI, reference))?.state).toBe('EXPIRED');
  });

  it('refuses a confirmation after the landing step has run out', async () => {
    const reference = ref('exp-late');
    const id = idOf((await api.create(webRedirect(reference))).body.redirectUrl);
    await api.advance(5 * MINUTE);
    const late = await customer.confirm(id, KARI);
    expect(late.status).toBe(409);
    expect(reasonOf(late.body)).toBe('PAYMENT_ENDED');
    expect(await state(reference)).toBe('EXPIRED');
  });

  it('keeps 10 minutes in the app for PUSH_MESSAGE', async () => {
    const reference = ref('exp-push');
    await api.create(pushMessage(reference, OLA));
    await api.advance(10 * MINUTE - 1);
    expect(await state(reference)).toBe('CREATED');
    await api.advance(1);
    expect(await state(reference)).toBe('EXPIRED');
  });
});

describe('consent to share profile data (contract 3.13)', () => {
  it('needs consent before approval, remembers it per user and merchant, and sets sub', async () => {
    await customer.createUser({ phoneNumber: '4790000021', name: 'Per Consent', birthDate: '1980-02-02' });
    const phone = '4790000021';
    const first = ref('consent-1');
    await api.create(pushMessage(first, phone, 10_000, { profile: { scope: 'phoneNumber name' } }));
    const request = await customer.find(phone, first);
    expect(request?.consent).toEqual({
      requested: ['phoneNumber', 'name'],
      missing: ['phoneNumber', 'name'],
    });

    const without = await customer.approve(phone, request!.id);
    expect(without.status).toBe(409);
    expect(reasonOf(without.body)).toBe('CONSENT_REQUIRED');
    expect(await state(first)).toBe('CREATED');

    const approved = await customer.approve(phone, request!.id, { consent: true });
    expect(approved.body.state).toBe('AUTHORIZED');
    const sub = (await api.get(first)).body.profile.sub as string;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);

    const second = ref('consent-2');
    await api.create(pushMessage(second, phone, 10_000, { profile: { scope: 'phoneNumber' } }));
    const next = await customer.find(phone, second);
    expect(next?.consent).toEqual({ requested: ['phoneNumber'], missing: [] });
    expect((await customer.approve(phone, next!.id)).body.state).toBe('AUTHORIZED');
    expect((await api.get(second)).body.profile.sub).toBe(sub);
  });

  it('refusing consent fails the payment: ABORTED', async () => {
    const reference = ref('consent-refused');
    await api.create(pushMessage(reference, OLA, 10_000, { profile: { scope: 'email' } }));
    const request = await customer.find(OLA, reference);
    const refused = await customer.act(OLA, request!.id, 'refuse-consent');
    expect(refused.body).toMatchObject({ state: 'ABORTED', endedBy: 'CONSENT_REFUSED' });
    expect(await state(reference)).toBe('ABORTED');
    expect((await api.get(reference)).body.profile).toEqual({});
  });

  it('there is no consent to refuse when no scope was asked for', async () => {
    const reference = ref('consent-none');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    expect(request?.consent).toBeNull();
    expect(reasonOf((await customer.act(OLA, request!.id, 'refuse-consent')).body)).toBe(
      'NO_SCOPES_TO_CONSENT',
    );
  });
});

describe("I'll pay later (contract 3.12)", () => {
  it('keeps a long-living payment CREATED under Activities until expiresAt, then EXPIRED', async () => {
    const reference = ref('later');
    const expiresAt = new Date(api.started.clock.now() + 3 * 24 * 3600_000).toISOString();
    const due = await api.create(
      pushMessage(reference, OLA, 20_000, { expiresAt, receipt: receipt(20_000) }),
    );
    expect(due.status).toBe(201);
    const request = await customer.find(OLA, reference);
    expect(request).toMatchObject({ longLiving: true, stage: 'IN_APP', expiresAt });

    const later = await customer.act(OLA, request!.id, 'pay-later');
    expect(later.body).toMatchObject({ state: 'CREATED', stage: 'POSTPONED' });
    const lists = (await customer.lists(OLA)).body;
    expect(lists.activities.map((r) => r.reference)).toContain(reference);
    expect(lists.requests.map((r) => r.reference)).not.toContain(reference);
    expect(await state(reference)).toBe('CREATED');

    await api.advance(2 * 24 * 3600);
    expect((await customer.find(OLA, reference))?.stage).toBe('POSTPONED');
    await api.advance(24 * 3600);
    expect(await state(reference)).toBe('EXPIRED');
    expect((await customer.lists(OLA)).body.history.find((r) => r.reference === reference)?.state).toBe(
      'EXPIRED',
    );
  });

  it('a postponed payment can still be approved from Activities', async () => {
    const reference = ref('later-pay');
    const expiresAt = new Date(api.started.clock.now() + 24 * 3600_000).toISOString();
    const due = await api.create(
      pushMessage(reference, OLA, 20_000, { expiresAt, receipt: receipt(20_000) }),
    );
    expect(due.status).toBe(201);
    const request = await customer.find(OLA, reference);
    await customer.act(OLA, request!.id, 'pay-later');
    expect((await customer.approve(OLA, request!.id)).body.state).toBe('AUTHORIZED');
  });

  it('refuses to postpone a payment that is not long-living', async () => {
    const reference = ref('later-no');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    const refused = await customer.act(OLA, request!.id, 'pay-later');
    expect(refused.status).toBe(409);
    expect(reasonOf(refused.body)).toBe('NOT_LONG_LIVING');
  });
});

describe('the app switch (NATIVE_REDIRECT, QR scan) and minimumUserAge in the app (contract 3.14)', () => {
  it('opens the payment in the chosen app, which is its landing step', async () => {
    const reference = ref('native');
    const created = await api.create({ ...webRedirect(reference), userFlow: 'NATIVE_REDIRECT' });
    expect(created.body.redirectUrl).toMatch(/\/app\/open\?token=/);
    const id = idOf(created.body.redirectUrl);
    const opened = await customer.open(KARI, id);
    expect(opened.body).toMatchObject({
      stage: 'IN_APP',
      holder: { phoneNumber: KARI, via: 'app' },
      secondsLeft: 300,
    });
    expect((await customer.approve(KARI, id)).body).toMatchObject({
      state: 'AUTHORIZED',
      returnUrl: 'https://example.com/return',
    });
  });

  it('says why a user under minimumUserAge cannot pay, and the payment stays CREATED', async () => {
    const reference = ref('native-age');
    const created = await api.create({
      ...webRedirect(reference),
      userFlow: 'NATIVE_REDIRECT',
      minimumUserAge: 18,
    });
    const id = idOf(created.body.redirectUrl);
    const opened = await customer.open('4790000016', id);
    expect(opened.body.refusal).toEqual({ reason: 'UNDER_MINIMUM_AGE', minimumAge: 18 });
    const refused = await customer.approve('4790000016', id);
    expect(refused.status).toBe(403);
    expect(reasonOf(refused.body)).toBe('UNDER_MINIMUM_AGE');
    expect(refused.body.detail).toContain('18');
    expect(await state(reference)).toBe('CREATED');
    expect((await customer.act('4790000016', id, 'reject')).body.state).toBe('ABORTED');
  });

  it("a PUSH_MESSAGE payment opens only in its own user's app; unknown users are 404", async () => {
    const reference = ref('push-open');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    expect((await customer.open(OLA, request!.id)).status).toBe(200);
    expect(reasonOf((await customer.open(KARI, request!.id)).body)).toBe('NOT_IN_THIS_APP');
    expect(reasonOf((await customer.open('4700000000', request!.id)).body)).toBe('UNKNOWN_USER');
    expect((await customer.lists('4700000000')).status).toBe(404);
  });
});

describe('QR codes (contract 3.3)', () => {
  it('serves an SVG by default and a PNG of the asked size, both encoding the landing URL', async () => {
    const reference = ref('qr');
    const created = await api.create({
      ...webRedirect(reference),
      userFlow: 'QR',
      qrFormat: { format: 'IMAGE/PNG', size: 300 },
    });
    const qrUrl = created.body.redirectUrl!;
    expect(qrUrl).toMatch(/\/qr\/v1\?token=.*&format=png&size=300$/);
    const id = idOf(qrUrl);

    const png = await fetch(qrUrl);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect(image.width).toBe(300);
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(`${api.url}/landing?token=${id}`);

    const svg = await fetch(`${api.url}/qr/v1?token=${id}&format=svg`);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await svg.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    expect((await customer.confirm(id, KARI)).status).toBe(200);
    await customer.approve(KARI, id);
    const gone = await fetch(qrUrl);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('TEXT/TARGETURL gives the landing URL, and bad parameters are 400 naming them', async () => {
    const created = await api.create({
      ...webRedirect(ref('qr-text')),
      userFlow: 'QR',
      qrFormat: { format: 'TEXT/TARGETURL' },
    });
    const id = idOf(created.body.redirectUrl);
    expect(created.body.redirectUrl).toBe(`${api.url}/landing?token=${id}`);
    const bad = await customer.call('GET', `/qr/v1?token=${id}&format=gif&size=99`);
    expect(bad.status).toBe(400);
    expect(bad.body.extraDetails.map((d: { name: string }) => d.name)).toEqual(['format', 'size']);
    expect((await customer.call('GET', '/qr/v1')).status).toBe(400);
    expect((await customer.call('GET', '/qr/v1?token=nope')).status).toBe(404);
  });
});

describe('the landing page and app pages over HTTP (contract 3.15)', () => {
  it('is never framed, shows merchant, amount and description, pre-fills the number, and speaks Norwegian', async () => {
    const reference = ref('page');
    const created = await api.create(webRedirect(reference, 12_345, { customer: { phoneNumber: KARI } }));
    const res = await fetch(`${created.body.redirectUrl}&lang=nb`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('set-cookie')).toContain('betal_lang=nb');
    const page = await res.text();
    expect(page).toContain('<html lang="nb">');
    expect(page).toContain('Betal Dev Shop');
    expect(page).toContain('123,45');
    expect(page).toContain('A test payment');
    expect(page).toContain(`value="12345678"`);
    expect(page).toContain('Husk meg i denne nettleseren');
    expect(page).not.toMatch(/<input[^>]*id="remember"[^>]*checked/);
  });

  it('sends a mobile browser to the app, and a finished payment to returnUrl', async () => {
    const created = await api.create(webRedirect(ref('page-mobile')));
    const url = created.body.redirectUrl!;
    const id = idOf(url);
    const mobile = await fetch(url, {
      redirect: 'manual',
      headers: { 'User-Agent': 'Mozilla/5.0 (iPhone) Mobile' },
    });
    expect(mobile.status).toBe(303);
    expect(mobile.headers.get('location')).toBe(`/app/open?token=${id}`);
    const web = await fetch(`${url}&web=1`, { headers: { 'User-Agent': 'Mozilla/5.0 (iPhone) Mobile' } });
    expect(web.status).toBe(200);

    const chooser = await fetch(`${api.url}/app/open?token=${id}`, { redirect: 'manual' });
    expect(chooser.headers.get('location')).toBe(`/app?open=${id}`);
    const remembered = await fetch(`${api.url}/app/open?token=${id}`, {
      redirect: 'manual',
      headers: { cookie: `betal_app_user=${KARI}` },
    });
    expect(remembered.headers.get('location')).toBe(`/app/u/${KARI}?open=${id}`);

    await customer.confirm(id, KARI);
    await customer.approve(KARI, id);
    const done = await fetch(url, { redirect: 'manual' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('https://example.com/return');
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('answers an unknown payment link with a 404 page, and brands a Danish merchant MobilePay', async () => {
    const missing = await fetch(`${api.url}/landing?token=unknown`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    const dk = await api.create(
      { ...webRedirect(ref('page-dk')), amount: { currency: 'DKK', value: 5_000 } },
      undefined,
      DEV2,
    );
    const page = await (await fetch(dk.body.redirectUrl!)).text();
    expect(page).toContain('class="brand-mobilepay');
    expect(page).toContain('Betal Dev Butik');
  });

  it('lists the app pages and the app API in the OpenAPI document', async () => {
    const doc = (await customer.call('GET', '/docs/json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/landing',
        '/qr/v1',
        '/app/api/users/{phoneNumber}/requests',
        '/app/api/users/{phoneNumber}/requests/{id}/approve',
        '/app/api/landing/{id}/confirm',
        '/betal/users/{phoneNumber}',
      ]),
    );
    expect(doc.paths['/app/api/users/{phoneNumber}/requests/{id}/approve'].post.tags).toEqual([
      'Customer app API',
    ]);
  });
});

describe('live updates over Server-Sent Events', () => {
  it("pushes a change to the user's stream when a request arrives", async () => {
    const controller = new AbortController();
    const res = await fetch(`${api.url}/app/api/users/${OLA}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const reference = ref('live');
    await api.create(pushMessage(reference, OLA));
    let text = '';
    while (!text.includes(reference)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(text).toMatch(
      new RegExp(
        `event: change\\ndata: \\{[^\\n]*"reference":"${reference}","state":"CREATED","stage":"IN_APP"`,
      ),
    );
  });
});

describe('test users: create, edit, delete, persisted with the platform data', () => {
  it('creates with defaults, refuses duplicates and bad fields, edits and deletes', async () => {
    const created = await customer.createUser({
      phoneNumber: '4512340000',
      name: 'Anne Marie Holm',
      birthDate: '1999-12-31',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      givenName: 'Anne Marie',
      familyName: 'Holm',
      market: 'DK',
      email: 'annemarie.holm@example.com',
      canPayBusinesses: true,
      appInstalled: true,
      customerToken: 'ct-4512340000',
    });
    expect(created.body.nin).toMatch(/^\d{11}$/);
    expect(
      (await customer.createUser({ phoneNumber: '4512340000', name: 'X Y', birthDate: '1999-12-31' })).status,
    ).toBe(409);

    const bad = await customer.createUser({
      phoneNumber: '45',
      name: '',
      birthDate: '1999-02-30',
      color: 'red',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.extraDetails.map((d: { name: string }) => d.name).sort()).toEqual([
      'birthDate',
      'color',
      'name',
      'phoneNumber',
    ]);
    const future = await customer.createUser({
      phoneNumber: '4512340001',
      name: 'A B',
      birthDate: '2030-01-01',
    });
    expect(future.body.extraDetails[0].name).toBe('birthDate');

    const edited = await customer.call('PATCH', '/betal/users/4512340000', {
      appInstalled: false,
      name: 'Anne Holm',
    });
    expect(edited.body).toMatchObject({
      appInstalled: false,
      name: 'Anne Holm',
      givenName: 'Anne',
      familyName: 'Holm',
    });
    expect((await customer.call('GET', '/betal/users/4512340000')).body.appInstalled).toBe(false);
    expect(
      (await customer.call('PATCH', '/betal/users/4512340000', { phoneNumber: '4512349999' })).status,
    ).toBe(400);

    expect((await customer.call('DELETE', '/betal/users/4512340000')).status).toBe(204);
    expect((await customer.call('GET', '/betal/users/4512340000')).status).toBe(404);
    expect((await customer.call('DELETE', '/betal/users/4512340000')).status).toBe(404);
  });

  it('keeps users, requests and history in the SQLite file across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'betal-customer-'));
    const database = join(dir, 'platform.sqlite');
    const open = async () => new Api(await startPlatform({ frozenAt: T0, database }));
    try {
      const first = await open();
      const c1 = new Customer(first.url);
      expect(
        (await c1.createUser({ phoneNumber: '4790000031', name: 'Lasting User', birthDate: '1970-07-07' }))
          .status,
      ).toBe(201);
      const reference = ref('persist');
      await first.create(pushMessage(reference, '4790000031'));
      await first.close();

      const second = await open();
      const c2 = new Customer(second.url);
      expect((await c2.call('GET', '/betal/users/4790000031')).body.name).toBe('Lasting User');
      expect((await c2.find('4790000031', reference))?.stage).toBe('IN_APP');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('order details from the Order Management source', () => {
  it('shows the category, orderDetailsUrl and image the source gives', async () => {
    const local = new Api(
      await startPlatform({
        frozenAt: T0,
        orderDetails: {
          find: async (msn, reference) =>
            msn === '123456' && reference.startsWith('om-')
              ? {
                  category: 'GENERAL',
                  orderDetailsUrl: `https://example.com/orders/${reference}`,
                  imageUrl: 'https://example.com/i.png',
                }
              : undefined,
        },
      }),
    );
    try {
      const c = new Customer(local.url);
      const reference = ref('om');
      await local.create(pushMessage(reference, OLA));
      expect((await c.find(OLA, reference))?.orderDetails).toEqual({
        category: 'GENERAL',
        orderDetailsUrl: `https://example.com/orders/${reference}`,
        imageUrl: 'https://example.com/i.png',
      });
      const other = ref('plain');
      await local.create(pushMessage(other, OLA));
      expect((await c.find(OLA, other))?.orderDetails).toBeUndefined();
    } finally {
      await local.close();
    }
  });
});
