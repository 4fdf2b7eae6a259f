/**
 * Replays of real integrations as they speak to the API (issue #9 item 6): the official ePayment Postman
 * collection (vippsas/vipps-epayment-api, tools/), the WooCommerce plugin (vippsas/vipps-woocommerce,
 * payment/VippsApi.class.php) and the Magento module (vippsas/vipps-magento, GatewayEpayment/). The requests
 * below are data written for these tests from the public request shapes of those integrations: the spelling of
 * their paths, their headers (including empty ones and `Connection: close`), their content types, their bodies
 * with the fields the spec lacks and PHP's whole-number floats, and their habits with idempotency keys. Each
 * flow, from token to capture, refund and cancel, must succeed; the deviations are reported as lint notices.
 *
 * Requests go out through node:http, not fetch, so that headers such as `Connection` and `Content-length` are
 * sent as the integrations send them.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEV, T0, ref, tokenOf, usePlatformApi } from '../support/harness.js';
import { png } from '../order-management/images.js';

const api = usePlatformApi({ transport: 'socket' });

interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  lint: string;
}

/** Sends one request exactly as described: method, path, header names and values, and the raw body. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<WireAnswer> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port: Number(port), method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        const lint = res.headers['x-betal-lint'];
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
          lint: Array.isArray(lint) ? lint.join('\n') : (lint ?? ''),
        });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function expectOk(answer: WireAnswer, what: string): void {
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
}

describe('the official ePayment Postman collection', () => {
  // The collection's environment: the reference is the MSN followed by the time in ms, sent as a JSON number;
  // the phone number is a number too; the create's uuid is the Idempotency-Key of every later step.
  const system = {
    'Vipps-System-Name': 'postman',
    'Vipps-System-Version': '1.0.0',
    'Vipps-System-Plugin-Name': 'epayment-collection',
    'Vipps-System-Plugin-Version': '1.0.0',
  };
  const idempotencyKey = '4d3f6a4e-8c1b-4f7e-9a51-0f6c2b7d9e11';

  it('token, create with profile sharing, get, events, force approve, capture, refund, cancel, userinfo', async () => {
    const token = await send('POST', '/accessToken/get', {
      client_id: DEV.clientId,
      client_secret: DEV.clientSecret,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Merchant-Serial-Number': DEV.msn,
      ...system,
    });
    expectOk(token, 'token');
    expect(token.lint).toMatch(/accessToken/);
    const auth = {
      Authorization: `Bearer ${token.body.access_token as string}`,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Merchant-Serial-Number': DEV.msn,
      ...system,
    };

    const reference = `${DEV.msn}${T0 + 17}`; // digits only, as `msn + Date.now()`
    const createBody = `{
  "amount": { "value": 1000, "currency": "NOK" },
  "paymentMethod": { "type": "WALLET" },
  "customer": { "phoneNumber": 4791234567 },
  "reference": ${reference},
  "userFlow": "WEB_REDIRECT",
  "returnUrl": "http://example.com/redirect?reference=${reference}",
  "paymentDescription": "Purchase of socks",
  "profile": { "scope": "name phoneNumber address birthDate" }
}`;
    const created = await send(
      'POST',
      '/epayment/v1/payments',
      { ...auth, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      createBody,
    );
    expectOk(created, 'create');
    expect(created.body.reference).toBe(reference);
    expect(created.lint).toMatch(/reference was sent as a JSON number/);

    const read = { ...auth, Accept: 'application/json' };
    expectOk(await send('GET', `/epayment/v1/payments/${reference}`, read), 'get');
    expectOk(await send('GET', `/epayment/v1/payments/${reference}/events`, read), 'events');

    const approve = await send(
      'POST',
      `/epayment/v1/test/payments/${reference}/approve`,
      { ...auth, 'Content-Type': 'application/json' },
      `{ "customer": { "phoneNumber": 4791234567 }, "token": "${tokenOf(created.body.redirectUrl)}" }`,
    );
    expectOk(approve, 'force approve');

    // Capture, refund and cancel all carry the create's key: each is a request of its own.
    const modify = { ...auth, 'Idempotency-Key': idempotencyKey, Accept: 'application/problem+json' };
    const amount = '{ "modificationAmount": { "value": 1000, "currency": "NOK" } }';
    const partial = '{ "modificationAmount": { "value": 400, "currency": "NOK" } }';
    const capture = await send(
      'POST',
      `/epayment/v1/payments/${reference}/capture`,
      { ...modify, 'Content-Type': 'application/json' },
      partial,
    );
    expectOk(capture, 'capture');
    expect(capture.headers['idempotent-replayed']).toBeUndefined();
    const refund = await send(
      'POST',
      `/epayment/v1/payments/${reference}/refund`,
      { ...modify, 'Content-Type': 'application/json' },
      partial.replace('400', '100'),
    );
    expectOk(refund, 'refund');
    expect(refund.headers['idempotent-replayed']).toBeUndefined();
    // Cancel has no body and no Content-Type in the collection.
    const cancel = await send('POST', `/epayment/v1/payments/${reference}/cancel`, modify);
    expectOk(cancel, 'cancel');
    expect(cancel.body.aggregate).toMatchObject({
      capturedAmount: { value: 400 },
      refundedAmount: { value: 100 },
      cancelledAmount: { value: 600 },
    });
    // The same capture again is a retry: replayed, nothing captured twice.
    const again = await send(
      'POST',
      `/epayment/v1/payments/${reference}/capture`,
      { ...modify, 'Content-Type': 'application/json' },
      partial,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    // And with another body it is still the conflict of contract 3.8.
    const conflict = await send(
      'POST',
      `/epayment/v1/payments/${reference}/capture`,
      { ...modify, 'Content-Type': 'application/json' },
      amount,
    );
    expect(conflict.status).toBe(409);

    // "Get Userinfo" sends no Ocp-Apim-Subscription-Key.
    const payment = await send('GET', `/epayment/v1/payments/${reference}`, read);
    const sub = payment.body.profile.sub as string;
    const { 'Ocp-Apim-Subscription-Key': _key, ...withoutKey } = auth;
    const userinfo = await send('GET', `/vipps-userinfo-api/userinfo/${sub}`, withoutKey);
    expectOk(userinfo, 'userinfo');
    expect(userinfo.body.sub).toBe(sub);
    expect(userinfo.body.phone_number).toBe('4791234567');
  });
});

describe('the WooCommerce plugin', () => {
  const msn = DEV.msn;
  /** The headers every call of the plugin carries (get_headers), and the ones its http_call adds. */
  async function wooHeaders(extra: Record<string, string> = {}) {
    return {
      Authorization: `Bearer ${await api.token()}`,
      'X-TimeStamp': '2026-11-22T12:00:00+00:00',
      'X-Source-Address': '127.0.0.1',
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Merchant-Serial-Number': msn,
      'Vipps-System-Name': 'woocommerce',
      'Vipps-System-Version': '6.8.1/9.4.2',
      'Vipps-System-Plugin-Name': 'woo-vipps',
      'Vipps-System-Plugin-Version': '4.0.8',
      Connection: 'close',
      ...extra,
    };
  }
  /** A JSON body as PHP's json_encode writes it: amounts computed with round() are floats (`12300.0`). */
  const json = (body: unknown, floats: string[] = []) => {
    let text = JSON.stringify(body);
    for (const field of floats) text = text.replace(new RegExp(`"${field}":(\\d+)`, 'g'), `"${field}":$1.0`);
    return text;
  };
  const post = async (path: string, body: string, extra: Record<string, string> = {}, method = 'POST') => {
    const headers = await wooHeaders({
      'Content-length': String(Buffer.byteLength(body)),
      'Content-type': 'application/json',
      ...extra,
    });
    return send(method, path, headers, body);
  };

  /** The create of epayment_initiate_payment: receipt included, customer without a phone number. */
  function initiate(reference: string, orderId: number) {
    return json(
      {
        reference,
        paymentMethod: { type: 'WALLET' },
        amount: { currency: 'NOK', value: 12300 },
        returnUrl: `https://shop.example/checkout/order-received/${orderId}/`,
        customer: { customerInteraction: 'CUSTOMER_NOT_PRESENT' },
        metadata: { orderid: orderId },
        minimumUserAge: null,
        userFlow: 'WEB_REDIRECT',
        paymentDescription: 'Confirm your order from https://shop.example',
        receipt: {
          orderLines: [
            {
              name: 'Wool socks',
              id: '17',
              totalAmount: 9800,
              totalAmountExcludingTax: 7840,
              totalTaxAmount: 1960,
              taxRate: 2500,
              unitInfo: { unitPrice: 4900, quantity: '2', quantityUnit: 'PCS' },
              discount: 0,
              productUrl: 'https://shop.example/product/wool-socks/',
              isShipping: false,
            },
            {
              name: 'Flat rate',
              id: 'flat_rate:1',
              totalAmount: 2500,
              totalAmountExcludingTax: 2000,
              totalTaxAmount: 500,
              taxRate: 2500,
              unitInfo: { unitPrice: 2500, quantity: '1', quantityUnit: 'PCS' },
              discount: 0,
              isShipping: true,
            },
          ],
          bottomLine: {
            tipAmount: 0,
            giftCardAmount: 0,
            terminalId: 'woocommerce',
            currency: 'NOK',
            receiptNumber: String(orderId),
          },
        },
      },
      [
        'value',
        'totalAmount',
        'totalAmountExcludingTax',
        'totalTaxAmount',
        'taxRate',
        'unitPrice',
        'tipAmount',
        'giftCardAmount',
      ],
    );
  }

  it('token as a form post, webhook, image and category, create, capture and refund with one key', async () => {
    const token = await send('POST', '/accessToken/get', {
      client_id: DEV.clientId,
      client_secret: DEV.clientSecret,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      Connection: 'close',
      'Content-length': '0',
      'Content-type': 'application/x-www-form-urlencoded',
    });
    expectOk(token, 'token');

    const webhook = await post(
      '/webhooks/v1/webhooks',
      json({
        url: 'https://shop.example/wp-json/woo-vipps/v1/epayment/webhook',
        events: [
          'epayments.payment.authorized.v1',
          'epayments.payment.aborted.v1',
          'epayments.payment.expired.v1',
          'epayments.payment.terminated.v1',
        ],
      }),
    );
    expectOk(webhook, 'register webhook');
    expectOk(await send('GET', '/webhooks/v1/webhooks', await wooHeaders()), 'list webhooks');

    const reference = `Woo${ref('w')
      .replace(/[^a-zA-Z0-9]/g, '')
      .slice(-10)}`;
    const created = await post('/epayment/v1/payments', initiate(reference, 123), {
      'Idempotency-Key': 'a1b2c3d4e5',
    });
    expectOk(created, 'create');
    expect(created.lint).toContain('customer.customerInteraction is not part of this request');
    expect(created.lint).toMatch(/amount\.value was sent as 12300\.0/);
    expect(created.lint).toMatch(/metadata\.orderid was sent as a JSON number/);

    // Order Management: the image (with the trailing slash of add_image), then the category in lower case.
    const bytes = png(200, 200);
    const imageId = createHash('sha512').update(bytes).digest('hex');
    const image = await post(
      '/order-management/v1/images/',
      json({ imageId, src: bytes.toString('base64'), type: 'base64' }),
    );
    expectOk(image, 'add image');
    expect(image.body.imageId).toBe(imageId);
    expect(image.lint).toMatch(/a trailing slash/);
    const category = await post(
      `/order-management/v2/ecom/categories/${reference}`,
      json({
        category: 'GENERAL',
        orderDetailsUrl: 'https://shop.example/my-account/view-order/123/',
        imageId,
      }),
      {},
      'PUT',
    );
    expectOk(category, 'add category');
    const order = await send('GET', `/order-management/v2/ecom/${reference}`, await wooHeaders());
    expectOk(order, 'get receipt');

    expect((await api.approve(reference)).status).toBe(200);
    expectOk(await send('GET', `/epayment/v1/payments/${reference}`, await wooHeaders()), 'get payment');
    expectOk(await send('GET', `/epayment/v1/payments/${reference}/events`, await wooHeaders()), 'event log');

    // The first capture and the first refund of an order share one request id as their Idempotency-Key.
    const requestId = 'wc-7f3a9c21';
    const capture = await post(
      `/epayment/v1/payments/${reference}/capture`,
      json({ modificationAmount: { value: 12300, currency: 'NOK' } }, ['value']),
      { 'Idempotency-Key': requestId },
    );
    expectOk(capture, 'capture');
    const refund = await post(
      `/epayment/v1/payments/${reference}/refund`,
      json({ modificationAmount: { value: 5000, currency: 'NOK' } }, ['value']),
      { 'Idempotency-Key': requestId },
    );
    expectOk(refund, 'refund');
    expect(refund.body.aggregate).toMatchObject({
      capturedAmount: { value: 12300 },
      refundedAmount: { value: 5000 },
    });
  });

  it('cancels of two orders, both with the Idempotency-Key 1', async () => {
    const answers: WireAnswer[] = [];
    for (const orderId of [124, 125]) {
      const reference = `Woo${ref('c')
        .replace(/[^a-zA-Z0-9]/g, '')
        .slice(-10)}`;
      expectOk(
        await post('/epayment/v1/payments', initiate(reference, orderId), {
          'Idempotency-Key': `r-${orderId}`,
        }),
        'create',
      );
      expect((await api.approve(reference)).status).toBe(200);
      const cancel = await post(
        `/epayment/v1/payments/${reference}/cancel`,
        json({ cancelTransactionOnly: false }),
        { 'Idempotency-Key': '1' },
      );
      expectOk(cancel, `cancel of order ${orderId}`);
      expect(cancel.headers['idempotent-replayed']).toBeUndefined();
      expect(cancel.body.reference).toBe(reference);
      answers.push(cancel);
    }
    expect(answers.map((a) => a.body.aggregate.cancelledAmount.value)).toEqual([12300, 12300]);
  });
});

