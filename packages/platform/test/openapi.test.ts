/**
 * The served OpenAPI document (`/docs/json`) as "Try it out" uses it: the security schemes, each Vipps MobilePay
 * operation's headers (checked against ../shared/specs/epayment.v1.yaml when present), the tags, examples that
 * are written rather than generated from the bounds, and a payment made from nothing but the document's
 * defaults and examples with the dev credentials.
 */
import { Script } from 'node:vm';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatform } from './support/harness.js';
import { addFormats, readSpec, sharedPresent, translateNullable } from './order-management/spec.js';

type Json = Record<string, any>;

const started = usePlatform();
let doc: Json;
beforeAll(async () => {
  doc = (await (await fetch(`${started.url}/docs/json`)).json()) as Json;
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document as [method, path, operation]. */
function operations(): [string, string, Json][] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([m]) => METHODS.includes(m))
      .map(([m, op]) => [m, path, op as Json] as [string, string, Json]),
  );
}

function headerParams(op: Json): Json[] {
  return ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'header');
}

describe('the OpenAPI document', () => {
  it('declares the security schemes: bearer token, subscription key, and the token request keys', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      subscriptionKey: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
      clientId: { type: 'apiKey', in: 'header', name: 'client_id' },
      clientSecret: { type: 'apiKey', in: 'header', name: 'client_secret' },
    });
    expect(doc.paths['/accesstoken/get'].post.security).toEqual([
      { clientId: [], clientSecret: [], subscriptionKey: [] },
    ]);
    expect(doc.paths['/betal/health'].get.security).toEqual([]);
  });

  it('gives every ePayment operation its required headers and security, with the dev MSN as default', () => {
    const epayment = operations().filter(([, path]) => path.startsWith('/epayment/'));
    expect(epayment.length).toBeGreaterThanOrEqual(7);
    for (const [method, path, op] of epayment) {
      const what = `${method.toUpperCase()} ${path}`;
      expect(op.security, what).toEqual([{ bearerAuth: [], subscriptionKey: [] }]);
      const msn = headerParams(op).find((p) => p.name === 'Merchant-Serial-Number');
      expect(msn, what).toMatchObject({ required: true, schema: { default: '123456' } });
    }
    for (const path of [
      '/epayment/v1/payments',
      '/epayment/v1/payments/{reference}/capture',
      '/epayment/v1/payments/{reference}/refund',
    ]) {
      const names = headerParams(doc.paths[path].post)
        .filter((p) => p.required)
        .map((p) => p.name);
      expect(names, path).toEqual(expect.arrayContaining(['Merchant-Serial-Number', 'Idempotency-Key']));
    }
  });

  it.skipIf(!sharedPresent('specs/epayment.v1.yaml'))(
    'declares each header that the ePayment spec declares, required where the spec requires it',
    () => {
      const spec = readSpec('epayment.v1.yaml');
      const resolve = (p: Json): Json =>
        p.$ref
          ? (p.$ref as string)
              .slice(2)
              .split('/')
              .reduce((o: Json, k: string) => o[k], spec)
          : p;
      // Authorization and Ocp-Apim-Subscription-Key are the security schemes, not parameters (OpenAPI ignores a
      // header parameter named Authorization).
      const bySchemes = ['authorization', 'ocp-apim-subscription-key'];
      let checked = 0;
      for (const [specPath, specOps] of Object.entries(spec.paths as Record<string, Json>)) {
        const ours = doc.paths[`/epayment${specPath.replace('{Reference}', '{reference}')}`];
        for (const method of METHODS.filter((m) => specOps[m])) {
          const what = `${method.toUpperCase()} ${specPath}`;
          expect(ours?.[method], `${what} is in the document`).toBeDefined();
          const declared = new Map(headerParams(ours[method]).map((p) => [String(p.name).toLowerCase(), p]));
          const specHeaders = [...(specOps.parameters ?? []), ...(specOps[method].parameters ?? [])]
            .map(resolve)
            .filter((p: Json) => p.in === 'header' && !bySchemes.includes(String(p.name).toLowerCase()));
          for (const header of specHeaders) {
            const ourHeader = declared.get(String(header.name).toLowerCase());
            expect(ourHeader, `${what}: ${header.name}`).toBeDefined();
            if (header.required) expect(ourHeader?.required, `${what}: ${header.name} required`).toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(20);
    },
  );

  it("puts the platform's own API and the app's JSON API under their own declared tags", () => {
    const declared = (doc.tags as Json[]).map((t) => t.name);
    expect(declared).toEqual(
      expect.arrayContaining([
        'ePayment',
        'Access Token',
        'Betal platform',
        'Test users',
        'Customer app API',
      ]),
    );
    for (const [method, path, op] of operations()) {
      const what = `${method.toUpperCase()} ${path}`;
      expect(op.tags?.length, what).toBeGreaterThan(0);
      for (const tag of op.tags) expect(declared, what).toContain(tag);
      // /betal is the platform's own API; its test users (/betal/users/...) have a tag of their own.
      if (path.startsWith('/betal/'))
        expect(['Betal platform', 'Test users'], what).toEqual(expect.arrayContaining(op.tags));
      if (path.startsWith('/app/api/')) expect(op.tags, what).toEqual(['Customer app API']);
    }
  });

  it('has written examples: no bound of a range, no "string", and ePayment bodies that are valid', () => {
    // Walk every schema: an example must not be what a generator takes from the schema (a bound, the type name).
    const noise: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as Json;
      if ('example' in schema && typeof schema.type === 'string') {
        const ex = schema.example;
        if (ex === 'string' || (typeof ex === 'number' && (ex === schema.maximum || ex === schema.minimum)))
          noise.push(`${at}: ${JSON.stringify(ex)}`);
      }
      for (const [k, v] of Object.entries(schema)) if (k !== 'example') walk(v, `${at}/${k}`);
    };
    walk(doc.paths, '');
    expect(noise).toEqual([]);

    const create = doc.paths['/epayment/v1/payments'].post.requestBody.content['application/json'];
    expect(create.schema.properties.amount.properties.value.example).toBe(49900);
    expect(create.schema.properties.minimumUserAge.example).toBe(18);
    expect(create.schema.properties.reference.example).toBe('acme-shop-123-order123abc');
    expect(create.example).toMatchObject({
      userFlow: 'WEB_REDIRECT',
      amount: { currency: 'NOK', value: 49900 },
    });

    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const mustHaveExamples = (path: string) =>
      path.startsWith('/epayment/') || path === '/webhooks/v1/webhooks' || path.includes('/receipts/');
    let validated = 0;
    for (const [method, path, op] of operations()) {
      const media = op.requestBody?.content?.['application/json'];
      if (!media) continue;
      if (mustHaveExamples(path))
        expect(media.example, `${method} ${path} has an example body`).toBeDefined();
      if (media.example === undefined) continue;
      validated++;
      const validate = ajv.compile(translateNullable(media.schema) as Json);
      expect(validate(media.example), `${method} ${path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(validated).toBeGreaterThanOrEqual(8);
  });

  it('makes a payment from the defaults and examples alone, with the dev credentials ("Try it out")', async () => {
    // What Swagger UI sends: each header parameter's default (Idempotency-Key "auto" becomes a fresh key in the
    // page; here it is made unique the same way), the security schemes' values, and the example body.
    const send = async (method: string, path: string, auth: Record<string, string>, pathParams = {}) => {
      const op = doc.paths[path][method];
      const headers: Record<string, string> = { ...auth, 'Content-Type': 'application/json' };
      for (const p of headerParams(op))
        headers[p.name] = p.name === 'Idempotency-Key' ? crypto.randomUUID() : p.schema.default;
      let url = path;
      for (const p of (op.parameters ?? []).filter((q: Json) => q.in === 'path'))
        url = url.replace(`{${p.name}}`, (pathParams as Json)[p.name] ?? p.example);
      const example = op.requestBody?.content?.['application/json']?.example;
      const res = await fetch(`${started.url}${url}`, {
        method: method.toUpperCase(),
        headers,
        ...(example !== undefined ? { body: JSON.stringify(example) } : {}),
      });
      return { status: res.status, body: await res.text() };
    };
    const key = { 'Ocp-Apim-Subscription-Key': 'dev-subscription-key' };
    const token = await send('post', '/accesstoken/get', {
      ...key,
      client_id: 'dev-client-id',
      client_secret: 'dev-client-secret',
    });
    expect(token.status, token.body).toBe(200);
    const auth = { ...key, Authorization: `Bearer ${JSON.parse(token.body).access_token}` };
    const created = await send('post', '/epayment/v1/payments', auth);
    expect(created.status, created.body).toBe(201);
    const reference = JSON.parse(created.body).reference as string;
    const approved = await send('post', '/epayment/v1/test/payments/{reference}/approve', auth, {
      reference,
    });
    expect(approved.status, approved.body).toBe(200);
    const captured = await send('post', '/epayment/v1/payments/{reference}/capture', auth, { reference });
    expect(captured.status, captured.body).toBe(200);
    expect(JSON.parse(captured.body).aggregate.capturedAmount).toEqual({ currency: 'NOK', value: 49900 });
  });

  it('serves a Swagger UI initializer that fills in the dev keys and the token', async () => {
    const res = await fetch(`${started.url}/docs/static/swagger-initializer.js`);
    expect(res.status).toBe(200);
    const source = await res.text();
    expect(() => new Script(source)).not.toThrow();
    expect(source).toContain('ui.preauthorizeApiKey(k, keys[k])');
    expect(source).toContain('"dev-subscription-key"');
    expect(source).toContain("ui.preauthorizeApiKey('bearerAuth', response.body.access_token)");
  });
});
