import { beforeAll, describe, expect, it } from 'vitest';
import { ref, usePlatformApi } from '../support/harness.js';
import { Customer, pushMessage, reasonOf } from './support.js';

const OLA = '4791234567';
const LINKS = {
  termsOfSaleUrl: 'https://shop.example/terms',
  privacyPolicyUrl: 'https://shop.example/privacy',
};

const api = usePlatformApi({ transport: 'socket' });
let customer: Customer;
beforeAll(() => {
  customer = new Customer(api.url);
});

describe("merchantLegalLinks: the customer accepts the merchant's terms before paying", () => {
  it('shows the links in the app and refuses approve without acceptTerms: true (TERMS_NOT_ACCEPTED)', async () => {
    const reference = ref('terms');
    expect(
      (await api.create(pushMessage(reference, OLA, 10_000, { merchantLegalLinks: LINKS }))).status,
    ).toBe(201);
    const request = await customer.find(OLA, reference);
    expect(request?.legalLinks).toEqual(LINKS);

    const without = await customer.approve(OLA, request!.id);
    expect(without.status).toBe(409);
    expect(reasonOf(without.body)).toBe('TERMS_NOT_ACCEPTED');
    const refused = await customer.approve(OLA, request!.id, { acceptTerms: false });
    expect(reasonOf(refused.body)).toBe('TERMS_NOT_ACCEPTED');
    expect((await api.get(reference)).body.state).toBe('CREATED');

    const accepted = await customer.approve(OLA, request!.id, { acceptTerms: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.state).toBe('AUTHORIZED');
  });

  it('a payment without legal links needs no acceptance, and acceptTerms must be a boolean', async () => {
    const reference = ref('no-terms');
    await api.create(pushMessage(reference, OLA));
    const request = await customer.find(OLA, reference);
    expect(request?.legalLinks).toBeUndefined();
    const bad = await customer.approve(OLA, request!.id, { acceptTerms: 'yes' });
    expect(bad.status).toBe(400);
    expect((await customer.approve(OLA, request!.id)).body.state).toBe('AUTHORIZED');
  });
});
