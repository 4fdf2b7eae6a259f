/**
 * Order Management categories (contract 6): the v2 upsert `PUT /v2/{paymentType}/categories/{orderId}`, the
 * order view `GET /v2/{paymentType}/{orderId}`, the v3 category endpoints, the deprecated v1 orders, the OM
 * error shape, MSN scoping, and data that arrives before the payment. Includes the seed documents' example
 * bodies (SEED 004) and the spec's examples, read from ../shared at test time.
 */
import { describe, expect, it } from 'vitest';
import { OM_CATEGORIES } from '@betal/contract';
import { orderDetailsSource } from '../../src/apis/order-management/service.js';
import { openForFile } from '../support/fixture.js';
import { DEV, DEV2, ref, startApi, webRedirect } from '../support/harness.js';
import { png } from './images.js';
import { expectOmError, UUID } from './om-support.js';
import { jsonBlocks, readSeed, readSpec, sharedPresent, specValidator } from './spec.js';

const api = openForFile(startApi);

async function uploadImage(imageId: string, merchant: typeof DEV | typeof DEV2 = DEV) {
  const res = await api.om(
    'POST',
    '/v1/images',
    {
      imageId,
      src: png(200, 200).toString('base64'),
      type: 'base64',
    },
    merchant,
  );
  expect(res.status).toBe(200);
}

const category = (url = 'https://example.com/orders/1', extra: Record<string, unknown> = {}) => ({
  category: 'GENERAL',
  orderDetailsUrl: url,
  ...extra,
});

