import { describe, expect, it } from 'vitest';
import { errorCode, ref, usePlatformApi, tokenOf, webRedirect } from '../support/harness.js';

/**
 * `merchantLegalLinks` on create (ePayment, October 2026 "Merchant terms"): the terms of sale and privacy policy
 * URLs are validated, kept with the payment, answered by GET payment and readable by the customer side.
 */
const api = usePlatformApi();

const LINKS = {
  termsOfSaleUrl: 'https://shop.example/terms',
  privacyPolicyUrl: 'https://shop.example/privacy',
};

describe('merchantLegalLinks (October 2026)', () => {
  it('is kept with the payment and returned by GET payment', async () => {
    const reference = ref('legal');
    const created = await api.create(webRedirect(reference, 10_000, { merchantLegalLinks: LINKS }));
    expect(created.status).toBe(201);
    expect(created.headers.get('x-betal-lint')).toBeNull();
    const got = await api.get(reference);
    expect(got.status).toBe(200);
    expect(got.body.merchantLegalLinks).toEqual(LINKS);
  });

  it('is absent from GET payment when create had none', async () => {
    const reference = ref('legal-none');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    expect((await api.get(reference)).body).not.toHaveProperty('merchantLegalLinks');
  });

  it('is on the stored payment that the customer side reads (by token)', async () => {
    const reference = ref('legal-store');
    const created = await api.create(webRedirect(reference, 10_000, { merchantLegalLinks: LINKS }));
    const stored = await api.started.platform.store.findPaymentByToken(tokenOf(created.body.redirectUrl!));
    expect(stored?.details.merchantLegalLinks).toEqual(LINKS);
  });

  it('needs both URLs: a missing one is a 400 naming it', async () => {
    const created = await api.create(
      webRedirect(ref('legal-half'), 10_000, {
        merchantLegalLinks: { termsOfSaleUrl: LINKS.termsOfSaleUrl },
      }),
    );
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toContain('privacyPolicyUrl');
  });

  it.each([
    ['a relative URL', '/terms'],
    ['an app scheme', 'shopapp://terms'],
    ['a javascript: URL', 'javascript:alert(1)'],
  ])('refuses %s with 4090', async (_what, url) => {
    const created = await api.create(
      webRedirect(ref('legal-bad'), 10_000, { merchantLegalLinks: { ...LINKS, privacyPolicyUrl: url } }),
    );
    expect(created.status).toBe(400);
    expect(errorCode(created.body)).toBe('4090');
    expect((created.body as unknown as { detail: string }).detail).toContain(
      'merchantLegalLinks.privacyPolicyUrl',
    );
  });

  it('accepts http:// in dev mode with a lint notice naming the field', async () => {
    const reference = ref('legal-http');
    const created = await api.create(
      webRedirect(reference, 10_000, {
        merchantLegalLinks: { ...LINKS, termsOfSaleUrl: 'http://shop.example/terms' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('x-betal-lint')).toContain('merchantLegalLinks.termsOfSaleUrl');
    expect((await api.get(reference)).body.merchantLegalLinks.termsOfSaleUrl).toBe(
      'http://shop.example/terms',
    );
  });
});