describe('the Magento module (GatewayEpayment)', () => {
  /** The Curl client's headers: empty X-Source-Address and X-TimeStamp, the optional system headers. */
  async function magentoHeaders(idempotencyKey: string) {
    return {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${await api.token()}`,
      'Idempotency-Key': idempotencyKey,
      'X-Source-Address': '',
      'X-TimeStamp': '',
      'Merchant-Serial-Number': DEV.msn,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Vipps-System-Name': 'Magento 2',
      'Vipps-System-Version': '2.4.7',
      'Vipps-System-Plugin-Name': 'vipps-magento',
      'Vipps-System-Plugin-Version': '3.1.0',
    };
  }

  it('create, capture and refund with modificationReference and amount * 100 as a float, cancel by reference only', async () => {
    const increment = '000000002';
    const reference = `mage-${ref('m')
      .replace(/[^a-zA-Z0-9-]/g, '')
      .slice(-12)}`;
    const created = await send(
      'POST',
      '/epayment/v1/payments',
      await magentoHeaders(`init-${reference}`),
      JSON.stringify({
        amount: { currency: 'NOK', value: 25000 },
        paymentMethod: { type: 'WALLET' },
        reference,
        userFlow: 'WEB_REDIRECT',
        returnUrl: `https://magento.example/vipps/payment/fallback?reference=${reference}`,
        paymentDescription: `Order ${increment}`,
      }),
    );
    expectOk(created, 'create');
    expect((await api.approve(reference)).status).toBe(200);

    const modification = (value: number) =>
      `{"modificationAmount":{"currency":"NOK","value":${value}.0},"modificationReference":"${increment}"}`;
    const capture = await send(
      'POST',
      `/epayment/v1/payments/${reference}/capture`,
      await magentoHeaders(`capture-${reference}-1`),
      modification(10000),
    );
    expectOk(capture, 'capture');
    expect(capture.lint).toContain('modificationReference is not part of this request');
    const refund = await send(
      'POST',
      `/epayment/v1/payments/${reference}/refund`,
      await magentoHeaders(`refund-${reference}-1`),
      modification(2500),
    );
    expectOk(refund, 'refund');
    const cancel = await send(
      'POST',
      `/epayment/v1/payments/${reference}/cancel`,
      await magentoHeaders(`cancel-${reference}`),
      `{"modificationReference":"${increment}"}`,
    );
    expectOk(cancel, 'cancel');
    expect(cancel.body.aggregate).toMatchObject({
      capturedAmount: { value: 10000 },
      refundedAmount: { value: 2500 },
      cancelledAmount: { value: 15000 },
    });
  });
});

