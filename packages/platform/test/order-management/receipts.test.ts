/**
 * Order Management receipts (contract 6): `POST /v2/{paymentType}/receipts/{orderId}` (201, a JSON string),
 * immutable (a second receipt is 409), the order line rules (taxRate or taxPercentage, unitInfo, discount,
 * isReturn, isShipping) and the bottom line; one order data with the receipt of ePayment create (contract
 * 3.14); the deprecated v1 receipts. Includes the spec's and SEED 003's receipt examples.
 */
import { describe, expect, it } from 'vitest';
import { openForFile } from '../support/fixture.js';
import { DEV, DEV2, ref, startApi, webRedirect } from '../support/harness.js';
import { expectOmError, UUID } from './om-support.js';
import { jsonBlocks, readSeed, readSpec, sharedPresent, specValidator } from './spec.js';

const api = openForFile(startApi);

/** A receipt of three lines, one of each kind: a 25 % line with unitInfo and discount, a return, shipping. */
function receipt(currency = 'NOK') {
  return {
    orderLines: [
      {
        name: 'Wool socks',
        id: 'socks-1',
        totalAmount: 30000,
        totalAmountExcludingTax: 24000,
        totalTaxAmount: 6000,
        taxRate: 2500,
        unitInfo: { unitPrice: 10000, quantity: '3', quantityUnit: 'PCS' },
        discount: 0,
        productUrl: 'https://example.com/socks',
      },
      {
        name: 'Returned cap',
        id: 'cap-1',
        totalAmount: 5000,
        totalAmountExcludingTax: 4000,
        totalTaxAmount: 1000,
        taxPercentage: 25,
        isReturn: true,
      },
      {
        name: 'Home delivery',
        id: 'shipping',
        totalAmount: 9900,
        totalAmountExcludingTax: 7920,
        totalTaxAmount: 1980,
        taxRate: 2500,
        isShipping: true,
      },
    ],
    bottomLine: {
      currency,
      tipAmount: 0,
      receiptNumber: '0001',
      barcode: { format: 'EAN-13', data: '123456' },
    },
  };
}