describe('PUT /order-management/v2/{paymentType}/categories/{orderId}', () => {
  it('stores a category and answers 200 with its id as a JSON string; GET shows it', async () => {
    const orderId = ref('cat');
    const put = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category());
    expect(put.status).toBe(200);
    expect(put.headers.get('content-type')).toMatch(/^application\/json/);
    expect(put.body).toMatch(UUID);
    const got = await api.om('GET', `/v2/ECOM/${orderId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      category: { category: 'GENERAL', orderDetailsUrl: 'https://example.com/orders/1', imageId: null },
    });
  });

  it('is an upsert: the last write wins and keeps the id', async () => {
    const orderId = ref('upsert');
    const first = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category('https://example.com/a'));
    await uploadImage(`ticket-${orderId}`);
    const second = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, {
      category: 'TICKET',
      orderDetailsUrl: 'https://example.com/b',
      imageId: `ticket-${orderId}`,
    });
    expect(second.status).toBe(200);
    expect(second.body).toBe(first.body);
    const got = await api.om('GET', `/v2/ECOM/${orderId}`);
    expect(got.body.category).toEqual({
      category: 'TICKET',
      orderDetailsUrl: 'https://example.com/b',
      imageId: `ticket-${orderId}`,
    });
  });

  it('accepts every category of the enum and refuses another, naming category', async () => {
    const orderId = ref('enum');
    for (const kind of OM_CATEGORIES) {
      const res = await api.om(
        'PUT',
        `/v2/ECOM/categories/${orderId}`,
        category(undefined, { category: kind }),
      );
      expect(res.status, kind).toBe(200);
      expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.category.category).toBe(kind);
    }
    const bad = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, { ...category(), category: 'INVOICE' });
    expectOmError(bad, 400, 'category');
  });

  it('refuses a missing or non-http(s) orderDetailsUrl; http gets a lint notice', async () => {
    const orderId = ref('url');
    expectOmError(
      await api.om('PUT', `/v2/ECOM/categories/${orderId}`, { category: 'GENERAL' }),
      400,
      'orderDetailsUrl',
    );
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'not a url', '/relative/path']) {
      expectOmError(
        await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category(url)),
        400,
        'orderDetailsUrl',
      );
    }
    const http = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category('http://localhost:3000/o/1'));
    expect(http.status).toBe(200);
    expect(http.headers.get('x-betal-lint')).toMatch(/orderDetailsUrl uses http/);
  });

  // Issue #9 reverses the earlier 400: the spec allows additional properties.
  it('ignores an unknown field, naming it in a lint notice', async () => {
    const res = await api.om('PUT', `/v2/ECOM/categories/${ref()}`, category(undefined, { colour: 'red' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-betal-lint')).toContain('colour is not part of this request');
  });

  it('answers 404 naming imageId when the image was not uploaded by this merchant', async () => {
    const imageId = `dk-only-${ref()}`;
    await uploadImage(imageId, DEV2);
    const res = await api.om('PUT', `/v2/ECOM/categories/${ref()}`, category(undefined, { imageId }));
    expectOmError(res, 404, 'imageId');
    expect(res.body.title).toBe('Not Found');
  });

  it('takes paymentType in any case with a lint notice, and refuses others', async () => {
    const orderId = ref('case');
    const lower = await api.om(
      'PUT',
      `/v2/recurring/categories/${orderId}`,
      category('https://example.com/r'),
    );
    expect(lower.status).toBe(200);
    expect(lower.headers.get('x-betal-lint')).toMatch(/paymentType 'recurring' was taken as 'RECURRING'/);
    const upper = await api.om('GET', `/v2/RECURRING/${orderId}`);
    expect(upper.status).toBe(200);
    expect(upper.headers.get('x-betal-lint')).toBeNull();
    expect(upper.body.category.orderDetailsUrl).toBe('https://example.com/r');
    // ECOM and RECURRING are different orders.
    expectOmError(await api.om('GET', `/v2/ECOM/${orderId}`), 404, 'orderId');
    expectOmError(await api.om('PUT', `/v2/CARD/categories/${orderId}`, category()), 400, 'paymentType');
  });

  it('refuses an orderId outside the pattern', async () => {
    expectOmError(await api.om('PUT', '/v2/ECOM/categories/order%20one', category()), 400, 'orderId');
    expectOmError(await api.om('GET', '/v2/ECOM/order%2Bplus'), 400, 'orderId');
  });

  it('keeps orders per MSN: another merchant sees nothing of this order', async () => {
    const orderId = ref('scoped');
    await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category());
    expectOmError(await api.om('GET', `/v2/ECOM/${orderId}`, undefined, DEV2), 404);
    const theirs = await api.om(
      'PUT',
      `/v2/ECOM/categories/${orderId}`,
      category('https://dk.example.com'),
      DEV2,
    );
    expect(theirs.status).toBe(200);
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.category.orderDetailsUrl).toBe(
      'https://example.com/orders/1',
    );
  });

  it('takes data before the payment exists, and the payment then shows it in the app', async () => {
    const reference = ref('before');
    await uploadImage(`img-${reference}`);
    const put = await api.om('PUT', `/v2/ECOM/categories/${reference}`, {
      category: 'BOOKING',
      orderDetailsUrl: `https://example.com/bookings/${reference}`,
      imageId: `img-${reference}`,
    });
    expect(put.status).toBe(200);
    expect((await api.create(webRedirect(reference))).status).toBe(201);
    const source = orderDetailsSource(api.started.platform.orders);
    expect(await source.find(DEV.msn, reference)).toEqual({
      category: 'BOOKING',
      orderDetailsUrl: `https://example.com/bookings/${reference}`,
      imageUrl: `/betal/images/${DEV.msn}/img-${reference}`,
    });
    expect(await source.find(DEV2.msn, reference)).toBeUndefined();
    expect(await source.find(DEV.msn, ref('none'))).toBeUndefined();
  });
});

describe('GET /order-management/v2/{paymentType}/{orderId}', () => {
  it('answers 404 in the OM shape when the order has no category and no receipt', async () => {
    const res = await api.om('GET', `/v2/ECOM/${ref('empty')}`);
    expectOmError(res, 404, 'orderId');
  });

  it('answers 404 for a payment that exists but has no order data', async () => {
    const reference = ref('bare');
    await api.create(webRedirect(reference));
    expectOmError(await api.om('GET', `/v2/ECOM/${reference}`), 404);
  });
});

