import { checkWebhookReceiver } from '@betal/platform';
import { describe, expect, it } from 'vitest';
import { postForm, usePair } from './support/setup.js';

describe("the reference merchant's webhook receiver", () => {
  const pair = usePair();

  it('passes the webhook receiver check (betal check webhooks), every case', async () => {
    const status = pair.merchant.merchant.registrar.status;
    if (!status?.ok) throw new Error('the merchant did not register its webhook');
    const { url, secret } = status.registration;
    // A payment the merchant knows, so that the valid, duplicate and out-of-order events are its own.
    const link = await postForm(pair.merchant.url, '/merchant/links', { amount: '10', description: 'Check' });
    const linkId = link.location!.split('?')[0]!.split('/').pop()!;
    await postForm(pair.merchant.url, `/pay/${linkId}`);
    const reference = (
      await pair.merchant.merchant.store.listPayments({ purpose: 'link', ownerId: linkId })
    )[0]!.reference;

    const report = await checkWebhookReceiver({ url, secret, reference, msn: '123456' });
    expect(report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(report.passed).toBe(true);
    const answers = Object.fromEntries(report.cases.map((c) => [c.id, c.status]));
    expect(answers).toEqual({
      valid: 200,
      duplicate: 200,
      'out-of-order': 200,
      'stale-date': 401,
      'bad-signature': 401,
      'tampered-body': 401,
      'wrong-host': 401,
      'unknown-payment': 200,
    });
    // The merchant took the events of its payment once each, the duplicate as a duplicate.
    const events = (await pair.merchant.merchant.store.listWebhookEvents(reference)).filter((w) =>
      w.pspReference.startsWith('betal-check-'),
    );
    expect(events.map((w) => [w.name, w.duplicate])).toEqual([
      ['AUTHORIZED', false],
      ['AUTHORIZED', true],
      ['REFUNDED', false],
      ['CAPTURED', false],
    ]);
    await pair.merchant.merchant.payments.idle();
  });
});
