/**
 * The app shows the receipt of an order whatever way it came (contract 6: the receipt of ePayment create and one
 * sent through Order Management are one order data): here a receipt POSTed after a PUSH_MESSAGE payment.
 */
import { expect, it } from 'vitest';
import { ref, usePlatformApi } from '../support/harness.js';

const api = usePlatformApi();

const RECEIPT = {
  orderLines: [
    {
      name: 'Concert ticket',
      id: 'ticket-1',
      totalAmount: 45000,
      totalAmountExcludingTax: 40179,
      totalTaxAmount: 4821,
      taxRate: 1200,
    },
  ],
  bottomLine: { currency: 'NOK', receiptNumber: 'R-1001' },
};

it('shows a receipt sent through Order Management after the payment in the app', async () => {
  const reference = ref('om-app');
  const created = await api.create({
    amount: { currency: 'NOK', value: 45000 },
    paymentMethod: { type: 'WALLET' },
    reference,
    userFlow: 'PUSH_MESSAGE',
    customer: { phoneNumber: '4791234567' },
    paymentDescription: 'Ticket',
  });
  expect(created.status).toBe(201);
  const before = await api.call<any>('GET', '/app/api/users/4791234567/requests', { headers: {} });
  const request = before.body.requests.find((r: any) => r.reference === reference);
  expect(request).toBeDefined();
  expect(request.receipt).toBeUndefined();

  expect((await api.om('POST', `/v2/ECOM/receipts/${reference}`, RECEIPT)).status).toBe(201);
  const after = await api.call<any>('GET', `/app/api/users/4791234567/requests/${request.id}`, {
    headers: {},
  });
  expect(after.status).toBe(200);
  expect(after.body.receipt.orderLines[0].name).toBe('Concert ticket');
  expect(after.body.receipt.bottomLine.receiptNumber).toBe('R-1001');
  expect(after.body.orderDetails.receipt).toEqual(after.body.receipt);
});