describe('the official Order Management Postman collection', () => {
  it('token, image, category on ECOM, receipt, get order', async () => {
    const token = await send('POST', '/accessToken/get', {
      client_id: DEV.clientId,
      client_secret: DEV.clientSecret,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Merchant-Serial-Number': DEV.msn,
    });
    expectOk(token, 'token');
    const headers = {
      'Merchant-Serial-Number': DEV.msn,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      'Content-Type': 'application/json',
      Accept: 'application/json',
      Authorization: `Bearer ${token.body.access_token as string}`,
    };
    const orderId = ref('om-postman');
    const imageId = `vipps-socks-orange-${ref('img').slice(-8)}`;
    const image = await send(
      'POST',
      '/order-management/v1/images',
      headers,
      JSON.stringify({ imageId, src: png(300, 300).toString('base64'), type: 'base64' }),
    );
    expectOk(image, 'image');
    expectOk(
      await send(
        'PUT',
        `/order-management/v2/ECOM/categories/${orderId}`,
        headers,
        `{\n  "category": "GENERAL",\n  "orderDetailsUrl": "https://www.example.com/orders/1",\n  "imageId": "${imageId}"\n}`,
      ),
      'category',
    );
    const receipt = {
      orderLines: [
        {
          name: 'Socks',
          id: 'line-1',
          totalAmount: 10_000,
          totalAmountExcludingTax: 8_000,
          totalTaxAmount: 2_000,
          taxRate: 2500,
        },
      ],
      bottomLine: { currency: 'NOK', receiptNumber: '0042' },
    };
    expectOk(
      await send('POST', `/order-management/v2/ECOM/receipts/${orderId}`, headers, JSON.stringify(receipt)),
      'receipt',
    );
    const order = await send('GET', `/order-management/v2/ECOM/${orderId}`, headers);
    expectOk(order, 'get order');
    expect(order.body.category.imageId ?? order.body.category.imageUrl).toBeTruthy();
  });
});