describe('POST /order-management/v2/{paymentType}/receipts/{orderId}', () => {
  it('stores the receipt: 201 with its id as a JSON string; GET shows it exactly', async () => {
    const orderId = ref('rcpt');
    const body = receipt();
    const res = await api.om('POST', `/v2/ECOM/receipts/${orderId}`, body);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body).toMatch(UUID);
    const got = await api.om('GET', `/v2/ECOM/${orderId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ receipt: body });
  });

  it('is immutable: a second receipt is 409 and the first stays', async () => {
    const orderId = ref('twice');
    const first = receipt();
    expect((await api.om('POST', `/v2/ECOM/receipts/${orderId}`, first)).status).toBe(201);
    const second = { ...receipt(), bottomLine: { currency: 'NOK', receiptNumber: '0002' } };
    const conflict = await api.om('POST', `/v2/ECOM/receipts/${orderId}`, second);
    expectOmError(conflict, 409, 'orderId');
    expect(conflict.body.title).toBe('Conflict');
    expect((await api.om('POST', `/v2/ECOM/receipts/${orderId}`, first)).status).toBe(409);
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.receipt).toEqual(first);
  });

  it('shows category and receipt together', async () => {
    const orderId = ref('both');
    await api.om('PUT', `/v2/ECOM/categories/${orderId}`, {
      category: 'RECEIPT',
      orderDetailsUrl: 'https://example.com/r',
    });
    await api.om('POST', `/v2/ECOM/receipts/${orderId}`, receipt());
    const got = await api.om('GET', `/v2/ECOM/${orderId}`);
    expect(Object.keys(got.body).sort()).toEqual(['category', 'receipt']);
  });

  it('needs exactly one of taxRate and taxPercentage on each line', async () => {
    const both = receipt();
    (both.orderLines[1] as Record<string, unknown>).taxRate = 2500;
    expectOmError(await api.om('POST', `/v2/ECOM/receipts/${ref()}`, both), 400, 'orderLines[1]');
    const neither = receipt();
    delete (neither.orderLines[0] as Record<string, unknown>).taxRate;
    expectOmError(await api.om('POST', `/v2/ECOM/receipts/${ref()}`, neither), 400, 'orderLines[0]');
  });

  it('checks the order line and bottom line fields, naming each', async () => {
    const cases: Array<[string, (r: any) => void]> = [
      ['orderLines', (r) => (r.orderLines = [])],
      ['bottomLine', (r) => delete r.bottomLine],
      ['bottomLine.currency', (r) => (r.bottomLine.currency = 'SEK')],
      ['orderLines[0].name', (r) => delete r.orderLines[0].name],
      ['orderLines[0].totalTaxAmount', (r) => delete r.orderLines[0].totalTaxAmount],
      ['orderLines[0].taxRate', (r) => (r.orderLines[0].taxRate = 10001)],
      ['orderLines[1].taxPercentage', (r) => (r.orderLines[1].taxPercentage = 101)],
      ['orderLines[0].unitInfo.quantity', (r) => (r.orderLines[0].unitInfo.quantity = '2,5')],
      ['orderLines[0].unitInfo.quantity', (r) => (r.orderLines[0].unitInfo.quantity = '12345678901')],
      ['orderLines[0].unitInfo.unitPrice', (r) => delete r.orderLines[0].unitInfo.unitPrice],
      ['orderLines[0].unitInfo.quantityUnit', (r) => (r.orderLines[0].unitInfo.quantityUnit = 'BOX')],
      ['orderLines[0].discount', (r) => (r.orderLines[0].discount = -1)],
      ['orderLines[0].totalAmount', (r) => (r.orderLines[0].totalAmount = 10.5)],
      ['orderLines[0].isReturn', (r) => (r.orderLines[0].isReturn = 'yes')],
      ['bottomLine.barcode.format', (r) => (r.bottomLine.barcode.format = 'QR')],
    ];
    for (const [field, mutate] of cases) {
      const body = receipt();
      mutate(body);
      const res = await api.om('POST', `/v2/ECOM/receipts/${ref()}`, body);
      expect(res.status, field).toBe(400);
      expectOmError(res, 400, field);
    }
  });

  it('takes an enum in another case with a lint notice (quantityUnit "kg")', async () => {
    const body = receipt();
    body.orderLines[0]!.unitInfo!.quantityUnit = 'kg';
    const res = await api.om('POST', `/v2/ECOM/receipts/${ref()}`, body);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-betal-lint')).toMatch(/quantityUnit 'kg' was taken as 'KG'/);
  });

  it('keeps ECOM and RECURRING receipts, and merchants, apart', async () => {
    const orderId = ref('kinds');
    expect((await api.om('POST', `/v2/ECOM/receipts/${orderId}`, receipt())).status).toBe(201);
    expect((await api.om('POST', `/v2/RECURRING/receipts/${orderId}`, receipt())).status).toBe(201);
    expect((await api.om('POST', `/v2/ECOM/receipts/${orderId}`, receipt('DKK'), DEV2)).status).toBe(201);
    expect(
      (await api.om('GET', `/v2/ECOM/${orderId}`, undefined, DEV2)).body.receipt.bottomLine.currency,
    ).toBe('DKK');
  });
});

describe('one order data with ePayment', () => {
  it('a receipt sent with ePayment create is the order receipt; a later OM receipt is 409', async () => {
    const reference = ref('epay');
    const body = receipt();
    const created = await api.create(webRedirect(reference, 34900, { receipt: body }));
    expect(created.status).toBe(201);
    const got = await api.om('GET', `/v2/ECOM/${reference}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ receipt: body });
    expectOmError(await api.om('POST', `/v2/ECOM/receipts/${reference}`, receipt()), 409, 'orderId');
    expectOmError(await api.om('POST', `/v2/ecom/receipts/${reference}`, receipt()), 409);
    // Only ECOM is the ePayment order; and another merchant's payment is not this merchant's order.
    expect((await api.om('POST', `/v2/RECURRING/receipts/${reference}`, receipt())).status).toBe(201);
    expectOmError(await api.om('GET', `/v2/ECOM/${reference}`, undefined, DEV2), 404);
  });

  it('a receipt sent after the payment (without one) is accepted and is what the app gets', async () => {
    const reference = ref('after');
    await api.create(webRedirect(reference, 34900));
    const body = receipt();
    expect((await api.om('POST', `/v2/ECOM/receipts/${reference}`, body)).status).toBe(201);
    const view = await api.started.platform.orders.orderDetails(DEV.msn, reference);
    expect(view).toEqual({ receipt: body });
  });

  it('a receipt sent before the payment stays the order receipt', async () => {
    const reference = ref('early');
    const body = receipt();
    expect((await api.om('POST', `/v2/ECOM/receipts/${reference}`, body)).status).toBe(201);
    expect((await api.create(webRedirect(reference, 34900))).status).toBe(201);
    expect((await api.om('GET', `/v2/ECOM/${reference}`)).body.receipt).toEqual(body);
  });
});

