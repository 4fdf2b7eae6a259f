/**
 * The HTTP edge as the API gateway behaves (issue #9 items 1, 3, 4 and issue #10 item 5): paths in any case and
 * with or without a trailing slash on every API (with a lint notice, path parameters keeping their case);
 * tolerant reading (unknown fields, whole-number floats, `bearer`, no Content-Type, Userinfo without a
 * subscription key) and strict mode, which refuses each of those with 400 in the API's shape and stores nothing;
 * every error in the shape of the API its path belongs to, including those raised before routing (bad
 * percent-encoding, 414, 431, a bad request line), which say `Connection: close` when the socket is closed.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../src/internal-entry.js';
import { apiOfPath } from '../../src/http/apis.js';
import { absoluteFormPath, answerClientError, pathSpellingNotice } from '../../src/http/wire.js';
import { Api, DEV, T0, errorCode, ref, startApi, webRedirect } from '../support/harness.js';
import { sharedPresent, specValidator } from '../order-management/spec.js';

let api: Api;
let strict: Api;
beforeAll(async () => {
  api = await startApi();
  strict = new Api(await startPlatform({ frozenAt: T0, config: { strict: true } }));
});
afterAll(async () => {
  await api.close();
  await strict.close();
});

const PROBLEM_KEYS = ['detail', 'extraDetails', 'instance', 'status', 'title', 'traceId', 'type'];
const OM_KEYS = ['detail', 'instance', 'invalidParams', 'title', 'type'];
const USERINFO_KEYS = ['detail', 'instance', 'status', 'title', 'type'];

function lint(res: { headers: Headers }): string {
  return res.headers.get('x-betal-lint') ?? '';
}

async function authorized(target: Api = api, reference = ref('edge')): Promise<string> {
  expect((await target.create(webRedirect(reference))).status).toBe(201);
  expect((await target.approve(reference)).status).toBe(200);
  return reference;
}

/** Writes `chunks` on one raw connection (each after the previous answer's end) and reads until it closes. */
function exchange(
  url: string,
  chunks: string[],
): Promise<{ text: string; error?: string; answers: string[] }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let text = '';
    let error: string | undefined;
    let next = 0;
    const answers: string[] = [];
    const writeNext = () => {
      const chunk = chunks[next++];
      if (chunk !== undefined) socket.write(chunk);
    };
    socket.on('connect', writeNext);
    socket.on('data', (data) => {
      text += data.toString('latin1');
      // One answer per chunk: once the previous one is complete (its Content-Length read), send the next.
      const parts = text.split(/(?=HTTP\/1\.1 \d{3} )/);
      const last = parts[parts.length - 1] ?? '';
      const length = /content-length: (\d+)/i.exec(last);
      const bodyStart = last.indexOf('\r\n\r\n');
      if (length && bodyStart !== -1 && last.length - bodyStart - 4 >= Number(length[1])) {
        if (parts.length === next) writeNext();
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => {
      answers.push(...text.split(/(?=HTTP\/1\.1 \d{3} )/).filter((t) => t !== ''));
      resolve({ text, answers, ...(error !== undefined ? { error } : {}) });
    });
  });
}

function parseAnswer(answer: string): { status: number; headers: Record<string, string>; body: any } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(lines[0]?.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
}