describe('the official Webhooks Postman collection', () => {
  it('token with an empty JSON body, register, get all, delete last, delete all', async () => {
    // The quick start's token request: Content-Type application/json with an empty body (curl --data '').
    const token = await send(
      'POST',
      '/accessToken/get',
      {
        'Content-Type': 'application/json',
        client_id: DEV.clientId,
        client_secret: DEV.clientSecret,
        'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
        'Merchant-Serial-Number': DEV.msn,
      },
      '',
    );
    expectOk(token, 'token');
    // Postman's bearer auth; the header names as the collection spells them (merchant-serial-number in lower case).
    const auth = (msnHeader: string) => ({
      Authorization: `Bearer ${token.body.access_token as string}`,
      [msnHeader]: DEV.msn,
      'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
    });
    const registered: string[] = [];
    for (const event of ['epayments.payment.captured.v1', 'epayments.payment.refunded.v1']) {
      const register = await send(
        'POST',
        '/webhooks/v1/webhooks',
        { ...auth('Merchant-Serial-Number'), 'Content-Type': 'application/json' },
        `{\r\n    "url": "https://example.com/postman-hooks",\r\n    "events": ["${event}"]\r\n}`,
      );
      expect(register.status, JSON.stringify(register.body)).toBe(201);
      expect(register.body.secret).toBeTruthy();
      registered.push(register.body.id as string);
    }
    const all = await send('GET', '/webhooks/v1/webhooks', auth('merchant-serial-number'));
    expect(all.status).toBe(200);
    const ids = (all.body.webhooks as Array<{ id: string }>).map((w) => w.id);
    expect(ids).toEqual(expect.arrayContaining(registered));
    const last = await send(
      'DELETE',
      `/webhooks/v1/webhooks/${registered[1]}`,
      auth('merchant-serial-number'),
    );
    expect(last.status).toBe(204);
    // "Delete All": the list again, then a DELETE of each id it names.
    const rest = await send('GET', '/webhooks/v1/webhooks', auth('merchant-serial-number'));
    for (const { id } of rest.body.webhooks as Array<{ id: string }>) {
      expect(
        (await send('DELETE', `/webhooks/v1/webhooks/${id}`, auth('merchant-serial-number'))).status,
      ).toBe(204);
    }
    const none = await send('GET', '/webhooks/v1/webhooks', auth('merchant-serial-number'));
    expect(none.body.webhooks).toEqual([]);
  });
});