describe('v3 categories', () => {
  it('adds, lists, gets and deletes categories; the latest is what GET v2 and the app show', async () => {
    const orderId = ref('v3');
    await uploadImage(`v3-${orderId}`);
    const v2 = await api.om('PUT', `/v2/ECOM/categories/${orderId}`, category('https://example.com/v2'));
    const added = await api.om('POST', '/v3/categories', {
      orderId,
      paymentType: 'ECOM',
      type: 'RECEIPT',
      url: 'https://example.com/v3',
      imageId: `v3-${orderId}`,
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ categoryId: expect.stringMatching(UUID) });
    const { categoryId } = added.body;

    const listed = await api.om('GET', `/v3/categories?orderId=${orderId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.categories).toEqual([
      { categoryId: v2.body, orderId, paymentType: 'ECOM', type: 'GENERAL', url: 'https://example.com/v2' },
      {
        categoryId,
        orderId,
        paymentType: 'ECOM',
        type: 'RECEIPT',
        url: 'https://example.com/v3',
        imageId: `v3-${orderId}`,
      },
    ]);
    expect((await api.om('GET', `/v3/categories/${categoryId}`)).body).toEqual(listed.body.categories[1]);
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.category.orderDetailsUrl).toBe(
      'https://example.com/v3',
    );

    const deleted = await api.om('DELETE', `/v3/categories/${categoryId}`);
    expect(deleted.status).toBe(200);
    expectOmError(await api.om('GET', `/v3/categories/${categoryId}`), 404, 'categoryId');
    expectOmError(await api.om('DELETE', `/v3/categories/${categoryId}`), 404, 'categoryId');
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.category.orderDetailsUrl).toBe(
      'https://example.com/v2',
    );
  });

  it('refuses bad bodies, a bad categoryId and a missing orderId query', async () => {
    const orderId = ref('v3bad');
    const body = { orderId, paymentType: 'ECOM', type: 'GENERAL', url: 'https://example.com' };
    for (const field of ['orderId', 'paymentType', 'type', 'url'] as const) {
      const { [field]: _, ...rest } = body;
      expectOmError(await api.om('POST', '/v3/categories', rest), 400, field);
    }
    expectOmError(await api.om('POST', '/v3/categories', { ...body, orderId: 'a b' }), 400, 'orderId');
    expectOmError(await api.om('POST', '/v3/categories', { ...body, url: 'javascript:x' }), 400, 'url');
    expectOmError(
      await api.om('POST', '/v3/categories', { ...body, imageId: 'missing-image' }),
      400,
      'imageId',
    );
    expectOmError(await api.om('GET', '/v3/categories/not-a-uuid'), 400, 'categoryId');
    expectOmError(await api.om('GET', '/v3/categories'), 400, 'orderId');
    const lower = await api.om('POST', '/v3/categories', { ...body, paymentType: 'ecom' });
    expect(lower.status).toBe(201);
    expect(lower.headers.get('x-betal-lint')).toMatch(/paymentType 'ecom' was taken as 'ECOM'/);
  });

  it("does not show or delete another merchant's category", async () => {
    const added = await api.om('POST', '/v3/categories', {
      orderId: ref('v3scope'),
      paymentType: 'ECOM',
      type: 'GENERAL',
      url: 'https://example.com',
    });
    const { categoryId } = added.body;
    expectOmError(await api.om('GET', `/v3/categories/${categoryId}`, undefined, DEV2), 404);
    expectOmError(await api.om('DELETE', `/v3/categories/${categoryId}`, undefined, DEV2), 404);
    expect((await api.om('GET', `/v3/categories/${categoryId}`)).status).toBe(200);
  });
});

describe('deprecated v1 orders', () => {
  it('PUT and GET /v1/orders/{transactionId} work on the ECOM order', async () => {
    const orderId = ref('v1');
    await uploadImage(`v1-${orderId}`);
    const put = await api.om(
      'PUT',
      `/v1/orders/${orderId}`,
      category('https://example.com/v1', { imageId: `v1-${orderId}` }),
    );
    expect(put.status).toBe(200);
    const got = await api.om('GET', `/v1/orders/${orderId}`);
    expect(got.body).toEqual({
      category: 'GENERAL',
      orderDetailsUrl: 'https://example.com/v1',
      imageIds: [{ id: `v1-${orderId}`, sortOrder: 1 }],
    });
    expect((await api.om('GET', `/v2/ECOM/${orderId}`)).body.category.imageId).toBe(`v1-${orderId}`);
    expectOmError(await api.om('GET', `/v1/orders/${ref('nov1')}`), 404);
  });
});

const OM_SPEC = 'specs/order-management.v2.yaml';

describe.skipIf(!sharedPresent(OM_SPEC, 'seeds'))('examples of the seeds and the spec', () => {
  it('SEED 004: the category bodies on PUT /v2/ecom/categories/{orderId}, then the invoice payment', async () => {
    const seed = readSeed('004');
    const bodies = jsonBlocks(seed)
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .filter((b) => 'category' in b);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    // The seed's path uses lower-case `ecom`, and the reference of its create examples as orderId.
    const createBodies = jsonBlocks(seed)
      .filter((t) => t.includes('"reference"'))
      .map((t) => JSON.parse(t) as { reference: string });
    const orderId = createBodies[0]?.reference as string;
    expect(orderId).toBe('acme-shop-123-order123abc');
    expect(seed).toContain('/v2/ecom/categories/{orderId}');
    for (const body of bodies) {
      const res = await api.om('PUT', `/v2/ecom/categories/${orderId}`, body);
      expect(res.status).toBe(200);
      expect(res.body).toMatch(UUID);
      expect(res.headers.get('x-betal-lint')).toMatch(/paymentType 'ecom'/);
      const got = await api.om('GET', `/v2/ecom/${orderId}`);
      expect(got.body.category).toEqual({ ...body, imageId: null });
    }
    // The payment with the same reference (the seed's own body has an expiresAt in 2023, so it is sent as a
    // plain WEB_REDIRECT payment here): its order shows the category in the app.
    expect((await api.create(webRedirect(orderId, 2000))).status).toBe(201);
    const found = await orderDetailsSource(api.started.platform.orders).find(DEV.msn, orderId);
    expect(found).toEqual({
      category: 'GENERAL',
      orderDetailsUrl: 'https://example.com/orderdetails/acme-shop-123-order123abc',
    });
  });

  it("the spec's examples: v2 category, v3 category (with its image id), and v1 order", async () => {
    const spec = readSpec('order-management.v2.yaml');
    const v2 =
      spec.paths['/v2/{paymentType}/categories/{orderId}'].put.requestBody.content['application/json']
        .examples['Adding order metadata with one image'].value;
    const v3 =
      spec.paths['/v3/categories'].post.requestBody.content['application/json'].examples['Example 1'].value;
    const image =
      spec.paths['/v1/images'].post.requestBody.content['application/json'].examples['Example 1'].value;
    // The image example's src is not an image (it is base64 of text): refused, then a real PNG under its id.
    const refused = await api.om('POST', '/v1/images', image);
    expectOmError(refused, 400, 'src');
    await uploadImage(v3.imageId);
    await uploadImage(v2.imageId);
    expect((await api.om('PUT', '/v2/ECOM/categories/spec-example-1', v2)).status).toBe(200);
    const created = await api.om('POST', '/v3/categories', v3);
    expect(created.status).toBe(201);

    const validate = specValidator('order-management.v2.yaml');
    expect(validate('Order', v2)).toEqual([]);
    expect(validate('AddCategoryRequest', v3)).toEqual([]);
    expect(validate('AddCategoryResponse', created.body)).toEqual([]);
    const list = await api.om('GET', `/v3/categories?orderId=${v3.orderId}`);
    expect(validate('GetCategoriesResponse', list.body)).toEqual([]);
    const one = await api.om('GET', `/v3/categories/${created.body.categoryId}`);
    expect(validate('Category', one.body)).toEqual([]);
    const order = await api.om('GET', '/v2/ECOM/spec-example-1');
    expect(validate('OrderV2Response', order.body)).toEqual([]);
    const v1 = await api.om('GET', '/v1/orders/spec-example-1');
    expect(v1.status).toBe(200);
  });

  it('error bodies validate against the spec ErrorResponse', async () => {
    const validate = specValidator('order-management.v2.yaml');
    const errors = [
      await api.om('PUT', '/v2/ECOM/categories/x', { category: 'NOPE', orderDetailsUrl: 'https://e.com' }),
      await api.om('GET', `/v2/ECOM/${ref('missing')}`),
      await api.om('PUT', '/v2/ECOM/categories/x', category(undefined, { imageId: 'nope' })),
    ];
    expect(errors.map((e) => e.status)).toEqual([400, 404, 404]);
    for (const e of errors) expect(validate('ErrorResponse', e.body)).toEqual([]);
  });
});

describe('the OpenAPI document at /docs', () => {
  it('lists the Order Management and Userinfo endpoints with their tags', async () => {
    const res = await fetch(`${api.url}/docs/json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const expected: Array<[string, string, string]> = [
      ['/order-management/v1/images', 'post', 'Order Management'],
      ['/order-management/v2/{paymentType}/categories/{orderId}', 'put', 'Order Management'],
      ['/order-management/v2/{paymentType}/receipts/{orderId}', 'post', 'Order Management'],
      ['/order-management/v2/{paymentType}/{orderId}', 'get', 'Order Management'],
      ['/order-management/v3/categories', 'post', 'Order Management'],
      ['/order-management/v3/categories/{categoryId}', 'delete', 'Order Management'],
      ['/vipps-userinfo-api/userinfo/{sub}', 'get', 'Userinfo'],
    ];
    for (const [path, method, tag] of expected) {
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toContain(tag);
    }
  });
});
