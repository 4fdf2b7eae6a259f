/** Small wire details found in review: each was a deviation from the contract or a 5xx. */
import { expect, it } from 'vitest';
import { errorCode, ref, usePlatformApi, tokenOf, webRedirect } from '../support/harness.js';

const api = usePlatformApi({ transport: 'socket' });

it('a repeated query parameter is never a 5xx (the landing page takes the last token)', async () => {
  const reference = ref('dup-q');
  const created = await api.create(webRedirect(reference));
  const token = tokenOf(created.body.redirectUrl as string);
  expect((await fetch(`${api.url}/landing?token=${token}&token=${token}`)).status).toBe(200);
  expect((await fetch(`${api.url}/landing?token=nope&token=${token}`)).status).toBe(200);
  expect((await fetch(`${api.url}/qr/v1?token=${token}&token=${token}&format=svg`)).status).toBe(200);
});

it('a Merchant-Serial-Number that is not 4-10 digits is a 400 naming the header (contract 1)', async () => {
  const headers = { ...(await api.headers()), 'Merchant-Serial-Number': 'abc' };
  const res = await api.call<any>('GET', `/epayment/v1/payments/${ref('msn')}`, { headers });
  expect(res.status).toBe(400);
  expect(res.body.extraDetails).toEqual([{ name: 'Merchant-Serial-Number', reason: expect.any(String) }]);
});

it('a refund idempotency conflict is 4150 titled as one (contract 3.8), not "Reference exists"', async () => {
  const reference = ref('refund-title');
  await api.create(webRedirect(reference, 10_000));
  await api.approve(reference);
  await api.modify('capture', reference, 5_000, `${reference}-c`);
  expect((await api.modify('refund', reference, 50, `${reference}-r`)).status).toBe(200);
  const conflict = await api.modify('refund', reference, 60, `${reference}-r`);
  expect(conflict.status).toBe(409);
  expect(errorCode(conflict.body)).toBe('4150');
  expect(conflict.body.title).toBe('Refund idempotency conflict');
});
