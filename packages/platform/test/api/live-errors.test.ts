import { EPAYMENT_ERRORS } from '@betal/contract';
import { describe, expect, it } from 'vitest';
import { errorCode, ref, usePlatformApi, webRedirect } from '../support/harness.js';

/**
 * Error answers as the live ePayment API gives them today (issue #9): Express refused clearly, and the statuses,
 * titles and details of ePayment v1.6.0.
 */
const api = usePlatformApi();

interface Problem {
  status: number;
  title: string;
  detail: string;
  extraDetails: Array<{ name: string; reason: string }> | null;
}

describe('Express (shipping) is not supported', () => {
  it('answers a create with shipping with a 400 Problem that names the field, and creates nothing', async () => {
    const reference = ref('express');
    const created = await api.create(
      webRedirect(reference, 10_000, {
        profile: { scope: 'name address email phoneNumber' },
        shipping: { fixedOptions: [{ brand: 'POSTEN', type: 'PICKUP_POINT', options: [] }] },
      }),
    );
    expect(created.status).toBe(400);
    expect(created.headers.get('content-type')).toContain('application/problem+json');
    const body = created.body as unknown as Problem;
    expect(errorCode(body)).toBe('5020');
    expect(body.extraDetails).toContainEqual({ name: 'shipping', reason: body.detail });
    expect(body.detail).toContain('shipping');
    expect(body.detail).toMatch(/Express is not supported/);
    expect((await api.get(reference)).status).toBe(404);
  });

  it('refuses even an empty shipping object, never ignoring it', async () => {
    const created = await api.create(webRedirect(ref('express-empty'), 10_000, { shipping: {} }));
    expect(created.status).toBe(400);
    expect(errorCode(created.body)).toBe('5020');
  });
});

describe('ePayment v1.6.0 statuses, titles and details', () => {
  it('5070 is a 422 with the v1.6.0 detail', () => {
    expect(EPAYMENT_ERRORS[5070]).toMatchObject({ status: 422, title: 'Payment cannot be created' });
    expect(EPAYMENT_ERRORS[5070].detail).toMatch(/missing precondition, or incorrect merchant setup$/);
  });

  it('5070 on the wire (a fault rule on create): 422, its title and the v1.6.0 detail, nothing created', async () => {
    // The platform has no sales unit whose setup is wrong, so the fault rules of /betal/faults are the trigger.
    const rule = await api.call<{ id: string }>('POST', '/betal/faults', {
      headers: { 'content-type': 'application/json' },
      body: { match: { operation: 'create' }, action: { type: 'status', code: 5070 }, times: 1 },
    });
    expect(rule.status).toBe(201);
    const reference = ref('v160-5070');
    const refused = await api.create(webRedirect(reference));
    const body = refused.body as unknown as Problem;
    expect(refused.status).toBe(422);
    expect(body.status).toBe(422);
    expect(errorCode(body)).toBe('5070');
    expect(body.title).toBe('Payment cannot be created');
    expect(body.detail).toMatch(/missing precondition, or incorrect merchant setup/);
    expect((await api.get(reference)).status).toBe(404);
  });

  it('6160 on the wire (a fault rule on capture): 423 with the v1.6.0 detail', async () => {
    const reference = ref('v160-6160');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    const rule = await api.call('POST', '/betal/faults', {
      headers: { 'content-type': 'application/json' },
      body: { match: { operation: 'capture', reference }, action: { type: 'status', code: 6160 }, times: 1 },
    });
    expect(rule.status).toBe(201);
    const refused = await api.modify('capture', reference, 1_000, `${reference}-c`);
    const body = refused.body as unknown as Problem;
    expect(refused.status).toBe(423);
    expect(errorCode(body)).toBe('6160');
    expect(body.title).toBe('Order processing');
    expect(body.detail).toMatch(/^Order locked and is already processing/);
  });

  it('6160 keeps 423 "Order processing" with the detail "Order locked and is already processing"', () => {
    expect(EPAYMENT_ERRORS[6160]).toEqual({
      status: 423,
      title: 'Order processing',
      detail: 'Order locked and is already processing',
    });
  });

  it('6060 on the wire: title "Cannot cancel authorized payment" and the CancelTransactionOnly detail', async () => {
    const reference = ref('v160-6060');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    const refused = await api.cancel(reference, { cancelTransactionOnly: true });
    const body = refused.body as unknown as Problem;
    expect(refused.status).toBe(400);
    expect(errorCode(body)).toBe('6060');
    expect(body.title).toBe('Cannot cancel authorized payment');
    expect(body.detail).toMatch(
      /^This payment is authorized and cannot be cancelled when CancelTransactionOnly is set/,
    );
  });

  it('5100 on the wire (refund test amount 123): title "Refund not possible", the configuration-problem detail', async () => {
    const reference = ref('v160-5100');
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    expect((await api.approve(reference)).status).toBe(200);
    expect((await api.modify('capture', reference, 10_000, `${reference}-c`)).status).toBe(200);
    const refused = await api.modify('refund', reference, 123, `${reference}-r`);
    const body = refused.body as unknown as Problem;
    expect(refused.status).toBe(400);
    expect(errorCode(body)).toBe('5100');
    expect(body.title).toBe('Refund not possible');
    expect(body.detail).toMatch(/^Cannot refund payment due to a configuration problem/);
  });
});
