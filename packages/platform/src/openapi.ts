import { CREATE_PAYMENT_EXAMPLE, HEADERS, IDEMPOTENCY_KEY_MAX_LENGTH, SYSTEM_HEADERS } from '@betal/contract';
import { DEV_SALES_UNITS } from './dev/seed.js';

/*
 * What the served OpenAPI document (`/docs`, `/docs/json`) says beyond the route schemas: the security schemes,
 * the headers of each Vipps MobilePay operation (from specs/*.yaml), the tags, and the Swagger UI settings that
 * make "Try it out" work against a fresh `npm start` with the dev credentials.
 */

/** The first dev sales unit (MSN 123456): the defaults of the document's credentials. */
const DEV = DEV_SALES_UNITS[0]!;

/** The security schemes: the access token, and the gateway's headers (the subscription key, the token request's keys). */
export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The access token from `POST /accesstoken/get` (this page fills it in when that call answers 200).',
  },
  subscriptionKey: {
    type: 'apiKey',
    in: 'header',
    name: HEADERS.subscriptionKey,
    description: `The sales unit's subscription key (dev: \`${DEV.subscriptionKeys[0]}\`, filled in on this page).`,
  },
  clientId: {
    type: 'apiKey',
    in: 'header',
    name: HEADERS.clientId,
    description: `The sales unit's client_id, for the token request only (dev: \`${DEV.clientId}\`).`,
  },
  clientSecret: {
    type: 'apiKey',
    in: 'header',
    name: HEADERS.clientSecret,
    description: `The sales unit's client_secret, for the token request only (dev: \`${DEV.clientSecret}\`).`,
  },
} as const;

/** The reference of the example payment (the contract's create example). */
const EXAMPLE_REFERENCE = CREATE_PAYMENT_EXAMPLE.reference;

/** The tags of the document, in the order Swagger UI shows them. */
export const TAGS = [
  { name: 'Access Token', description: 'Contract 2: an access token for the other APIs.' },
  {
    name: 'ePayment',
    description: 'Contract 3: create, get, capture, refund, cancel; force approve (test).',
  },
  { name: 'Webhooks', description: 'Contract 4: webhook registrations.' },
  { name: 'Order Management', description: 'Contract 6: categories, images and receipts of orders.' },
  { name: 'Order Management (deprecated v1)', description: 'The v1 orders and receipts, on the ECOM order.' },
  { name: 'Userinfo', description: 'Contract 5: the claims a user consented to share.' },
  {
    name: 'Betal platform',
    description:
      "The platform's own API under /betal: health, test clock, dev merchants, webhook delivery log.",
  },
  { name: 'Test users', description: 'The test users of the customer side, kept in the platform store.' },
  {
    name: 'Customer app API',
    description: "The customer's app as JSON: act as the customer in tests (confirm, approve, reject, ...).",
  },
  { name: 'Customer pages', description: 'HTML: landing page, QR, the customer app.' },
] as const;

/** The optional `Vipps-System-*` headers (the contract's SYSTEM_HEADERS), with the ePayment spec's examples. */
const SYSTEM_HEADER_DOCS: Readonly<Record<(typeof SYSTEM_HEADERS)[number], [string, string]>> = {
  'Vipps-System-Name': ['WooCommerce', 'The name of the ecommerce solution.'],
  'Vipps-System-Version': ['5.4.0', 'The version number of the ecommerce solution.'],
  'Vipps-System-Plugin-Name': ['woocommerce-payment', 'The name of the ecommerce plugin.'],
  'Vipps-System-Plugin-Version': ['1.2.1', 'The version number of the ecommerce plugin.'],
};

/**
 * The value Swagger UI sends as `Idempotency-Key` unless it is changed: replaced by a fresh UUID in the page's
 * request interceptor, so that each "Try it out" is a new request.
 */
export const AUTO_IDEMPOTENCY_KEY = 'auto';

interface HeaderRule {
  method: string;
  path: RegExp;
  security: Record<string, string[]>[];
  msn: 'required' | 'optional';
  idempotencyKey?: 'required' | 'optional';
  system: boolean;
}

const API = [{ bearerAuth: [], subscriptionKey: [] }];
const TOKEN = [{ clientId: [], clientSecret: [], subscriptionKey: [] }];