describe('deprecated v1 receipts', () => {
  it('POST and GET /v1/receipts/{transactionId} share the ECOM receipt', async () => {
    const orderId = ref('v1r');
    const body = receipt();
    const posted = await api.om('POST', `/v1/receipts/${orderId}`, body);
    expect(posted.status).toBe(200);
    expect((await api.om('GET', `/v1/receipts/${orderId}`)).body).toEqual(body);
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.receipt).toEqual(body);
    expectOmError(await api.om('POST', `/v1/receipts/${orderId}`, body), 409);
    expectOmError(await api.om('GET', `/v1/receipts/${ref('nor')}`), 404);
  });
});

describe.skipIf(!sharedPresent('specs/order-management.v2.yaml', 'seeds'))(
  'examples of the spec and the seeds',
  () => {
    it("the spec's ReceiptExample is accepted and comes back valid against OrderV2Response", async () => {
      const spec = readSpec('order-management.v2.yaml');
      const example =
        spec.paths['/v2/{paymentType}/receipts/{orderId}'].post.requestBody.content['application/json']
          .examples.ReceiptExample.value;
      const orderId = ref('spec');
      const res = await api.om('POST', `/v2/ECOM/receipts/${orderId}`, example);
      expect(res.status).toBe(201);
      const validate = specValidator('order-management.v2.yaml');
      const got = await api.om('GET', `/v2/ECOM/${orderId}`);
      expect(got.body.receipt).toEqual(example);
      expect(validate('OrderV2Response', got.body)).toEqual([]);
      expect(validate('Receipt', receipt())).toEqual([]);
      const conflict = await api.om('POST', `/v2/ECOM/receipts/${orderId}`, example);
      expect(validate('ErrorResponse', conflict.body)).toEqual([]);
    });

    it("SEED 003's receipt: its text is not JSON (trailing commas), and receiptNumber sits outside bottomLine (ignored)", async () => {
      const block = jsonBlocks(readSeed('003')).find((t) => t.includes('"receipt"'));
      expect(block).toBeDefined();
      const text = block as string;
      const receiptText = text.slice(
        text.indexOf('"receipt"') + '"receipt":'.length,
        text.indexOf('"reference"'),
      );
      const raw = receiptText.trim().replace(/,\s*$/, '');
      // As written, the body is not valid JSON: 400 saying where.
      const syntax = await api.call<any>('POST', `/order-management/v2/ECOM/receipts/${ref('seed3')}`, {
        raw,
        headers: await api.headers(DEV),
      });
      expectOmError(syntax, 400, '$');
      expect(syntax.body.detail).toMatch(/line \d+, column \d+/);
      // With the trailing commas removed, the misplaced receiptNumber is ignored and named in a lint notice
      // (issue #9: the spec allows additional properties; this was a 400).
      const parsed = JSON.parse(raw.replace(/,(\s*[}\]])/g, '$1')) as Record<string, any>;
      const misplaced = await api.om('POST', `/v2/ECOM/receipts/${ref('seed3')}`, parsed);
      expect(misplaced.status).toBe(201);
      expect(misplaced.headers.get('x-betal-lint')).toContain('receiptNumber is not part of this request');
      // Moved into bottomLine where the spec has it, the seed's receipt is accepted.
      const { receiptNumber, ...rest } = parsed;
      const fixed = { ...rest, bottomLine: { ...rest.bottomLine, receiptNumber } };
      const orderId = ref('seed3');
      expect((await api.om('POST', `/v2/ECOM/receipts/${orderId}`, fixed)).status).toBe(201);
      const got = await api.om('GET', `/v2/ECOM/${orderId}`);
      expect(got.body.receipt.orderLines.map((l: any) => l.name)).toEqual([
        'Accident insurance',
        'Travel insurance',
      ]);
    });
  },
);