describe('paths as the gateway matches them (issue #9 item 1)', () => {
  it('the spelling of the spec has no lint notice; another case or a trailing slash has one, never a 404', () => {
    expect(pathSpellingNotice('/accesstoken/get', '/accesstoken/get')).toBeUndefined();
    expect(pathSpellingNotice('/accesstoken/get', '/accessToken/get')).toMatch(
      /'accessToken' in another case/,
    );
    expect(pathSpellingNotice('/order-management/v1/images', '/order-management/v1/images/')).toMatch(
      /a trailing slash/,
    );
    // Parameters are not compared: a reference in any case is the merchant's own.
    expect(
      pathSpellingNotice('/epayment/v1/payments/:reference', '/epayment/v1/payments/AbC'),
    ).toBeUndefined();
  });

  it('POST /accessToken/get (the Postman collections, WooCommerce, Magento) issues a token', async () => {
    const res = await fetch(`${api.url}/accessToken/get`, {
      method: 'POST',
      headers: {
        client_id: DEV.clientId,
        client_secret: DEV.clientSecret,
        'Ocp-Apim-Subscription-Key': DEV.subscriptionKey,
      },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access_token: string }).access_token).toBeTruthy();
    expect(res.headers.get('x-betal-lint')).toMatch(/accessToken/);
  });

  it('ePayment in another case and with a trailing slash; the reference keeps its case', async () => {
    const reference = `MiXeD-${ref('case')}`;
    const created = await api.call('POST', '/ePayment/V1/Payments/', {
      body: webRedirect(reference),
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-${reference}` }),
    });
    expect(created.status).toBe(201);
    expect(lint(created)).toMatch(/another case and a trailing slash/);
    const got = await api.call<any>('GET', `/EPAYMENT/v1/payments/${reference}/`);
    expect(got.status).toBe(200);
    expect(got.body.reference).toBe(reference);
    // Another case of the reference is another reference.
    expect((await api.call('GET', `/epayment/v1/payments/${reference.toLowerCase()}`)).status).toBe(404);
  });

  it('Webhooks, Order Management and Userinfo, in another case or with a trailing slash', async () => {
    const registered = await api.call<any>('POST', '/Webhooks/v1/webhooks/', {
      body: { url: 'https://example.com/case', events: ['epayments.payment.created.v1'] },
    });
    expect(registered.status).toBe(201);
    expect(lint(registered)).toMatch(/Path/);
    expect((await api.call('DELETE', `/webhooks/v1/Webhooks/${registered.body.id}/`)).status).toBe(204);

    const orderId = `Order-${ref('om')}`;
    const category = { category: 'GENERAL', orderDetailsUrl: 'https://example.com/o' };
    const put = await api.call('PUT', `/Order-Management/v2/ECOM/categories/${orderId}/`, { body: category });
    expect(put.status).toBe(200);
    const got = await api.call<any>('GET', `/order-management/V2/ECOM/${orderId}`);
    expect(got.status).toBe(200);
    expect(got.body.orderId ?? orderId).toBe(orderId);
    expect((await api.call('GET', `/order-management/v2/ECOM/${orderId.toLowerCase()}`)).status).toBe(404);

    const userinfo = await api.call<any>('GET', '/Vipps-Userinfo-Api/userinfo/no-such-sub/');
    expect(userinfo.status).toBe(404);
    expect(Object.keys(userinfo.body).sort()).toEqual(USERINFO_KEYS);
  });
});

describe('tolerant reading (issue #9 item 3)', () => {
  it("WooCommerce's customer.customerInteraction and Magento's modificationReference: ignored, with a notice", async () => {
    const reference = ref('tolerant');
    const created = await api.create(
      webRedirect(reference, 10_000, { customer: { customerInteraction: 'CUSTOMER_NOT_PRESENT' } }),
    );
    expect(created.status).toBe(201);
    expect(lint(created)).toContain('customer.customerInteraction is not part of this request');
    await api.approve(reference);
    const capture = await api.call<any>('POST', `/epayment/v1/payments/${reference}/capture`, {
      body: { modificationAmount: { currency: 'NOK', value: 1_000 }, modificationReference: 'inv-1' },
      headers: await api.headers(DEV, { 'Idempotency-Key': `cap-${reference}` }),
    });
    expect(capture.status).toBe(200);
    expect(lint(capture)).toContain('modificationReference is not part of this request');
    expect(capture.body.aggregate.capturedAmount.value).toBe(1_000);
  });

  it('a whole-number float for an integer (PHP json_encode of $amount * 100) is taken; a fraction is 400', async () => {
    const reference = ref('float');
    const raw = JSON.stringify(webRedirect(reference, 12_300)).replace('"value":12300', '"value":12300.0');
    const created = await api.call('POST', '/epayment/v1/payments', {
      raw,
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-${reference}` }),
    });
    expect(created.status).toBe(201);
    expect(lint(created)).toMatch(/amount\.value was sent as 12300\.0/);
    expect((await api.get(reference)).body.amount.value).toBe(12_300);
    const fraction = await api.call('POST', '/epayment/v1/payments', {
      raw: JSON.stringify(webRedirect(ref('frac'), 12_300)).replace('"value":12300', '"value":12300.5'),
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-frac-${reference}` }),
    });
    expect(fraction.status).toBe(400);
    expect(errorCode(fraction.body)).toBe('4040');
    // A fraction too small for a double to hold is still a fraction: read from the digits, never rounded.
    const tiny = ref('tiny');
    const hidden = await api.call('POST', '/epayment/v1/payments', {
      raw: JSON.stringify(webRedirect(tiny, 12_300)).replace('"value":12300', '"value":12300.0000000000001'),
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-tiny-${reference}` }),
    });
    expect(hidden.status).toBe(400);
    expect(errorCode(hidden.body)).toBe('4040');
    expect((await api.get(tiny)).status).toBe(404);
    // An exponent that makes a whole number is whole.
    const exponent = ref('exp');
    const created1e = await api.call('POST', '/epayment/v1/payments', {
      raw: JSON.stringify(webRedirect(exponent, 12_300)).replace('"value":12300', '"value":1.23e4'),
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-exp-${reference}` }),
    });
    expect(created1e.status).toBe(201);
    expect((await api.get(exponent)).body.amount.value).toBe(12_300);
  });

  it("'bearer' in any case is accepted with a notice; another scheme is still 401", async () => {
    const token = await api.token();
    for (const scheme of ['bearer', 'BEARER']) {
      const res = await api.call('GET', '/webhooks/v1/webhooks', {
        headers: { ...(await api.headers()), Authorization: `${scheme} ${token}` },
      });
      expect(res.status).toBe(200);
      expect(lint(res)).toMatch(/Authorization scheme/);
    }
    const basic = await api.call('GET', '/webhooks/v1/webhooks', {
      headers: { ...(await api.headers()), Authorization: `Basic ${token}` },
    });
    expect(basic.status).toBe(401);
  });

  it('Userinfo without Ocp-Apim-Subscription-Key is authenticated by the token; a wrong key is 401', async () => {
    const headers = await api.headers();
    delete headers['Ocp-Apim-Subscription-Key'];
    const res = await api.call<any>('GET', '/vipps-userinfo-api/userinfo/no-such-sub', { headers });
    expect(res.status).toBe(404);
    expect(res.body.status).toBe('404');
    const wrong = await api.call<any>('GET', '/vipps-userinfo-api/userinfo/no-such-sub', {
      headers: { ...headers, 'Ocp-Apim-Subscription-Key': 'wrong' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.status).toBe('401');
    expect(wrong.body.statusCode).toBe(401);
  });

  it('cancel without Idempotency-Key (recommended, not required) and Content-Type variants', async () => {
    const reference = await authorized();
    const cancel = await api.call('POST', `/epayment/v1/payments/${reference}/cancel`, {
      body: { cancelTransactionOnly: false },
      headers: await api.headers(DEV, { 'Content-Type': 'application/json; charset=utf-8' }),
    });
    expect(cancel.status).toBe(200);
    const headers = await api.headers(DEV, { 'Idempotency-Key': `k-${ref('noct')}` });
    delete headers['Content-Type'];
    const untyped = await fetch(`${api.url}/epayment/v1/payments`, {
      method: 'POST',
      headers,
      body: new Blob([JSON.stringify(webRedirect(ref('noct')))]),
    });
    expect(untyped.status).toBe(201);
    expect(untyped.headers.get('x-betal-lint')).toMatch(/Content-Type is missing/);
  });
});

describe('strict mode: every lint notice is a 400 in the API shape, and nothing is stored', () => {
  it('an unknown field on create: 400 naming it, no payment', async () => {
    const reference = ref('strict');
    const res = await strict.create(webRedirect(reference, 10_000, { color: 'blue' }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body as object).sort()).toEqual(PROBLEM_KEYS);
    expect((res.body as any).extraDetails).toEqual([
      { name: 'color', reason: expect.stringMatching(/color/) },
    ]);
    expect((await strict.get(reference)).status).toBe(404);
    // The refusal is not kept for the key: the fixed request with the same key succeeds.
    expect((await strict.create(webRedirect(reference))).status).toBe(201);
  });

  it('an http:// returnUrl (a notice raised while the payment is created) is refused and rolled back', async () => {
    const reference = ref('strict-http');
    const res = await strict.create(webRedirect(reference, 10_000, { returnUrl: 'http://example.com/r' }));
    expect(res.status).toBe(400);
    expect((res.body as any).extraDetails[0].name).toBe('returnUrl');
    expect((await strict.get(reference)).status).toBe(404);
  });

  it('a path spelling, a float, bearer: 400; OM and Userinfo answer in their shapes', async () => {
    expect(await strict.token()).toBeTruthy(); // POST /accesstoken/get as the spec spells it
    const path = await strict.call<any>('GET', '/Webhooks/v1/webhooks');
    expect(path.status).toBe(400);
    expect(path.body.extraDetails[0].name).toBe('path');
    const bearer = await strict.call('GET', '/webhooks/v1/webhooks', {
      headers: { ...(await strict.headers()), Authorization: `bearer ${await strict.token()}` },
    });
    expect(bearer.status).toBe(400);
    expect((bearer.body as any).extraDetails[0].name).toBe('Authorization');
    const reference = await authorized(strict);
    const float = await strict.call('POST', `/epayment/v1/payments/${reference}/capture`, {
      raw: '{"modificationAmount":{"currency":"NOK","value":1000.0}}',
      headers: await strict.headers(DEV, { 'Idempotency-Key': `c-${reference}` }),
    });
    expect(float.status).toBe(400);
    expect((await strict.get(reference)).body.aggregate.capturedAmount.value).toBe(0);

    const om = await strict.call<any>('PUT', `/order-management/v2/ecom/categories/${ref('s')}`, {
      body: { category: 'GENERAL', orderDetailsUrl: 'https://example.com/o' },
    });
    expect(om.status).toBe(400);
    expect(Object.keys(om.body).sort()).toEqual(OM_KEYS);
    expect(om.body.invalidParams[0].name).toBe('paymentType');
    const userinfo = await strict.call<any>('GET', '/vipps-userinfo-api/userinfo/x/');
    expect(userinfo.status).toBe(400);
    expect(userinfo.body.status).toBe('400');
  });

  it('a request that conforms is answered as usual', async () => {
    const reference = await authorized(strict);
    expect((await strict.modify('capture', reference, 1_000, `c-${reference}`)).status).toBe(200);
  });
});

describe('every error in the shape of its API (issue #9 item 14)', () => {
  it('apiOfPath: by the first segment, in any case', () => {
    expect(apiOfPath('/EPAYMENT/v1/x')).toBe('epayment');
    expect(apiOfPath('/order-management/v2?x=1')).toBe('order-management');
    expect(apiOfPath('/vipps-userinfo-api/userinfo/')).toBe('userinfo');
    expect(apiOfPath('/accessToken/get')).toBe('accesstoken');
    expect(apiOfPath('/webhooks/v1/webhooks')).toBe('webhooks');
    expect(apiOfPath('/betal/health')).toBe('platform');
    expect(apiOfPath('http://host/order-management/v1')).toBe('order-management');
    expect(apiOfPath('*')).toBe('platform');
  });

  it('an unknown path under each prefix answers that API 404', async () => {
    const epayment = await api.call<any>('GET', '/epayment/v9/nothing');
    expect(epayment.status).toBe(404);
    expect(epayment.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Object.keys(epayment.body).sort()).toEqual(PROBLEM_KEYS);
    const om = await api.call<any>('GET', '/order-management/v9/nothing');
    expect(om.status).toBe(404);
    expect(Object.keys(om.body).sort()).toEqual(OM_KEYS);
    expect(om.body.title).toBe('Not Found');
    const userinfo = await api.call<any>('GET', '/vipps-userinfo-api/nothing');
    expect(userinfo.status).toBe(404);
    expect(Object.keys(userinfo.body).sort()).toEqual(USERINFO_KEYS);
    expect(userinfo.body.status).toBe('404');
    const webhooks = await api.call<any>('GET', '/webhooks/v2/webhooks');
    expect(webhooks.status).toBe(404);
    expect(Object.keys(webhooks.body).sort()).toEqual(PROBLEM_KEYS);
    const token = await api.call<any>('GET', '/accesstoken/nothing');
    expect(token.body).toEqual({ statusCode: 404, message: expect.any(String) });
  });

  it('Order Management: a bad percent-encoding is 400 and an over-long path segment 414, both in its shape', async () => {
    const bad = await api.call<any>('GET', '/order-management/v2/ECOM/%ZZ');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body).sort()).toEqual(OM_KEYS);
    expect(bad.body.invalidParams.length).toBeGreaterThan(0);
    for (const p of bad.body.invalidParams) expect(p.name).not.toBe('');
    const long = await api.call<any>('GET', `/order-management/v2/ECOM/${'a'.repeat(300)}`);
    expect(long.status).toBe(414);
    expect(Object.keys(long.body).sort()).toEqual(OM_KEYS);
    expect(long.body.title).toBe('URI Too Long');
    const userinfo = await api.call<any>('GET', '/vipps-userinfo-api/userinfo/%ZZ');
    expect(userinfo.status).toBe(400);
    expect(userinfo.body.status).toBe('400');
    // A GET's body is not read (a broken one is no 5xx): the unknown sub is the Userinfo 404.
    const headers = await api.headers();
    const head = Object.entries({ ...headers, Host: 'x', 'Content-Length': '5', Connection: 'close' })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    const { answers } = await exchange(api.url, [
      `GET /vipps-userinfo-api/userinfo/x HTTP/1.1\r\n${head}\r\n\r\n{"a":`,
    ]);
    const broken = parseAnswer(answers[0] as string);
    expect(broken.status).toBe(404);
    expect(broken.body.status).toBe('404');
  });

  it('Order Management: invalidParams names are never empty, even for a body that is not an object', async () => {
    for (const raw of ['"a string"', '[]', '42', 'null']) {
      const res = await api.call<any>('PUT', `/order-management/v2/ECOM/categories/${ref('np')}`, {
        raw,
        headers: await api.headers(),
      });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body).sort()).toEqual(OM_KEYS);
      for (const p of res.body.invalidParams) expect(p.name).not.toBe('');
    }
  });
});

describe('errors before routing: the API shape and Connection: close (issue #10 item 5)', () => {
  it('a 17 KB header on a kept-alive connection: 431 Problem with Connection: close, after the first answer', async () => {
    const { answers, error } = await exchange(api.url, [
      'GET /betal/health HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET /epayment/v1/payments/x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
    ]);
    expect(error).toBeUndefined(); // no ECONNRESET: the socket is ended after the answer
    expect(answers).toHaveLength(2);
    expect(parseAnswer(answers[0] as string).status).toBe(200);
    const refused = parseAnswer(answers[1] as string);
    expect(refused.status).toBe(431);
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Object.keys(refused.body).sort()).toEqual(PROBLEM_KEYS);
  });

  it('a request line over the limit under /order-management: 414 in the OM shape', async () => {
    const { answers, error } = await exchange(api.url, [
      `GET /order-management/v2/ECOM/${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]);
    expect(error).toBeUndefined();
    const refused = parseAnswer(answers[0] as string);
    expect(refused.status).toBe(414);
    expect(refused.headers.connection).toBe('close');
    expect(Object.keys(refused.body).sort()).toEqual(OM_KEYS);
  });

  it('an absolute-form target (RFC 9112 3.2.2) is routed by its path', async () => {
    const host = new URL(api.url).host;
    const { answers, error } = await exchange(api.url, [
      `GET http://${host}/epayment/v1/payments/no-such-ref HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    ]);
    expect(error).toBeUndefined();
    const answer = parseAnswer(answers[0] as string);
    // Routed to GET payment: without credentials that is the gateway's 401, not a 404 for an unknown path.
    expect(answer.status).toBe(401);
    expect(absoluteFormPath('https://api.vipps.no/epayment/v1/payments?x=1')).toBe(
      '/epayment/v1/payments?x=1',
    );
    expect(absoluteFormPath('http://host')).toBe('/');
    expect(absoluteFormPath('/already')).toBe('/already');
  });

  it('a target without its leading slash, a bad method, a bad version: 400 in the shape of the path', async () => {
    for (const [line, keys] of [
      ['GET vipps-userinfo-api/userinfo/x HTTP/1.1', USERINFO_KEYS],
      ['G@T /order-management/v2/ECOM/x HTTP/1.1', OM_KEYS],
      ['GET /epayment/v1/payments/x HTTP/9.9', PROBLEM_KEYS],
    ] as const) {
      const { answers, error } = await exchange(api.url, [`${line}\r\nHost: x\r\n\r\n`]);
      expect(error, line).toBeUndefined();
      const refused = parseAnswer(answers[0] as string);
      expect(refused.status, line).toBe(400);
      expect(refused.headers.connection).toBe('close');
      expect(Object.keys(refused.body).sort(), line).toEqual(keys);
    }
  });

  it('an HTTP/1.1 request without Host: 400 in the shape of the path, Connection: close', async () => {
    for (const [target, keys] of [
      ['/epayment/v1/payments/x', PROBLEM_KEYS],
      ['/order-management/v2/ECOM/x', OM_KEYS],
      ['/vipps-userinfo-api/userinfo/x', USERINFO_KEYS],
    ] as const) {
      const { answers, error } = await exchange(api.url, [`GET ${target} HTTP/1.1\r\n\r\n`]);
      expect(error, target).toBeUndefined();
      expect(answers).toHaveLength(1);
      const refused = parseAnswer(answers[0] as string);
      expect(refused.status, target).toBe(400);
      expect(refused.headers.connection).toBe('close');
      expect(Object.keys(refused.body).sort(), target).toEqual(keys);
    }
  });
});

describe.skipIf(!sharedPresent('specs/order-management.v2.yaml', 'specs/userinfo.yaml'))(
  'edge errors validate against the Order Management and Userinfo specs',
  () => {
    it('OM ErrorResponse: 404, bad percent-encoding, 414, a strict refusal; UserinfoError: 404, 400, 401', async () => {
      const om = specValidator('order-management.v2.yaml');
      const omErrors = [
        await api.call('GET', '/order-management/v9/nothing'),
        await api.call('GET', '/order-management/v2/ECOM/%ZZ'),
        await api.call('GET', `/order-management/v2/ECOM/${'a'.repeat(300)}`),
        await strict.call('GET', `/order-management/v2/ecom/${ref('x')}`),
      ];
      expect(omErrors.map((e) => e.status)).toEqual([404, 400, 414, 400]);
      for (const e of omErrors) expect(om('ErrorResponse', e.body)).toEqual([]);
      const userinfo = specValidator('userinfo.yaml');
      const headers = await api.headers();
      const userinfoErrors = [
        await api.call('GET', '/vipps-userinfo-api/nothing'),
        await api.call('GET', '/vipps-userinfo-api/userinfo/%ZZ'),
        await api.call('GET', '/vipps-userinfo-api/userinfo/x', {
          headers: { ...headers, 'Ocp-Apim-Subscription-Key': 'wrong' },
        }),
      ];
      expect(userinfoErrors.map((e) => e.status)).toEqual([404, 400, 401]);
      for (const e of userinfoErrors) expect(userinfo('UserinfoError', e.body)).toEqual([]);
    });
  },
);

describe('headers the spec bounds but the live API does not enforce', () => {
  it('a Vipps-System-* header over 30 characters: accepted with a notice; strict mode refuses it naming it', async () => {
    const long = { 'Vipps-System-Plugin-Version': '1.2.3-build.20261122.abcdef0123' };
    const res = await api.call('POST', '/epayment/v1/payments', {
      body: webRedirect(ref('sys')),
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-${ref('sys')}`, ...long }),
    });
    expect(res.status).toBe(201);
    expect(lint(res)).toMatch(/Vipps-System-Plugin-Version is 31 characters long/);
    const reference = ref('sys-strict');
    const refused = await strict.call<any>('POST', '/epayment/v1/payments', {
      body: webRedirect(reference),
      headers: await strict.headers(DEV, { 'Idempotency-Key': `k-${reference}`, ...long }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.extraDetails[0].name).toBe('Vipps-System-Plugin-Version');
    expect((await strict.get(reference)).status).toBe(404);
  });
});

