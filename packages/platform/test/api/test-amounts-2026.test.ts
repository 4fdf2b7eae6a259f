import { beforeAll, describe, expect, it } from 'vitest';
import { Customer, pushMessage, reasonOf } from '../customer/support.js';
import { DEV2, errorCode, ref, usePlatformApi, webRedirect } from '../support/harness.js';

/**
 * The test environment's amounts 201 ("unknown result for 1 hour") and 202 ("strong customer authentication
 * required", Norway only), through force approve and the app's JSON API, on the platform clock.
 */
const api = usePlatformApi({ transport: 'socket' });
let customer: Customer;
beforeAll(() => {
  customer = new Customer(api.url);
});

const OLA = '4791234567';
const HOUR = 3600;

describe('201: the result is unknown for 1 hour, then the payment is AUTHORIZED', () => {
  it('force approve answers 200, the payment stays CREATED with no new event for the hour, then AUTHORIZED', async () => {
    const reference = ref('amt201');
    expect((await api.create(webRedirect(reference, 201))).status).toBe(201);
    const approvedAt = api.started.clock.now();
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('CREATED');

    // Long past the usual 5 + 5 minutes, it neither expires nor resolves.
    await api.advance(HOUR - 1);
    const open = await api.get(reference);
    expect(open.body.state).toBe('CREATED');
    expect(open.body.aggregate.authorizedAmount.value).toBe(0);
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED']);

    // Approving again while the result is open is refused.
    const again = await api.approve(reference);
    expect(again.status).toBe(400);
    expect(errorCode(again.body)).toBe('10020');

    await api.advance(1);
    const resolved = await api.get(reference);
    expect(resolved.body.state).toBe('AUTHORIZED');
    expect(resolved.body.aggregate.authorizedAmount.value).toBe(201);
    const events = (await api.events(reference)).body;
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
    expect(events[1]?.timestamp).toBe(new Date(approvedAt + HOUR * 1000).toISOString());
    expect((await api.modify('capture', reference, 201, `${reference}-c`)).status).toBe(200);
  });

  it('resolves when the payment is read after the hour, even without the sweep', async () => {
    const reference = ref('amt201-read');
    await api.create(webRedirect(reference, 201, { profile: { scope: 'name' } }));
    expect((await api.approve(reference)).status).toBe(200);
    api.started.clock.advance(HOUR * 1000);
    const got = (await api.get(reference)).body;
    expect(got.state).toBe('AUTHORIZED');
    expect(got.profile.sub).toEqual(expect.any(String));
    expect(got.userDetails).toEqual({ firstName: 'Kari', lastName: 'Nordmann' });
    // Counted from the resolution, when the payment became AUTHORIZED.
    const approvedAt = Date.parse(String((await api.events(reference)).body[1]?.timestamp));
    expect(got.captureGuaranteedUntil).toBe(
      new Date(approvedAt + 7 * 86_400_000).toISOString().replace('Z', '+00:00'),
    );
  });

  it('can be cancelled by the merchant while the result is open (TERMINATED, never AUTHORIZED)', async () => {
    const reference = ref('amt201-cancel');
    await api.create(webRedirect(reference, 201));
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.cancel(reference)).status).toBe(200);
    await api.advance(2 * HOUR);
    expect((await api.get(reference)).body.state).toBe('TERMINATED');
    expect((await api.events(reference)).body.map((e) => e.name)).toEqual(['CREATED', 'TERMINATED']);
  });

  it('in the app: approve answers with the request still open, reject is refused, and the hour resolves it', async () => {
    const reference = ref('amt201-app');
    await api.create(pushMessage(reference, OLA, 201));
    const request = await customer.find(OLA, reference);
    const approved = await customer.approve(OLA, request!.id);
    expect(approved.status).toBe(200);
    expect((await api.get(reference)).body.state).toBe('CREATED');
    const rejected = await customer.act(OLA, request!.id, 'reject');
    expect(rejected.status).toBe(400);
    expect(reasonOf(rejected.body)).toBe('10020');
    await api.advance(HOUR);
    expect((await api.get(reference)).body.state).toBe('AUTHORIZED');
  });
});

describe('202: strong customer authentication required (Norway only)', () => {
  it('force approve fails with 10030 in Norway and the payment stays CREATED', async () => {
    const reference = ref('amt202');
    await api.create(webRedirect(reference, 202));
    const refused = await api.approve(reference);
    expect(refused.status).toBe(400);
    expect(errorCode(refused.body)).toBe('10030');
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('the app refuses the approval with 10030 too', async () => {
    const reference = ref('amt202-app');
    await api.create(pushMessage(reference, OLA, 202));
    const request = await customer.find(OLA, reference);
    const refused = await customer.approve(OLA, request!.id);
    expect(refused.status).toBe(400);
    expect(reasonOf(refused.body)).toBe('10030');
    expect((await api.get(reference)).body.state).toBe('CREATED');
  });

  it('is an ordinary amount in Denmark', async () => {
    const reference = ref('amt202-dk');
    const created = await api.create(
      { ...webRedirect(reference, 202), amount: { currency: 'DKK', value: 202 } },
      undefined,
      DEV2,
    );
    expect(created.status).toBe(201);
    expect((await api.approve(reference, '4512345678', DEV2)).status).toBe(200);
    expect((await api.get(reference, DEV2)).body.state).toBe('AUTHORIZED');
  });
});