/** Per operation of the Vipps MobilePay APIs: what the specs (shared/specs/*.yaml) say about its headers. */
const RULES: HeaderRule[] = [
  { method: 'post', path: /^\/accesstoken\/get$/, security: TOKEN, msn: 'optional', system: true },
  {
    method: 'post',
    path: /^\/epayment\/v1\/payments$/,
    security: API,
    msn: 'required',
    idempotencyKey: 'required',
    system: true,
  },
  {
    method: 'post',
    path: /^\/epayment\/v1\/payments\/\{reference\}\/(capture|refund)$/,
    security: API,
    msn: 'required',
    idempotencyKey: 'required',
    system: true,
  },
  {
    method: 'post',
    path: /^\/epayment\/v1\/payments\/\{reference\}\/cancel$/,
    security: API,
    msn: 'required',
    idempotencyKey: 'optional',
    system: true,
  },
  {
    method: 'get',
    path: /^\/epayment\/v1\/payments\/\{reference\}(\/events)?$/,
    security: API,
    msn: 'required',
    system: false,
  },
  { method: 'post', path: /^\/epayment\/v1\/test\//, security: API, msn: 'required', system: false },
  { method: '*', path: /^\/webhooks\/v1\//, security: API, msn: 'optional', system: true },
  { method: '*', path: /^\/order-management\//, security: API, msn: 'required', system: true },
  { method: '*', path: /^\/vipps-userinfo-api\//, security: API, msn: 'optional', system: true },
];

type Json = Record<string, unknown>;

function headerParameter(name: string, required: boolean, description: string, value: string): Json {
  return {
    in: 'header',
    name,
    required,
    description,
    schema: { type: 'string', default: value },
    example: value,
  };
}

/** The header parameters and security requirement of one operation, or undefined for the platform's own. */
export function operationHeaders(
  method: string,
  path: string,
): { security: Json[]; parameters: Json[] } | undefined {
  const rule = RULES.find((r) => (r.method === '*' || r.method === method) && r.path.test(path));
  if (!rule) return undefined;
  const parameters: Json[] = [
    headerParameter(
      HEADERS.merchantSerialNumber,
      rule.msn === 'required',
      'The sales unit (MSN) the call is for.',
      DEV.msn,
    ),
  ];
  if (rule.idempotencyKey) {
    parameters.push(
      headerParameter(
        HEADERS.idempotencyKey,
        rule.idempotencyKey === 'required',
        `A key of at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters; a retry with the same key and body replays the first answer. On this page the value \`${AUTO_IDEMPOTENCY_KEY}\` is replaced with a fresh UUID.`,
        AUTO_IDEMPOTENCY_KEY,
      ),
    );
  }
  if (rule.system)
    for (const name of SYSTEM_HEADERS) {
      const [example, description] = SYSTEM_HEADER_DOCS[name];
      parameters.push(headerParameter(name, false, description, example));
    }
  return { security: rule.security, parameters };
}

/**
 * `transformObject` of @fastify/swagger: adds the security schemes, the tags, and to each Vipps MobilePay
 * operation its header parameters and security requirement. The platform's own operations need no credentials.
 */
export function completeOpenApi(document: Json): Json {
  const components = (document.components ??= {}) as Json;
  components.securitySchemes = SECURITY_SCHEMES;
  document.tags = TAGS;
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const headers = operationHeaders(method, path);
      if (!headers) {
        operation.security = [];
        continue;
      }
      const existing = ((operation.parameters ?? []) as Json[]).filter(
        (p) =>
          !(
            p.in === 'header' &&
            headers.parameters.some((h) => String(h.name).toLowerCase() === String(p.name).toLowerCase())
          ),
      );
      // The reference in the path: the one of the example create body, so that its capture follows in "Try it out".
      for (const p of existing)
        if (p.in === 'path' && p.name === 'reference' && p.example === undefined)
          p.example = EXAMPLE_REFERENCE;
      operation.parameters = [...headers.parameters, ...existing];
      operation.security = headers.security;
    }
  }
  return document;
}

/**
 * Swagger UI settings for `/docs`: the dev subscription key and token keys are filled in on load, a 200 from the
 * token request fills in the bearer token, and `Idempotency-Key: auto` becomes a fresh UUID per request.
 * The functions run in the browser (@fastify/swagger-ui inlines their source), so they use no outer names but
 * the `ui` of its initializer.
 */
export function swaggerUiConfig(): Json {
  const preauthorize = `{ subscriptionKey: ${JSON.stringify(DEV.subscriptionKeys[0])}, clientId: ${JSON.stringify(DEV.clientId)}, clientSecret: ${JSON.stringify(DEV.clientSecret)} }`;
  return {
    persistAuthorization: false,
    displayRequestDuration: true,
    onComplete: new Function(
      `const keys = ${preauthorize}; for (const k of Object.keys(keys)) ui.preauthorizeApiKey(k, keys[k]);`,
    ),
    requestInterceptor: new Function(
      'request',
      `const h = request.headers || {}; for (const k of Object.keys(h)) if (k.toLowerCase() === 'idempotency-key' && h[k] === ${JSON.stringify(AUTO_IDEMPOTENCY_KEY)}) h[k] = crypto.randomUUID(); return request;`,
    ),
    responseInterceptor: new Function(
      'response',
      `try { if (response.ok && /\\/accesstoken\\/get$/.test(response.url) && response.body && response.body.access_token) ui.preauthorizeApiKey('bearerAuth', response.body.access_token); } catch (e) {} return response;`,
    ),
  };
}