describe('Order Management credentials in the OM shape (issue #9 item 14)', () => {
  it('no token: 401; another MSN: 403; a bad subscription key: 401 with the gateway fields', async () => {
    const path = `/order-management/v2/ECOM/${ref('cred')}`;
    const noToken = await api.call<any>('GET', path, {
      headers: { 'Ocp-Apim-Subscription-Key': DEV.subscriptionKey, 'Merchant-Serial-Number': DEV.msn },
    });
    expect(noToken.status).toBe(401);
    expect(Object.keys(noToken.body).sort()).toEqual(OM_KEYS);
    const otherMsn = await api.call<any>('GET', path, {
      headers: { ...(await api.headers()), 'Merchant-Serial-Number': '654321' },
    });
    expect(otherMsn.status).toBe(403);
    expect(Object.keys(otherMsn.body).sort()).toEqual(OM_KEYS);
    const badKey = await api.call<any>('GET', path, {
      headers: { ...(await api.headers()), 'Ocp-Apim-Subscription-Key': 'wrong' },
    });
    expect(badKey.status).toBe(401);
    expect(Object.keys(badKey.body).sort()).toEqual([...OM_KEYS, 'message', 'statusCode'].sort());
  });
});

describe('answerClientError, given what the parser saw', () => {
  /** A stand-in socket that records what is written to it. */
  function fakeSocket() {
    const socket = { destroyed: false, writable: true, written: '', destroyedBy: false } as any;
    socket.end = (data: string) => (socket.written = data);
    socket.destroy = () => (socket.destroyedBy = true);
    return socket;
  }
  const overflow = (raw: string) =>
    Object.assign(new Error('Header overflow'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(raw) });

  it('a later packet of a long header (no request line in it) is 431, not 414', () => {
    const socket = fakeSocket();
    answerClientError(overflow('a'.repeat(9000)), socket, () => 'trace');
    expect(socket.written).toMatch(/^HTTP\/1\.1 431 /);
    expect(socket.written).toMatch(/\r\nConnection: close\r\n/);
  });

  it('a request line that does not end in the packet is 414, in the shape of its API', () => {
    const socket = fakeSocket();
    answerClientError(
      overflow(`GET /vipps-userinfo-api/userinfo/${'a'.repeat(9000)}`),
      socket,
      () => 'trace',
    );
    expect(socket.written).toMatch(/^HTTP\/1\.1 414 /);
    const body = JSON.parse(socket.written.split('\r\n\r\n')[1] as string);
    expect(body).toMatchObject({ status: '414', instance: 'trace' });
  });

  it('a reset connection is only destroyed', () => {
    const socket = fakeSocket();
    answerClientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket, () => 'trace');
    expect(socket.written).toBe('');
    expect(socket.destroyedBy).toBe(true);
  });
});

describe('the x-betal-lint header stays small', () => {
  it('a receipt of 60 lines of PHP floats: 201, at most 20 header values, the last counting the rest', async () => {
    const reference = ref('many');
    const line = (i: number) => ({
      name: `Item ${i}`,
      id: String(i),
      totalAmount: 1000,
      totalAmountExcludingTax: 800,
      totalTaxAmount: 200,
      taxRate: 2500,
    });
    const body = webRedirect(reference, 60_000, {
      receipt: { orderLines: Array.from({ length: 60 }, (_, i) => line(i)), bottomLine: { currency: 'NOK' } },
    });
    const raw = JSON.stringify(body).replace(
      /"(totalAmount|totalAmountExcludingTax|totalTaxAmount|taxRate)":(\d+)/g,
      '"$1":$2.0',
    );
    const res = await api.call('POST', '/epayment/v1/payments', {
      raw,
      headers: await api.headers(DEV, { 'Idempotency-Key': `k-${reference}` }),
    });
    expect(res.status).toBe(201);
    const values = lint(res).split(', ');
    expect(values.length).toBeLessThanOrEqual(20);
    expect(lint(res).length).toBeLessThan(5000);
    expect(values[values.length - 1]).toMatch(/and \d+ more lint notice/);
  });
});
