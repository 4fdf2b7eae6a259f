import { ProblemSchema } from '@betal/contract';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../api/http/context.js';
import { readBody } from '../api/http/validate.js';
import type { Clock } from '../clock.js';
import { CustomerFlowError } from '../domain/customer-flow.js';
import type { Payment } from '../domain/payment.js';
import type { IdSource } from '../ids.js';
import { ApiError } from '../kernel/errors.js';
import { problem, validationProblem } from '../problem.js';
import { CustomerService } from '../services/customer.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PaymentService } from '../services/payments.js';
import type { PlatformStore } from '../store/store.js';
import { AccessRefused, CustomerAccess, SESSION_COOKIE, SESSION_MS } from './access.js';
import { APP_JS } from './assets/app-script.js';
import { COMMON_JS } from './assets/common-script.js';
import { LANDING_JS } from './assets/landing-script.js';
import { SIGN_IN_JS } from './assets/sign-in-script.js';
import { CUSTOMER_CSS } from './assets/style.js';
import { USERS_JS } from './assets/users-script.js';
import {
  APP_LANGUAGES,
  chooseLanguage,
  LANGUAGES,
  translator,
  type Language,
  type LanguageSource,
} from './i18n.js';
import { openInbox } from './inbox.js';
import { LiveStreams } from './live.js';
import { NO_ORDER_DETAILS, type OrderDetailsSource } from './order-details.js';
import { appPage, chooserPage, landingPage, notFoundPage, signInPage, userFormPage } from './pages.js';
import { qrImage, QR_SIZE, type QrImageFormat } from './qr.js';
import {
  NewTestUserSchema,
  TestUserChangesSchema,
  TestUserSchema,
  type NewTestUser,
  type TestUserChanges,
} from './test-users.js';

/** What the customer routes need from the composition root. */
export interface CustomerRoutesOptions {
  store: PlatformStore;
  clock: Clock;
  ids: IdSource;
  payments: PaymentService;
  directory: SalesUnitDirectory;
  /** The platform's public base URL (known once listening): the QR codes encode landing URLs on it. */
  publicBaseUrl: () => string;
  /** Where the app finds a payment's order details (the Order Management API); default: none. */
  orderDetails?: OrderDetailsSource;
  /**
   * Dev mode (default true): the customer's side is open. Outside it, a test user signs in with a PIN and acts in
   * their own app only (see CustomerAccess).
   */
  devMode?: boolean;
  /** The admin token (`BETAL_ADMIN_TOKEN`), if configured: it acts on any app and manages test users. */
  adminToken?: string;
}

const ASSET_FILES: Record<string, { type: string; body: string }> = {
  'customer.css': { type: 'text/css; charset=utf-8', body: CUSTOMER_CSS },
  'landing.js': { type: 'text/javascript; charset=utf-8', body: LANDING_JS },
  'app.js': { type: 'text/javascript; charset=utf-8', body: APP_JS },
  'users.js': { type: 'text/javascript; charset=utf-8', body: USERS_JS },
  'common.js': { type: 'text/javascript; charset=utf-8', body: COMMON_JS },
  'sign-in.js': { type: 'text/javascript; charset=utf-8', body: SIGN_IN_JS },
};

const MOBILE = /Mobi|Android|iPhone|iPad|iPod/i;
const LANGUAGE_COOKIE = 'betal_lang';
const APP_USER_COOKIE = 'betal_app_user';

function cookies(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) {
      try {
        out[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        // A cookie we cannot decode is not ours.
      }
    }
  }
  return out;
}

/**
 * The language of a page request and where it came from (see chooseLanguage): `market` is the merchant's (the
 * landing page), `allowed` the page's languages (the app speaks English and Norwegian). A `?lang=` choice is kept
 * in a cookie, unless `auto=1` says the page's script chose it from navigator.language.
 */
function languageAndSource(
  request: FastifyRequest,
  reply: FastifyReply,
  market?: string,
  allowed: readonly Language[] = APP_LANGUAGES,
): { language: Language; source: LanguageSource } {
  const query = request.query as { lang?: string; auto?: string };
  const chosen = chooseLanguage(
    query.lang,
    cookies(request)[LANGUAGE_COOKIE],
    request.headers['accept-language'],
    market,
    allowed,
  );
  if (query.lang === chosen.language && query.auto !== '1') {
    reply.header(
      'set-cookie',
      `${LANGUAGE_COOKIE}=${chosen.language}; Path=/; Max-Age=31536000; SameSite=Lax`,
    );
  }
  return chosen;
}

/** The language of a page of the app (English or Norwegian); see {@link languageAndSource}. */
function languageOf(request: FastifyRequest, reply: FastifyReply): Language {
  return languageAndSource(request, reply).language;
}

/**
 * The security headers of a page: never framed (contract 3.15), scripts and styles only from here, no referrer
 * (the landing URL carries the payment's token), not cached. The app may frame orderDetailsUrl in its web view.
 */
function sendPage(reply: FastifyReply, status: number, body: string, options: { webView?: boolean } = {}) {
  return reply
    .code(status)
    .header(
      'content-security-policy',
      [
        "default-src 'self'",
        "img-src 'self' data: https: http:",
        `frame-src ${options.webView ? 'https: http:' : "'none'"}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
      ].join('; '),
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(body);
}

function redirect(reply: FastifyReply, location: string) {
  return reply.code(303).header('location', location).header('referrer-policy', 'no-referrer').send();
}

const phoneParams = {
  type: 'object',
  properties: { phoneNumber: { type: 'string', description: "The test user's phone number (MSISDN)." } },
  required: ['phoneNumber'],
} as const;
const requestParams = {
  type: 'object',
  properties: {
    phoneNumber: { type: 'string', description: "The test user's phone number (MSISDN)." },
    id: {
      type: 'string',
      description: "The request's id: the payment's token (from redirectUrl or the list).",
    },
  },
  required: ['phoneNumber', 'id'],
} as const;
const landingParams = {
  type: 'object',
  properties: {
    id: { type: 'string', description: "The payment's token (the `token` of its redirectUrl)." },
  },
  required: ['id'],
} as const;

const ApproveSchema = Type.Object(
  {
    consent: Type.Optional(
      Type.Boolean({
        description: 'Consent to share the profile scopes the payment asks for (contract 3.13).',
      }),
    ),
    acceptTerms: Type.Optional(
      Type.Boolean({
        description:
          "Accept the merchant's terms of sale and privacy policy (needed when the payment has merchantLegalLinks).",
      }),
    ),
  },
  { additionalProperties: false },
);
const EmptySchema = Type.Object({}, { additionalProperties: false });
const OpenSchema = Type.Object(
  { id: Type.String({ minLength: 1, description: "The payment's token, from its redirectUrl." }) },
  { additionalProperties: false },
);
const ConfirmSchema = Type.Object(
  {
    phoneNumber: Type.String({
      pattern: '^\\d{10,15}$',
      description: 'The number typed on the landing page.',
    }),
  },
  { additionalProperties: false },
);

const RequestViewSchema = Type.Object(
  {
    id: Type.String(),
    merchant: Type.Object({
      msn: Type.String(),
      name: Type.String(),
      market: Type.String(),
      brand: Type.String(),
    }),
    reference: Type.String(),
    amount: Type.Object({ currency: Type.String(), value: Type.Integer({ description: 'Minor units.' }) }),
    state: Type.String(),
    stage: Type.String({ description: 'LANDING, IN_APP, POSTPONED, or the final state.' }),
    expiresAt: Type.String(),
    secondsLeft: Type.Integer(),
  },
  { additionalProperties: true, description: 'A payment request as the app shows it (see the README).' },
);
const RequestListsSchema = Type.Object({
  requests: Type.Array(RequestViewSchema),
  activities: Type.Array(RequestViewSchema),
  history: Type.Array(RequestViewSchema),
});
const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
};
const SignInSchema = Type.Object(
  {
    phoneNumber: Type.String({ pattern: '^\\d{10,15}$', description: "The test user's phone number." }),
    pin: Type.String({ pattern: '^\\d{4,8}$', description: "The test user's PIN: 4 to 8 digits." }),
  },
  { additionalProperties: false },
);

/**
 * The customer's side of the platform (contract 3.3, 3.11-3.15), in one plugin:
 *
 * - pages: `/landing?token=` (the WEB_REDIRECT landing page), `/app` (choose a test user's app),
 *   `/app/open?token=` (the NATIVE_REDIRECT app link), `/app/u/{phoneNumber}` (the user's app),
 *   `/app/users/new` and `/app/users/{phoneNumber}/edit` (test users), `/customer-assets/*`;
 * - `/qr/v1?token=&format=svg|png&size=`: the QR image of a payment, 404 once it has ended;
 * - the app's JSON API under `/app/api` (what a person does in the pages, for automated tests), with sign-in
 *   and sign-out: outside dev mode a user's calls need their session (see CustomerAccess);
 * - the test users API: `GET /betal/users`, `GET/PATCH/DELETE /betal/users/{phoneNumber}`, `POST /betal/users`
 *   (`nin` and `customerToken` only for the admin; outside dev mode changes need the admin token).
 */
export async function customerRoutes(app: FastifyInstance, options: CustomerRoutesOptions): Promise<void> {
  const inbox = openInbox(options.store);
  const customer = new CustomerService({
    store: options.store,
    clock: options.clock,
    ids: options.ids,
    payments: options.payments,
    directory: options.directory,
    inbox,
    orderDetails: options.orderDetails ?? NO_ORDER_DETAILS,
  });
  const access = new CustomerAccess({
    store: options.store,
    clock: options.clock,
    devMode: options.devMode ?? true,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  });
  const live = new LiveStreams(customer);
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => customer.close());

  const pageTags = ['Customer pages'];
  const apiTags = ['Customer app API'];
  const userTags = ['Test users'];

  function body<T>(request: FastifyRequest, schema: TSchema): T {
    const read = readBody<T>(schema, request.body ?? {}, request.lintNotices);
    if (!read.ok) throw ApiError.validation(read.details);
    return read.value;
  }

  async function json(
    request: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<unknown>,
    status = 200,
  ): Promise<FastifyReply> {
    try {
      const result = await run();
      if (result === undefined) return reply.code(status).send();
      return reply.code(status).type('application/json; charset=utf-8').send(result);
    } catch (error) {
      if (error instanceof AccessRefused) return sendRefusal(request, reply, error);
      throw error;
    }
  }

  /** An AccessRefused as a Problem: 401 with WWW-Authenticate, 403, or 429 with Retry-After. */
  function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: AccessRefused) {
    if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="betal-app"');
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return sendProblem(
      request,
      reply,
      problem(error.status, error.detail, {
        title:
          error.status === 401 ? 'Unauthorized' : error.status === 403 ? 'Forbidden' : 'Too Many Requests',
        extraDetails: [{ name: 'CustomerError', reason: error.reason }],
      }),
    );
  }

  /**
   * Answers with a stream of Server-Sent Events (see LiveStreams.open) once `exists` resolves; when it throws
   * (no such user or payment), with its problem instead.
   */
  async function events(
    request: FastifyRequest,
    reply: FastifyReply,
    exists: () => Promise<unknown>,
    matches: (payment: Payment) => boolean,
    heartbeat: () => Promise<unknown>,
  ): Promise<FastifyReply> {
    try {
      await exists();
    } catch (error) {
      if (error instanceof AccessRefused) return sendRefusal(request, reply, error);
      throw error;
    }
    live.open(request, reply, matches, heartbeat);
    return reply;
  }

  /** The test user that a page's path names, or undefined when the number is malformed or unknown. */
  async function userOfPath(phoneNumber: string) {
    return /^\d{10,15}$/.test(phoneNumber) ? await options.store.findUser(phoneNumber) : undefined;
  }

  /** The 404 page for a path naming no test user: it sends the customer to choose one. */
  function sendNoSuchUser(reply: FastifyReply, lang: Language) {
    const t = translator(lang);
    return sendPage(reply, 404, notFoundPage(lang, t('app.chooseUser'), t('app.chooseUserText')));
  }

  /** The page for a test-user form outside dev mode without the admin token. */
  function sendAdminOnly(reply: FastifyReply, lang: Language) {
    const t = translator(lang);
    return sendPage(reply, 403, notFoundPage(lang, t('signIn.adminOnly'), t('signIn.adminOnlyText')));
  }

  // Pages ------------------------------------------------------------------------------------------------------

  app.get<{ Querystring: { token?: string; lang?: string; web?: string; auto?: string } }>(
    '/landing',
    {
      schema: {
        tags: pageTags,
        summary: 'The landing page behind a WEB_REDIRECT redirectUrl (HTML)',
        description:
          'Phone number, remember me, language; then a waiting screen with a countdown; then returnUrl. A mobile browser goes straight to the app (add web=1 to stay).',
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string' },
            lang: { type: 'string', enum: [...LANGUAGES] },
            auto: { type: 'string' },
            web: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      const fallback = () => {
        const lang = languageAndSource(request, reply, undefined, LANGUAGES).language;
        const t = translator(lang);
        return sendPage(
          reply,
          token ? 404 : 400,
          notFoundPage(lang, t('notFound.title'), t('notFound.text')),
        );
      };
      if (!token) return fallback();
      let view;
      try {
        view = await customer.landing(token);
      } catch (error) {
        if (error instanceof CustomerFlowError && error.reason === 'UNKNOWN_PAYMENT') return fallback();
        throw error;
      }
      const mobile = MOBILE.test(request.headers['user-agent'] ?? '');
      if (mobile && request.query.web !== '1' && view.state === 'CREATED') {
        return redirect(reply, `/app/open?token=${encodeURIComponent(token)}`);
      }
      if ((view.state === 'AUTHORIZED' || view.state === 'ABORTED') && view.returnUrl) {
        return redirect(reply, view.returnUrl);
      }
      const { language: lang, source } = languageAndSource(request, reply, view.merchant.market, LANGUAGES);
      return sendPage(reply, 200, landingPage(view, lang, source));
    },
  );

  app.get<{ Querystring: { token?: string } }>(
    '/app/open',
    {
      schema: {
        tags: pageTags,
        summary:
          "The NATIVE_REDIRECT app link: opens the payment in the app of this browser's user (redirect)",
        querystring: { type: 'object', properties: { token: { type: 'string' } } },
      },
    },
    async (request, reply) => {
      const token = request.query.token;
      if (!token) {
        const lang = languageOf(request, reply);
        const t = translator(lang);
        return sendPage(reply, 400, notFoundPage(lang, t('notFound.title'), t('notFound.text')));
      }
      const phone = cookies(request)[APP_USER_COOKIE];
      const known = phone && /^\d{10,15}$/.test(phone) ? await options.store.findUser(phone) : undefined;
      const open = `open=${encodeURIComponent(token)}`;
      return redirect(reply, known ? `/app/u/${known.phoneNumber}?${open}` : `/app?${open}`);
    },
  );

  app.get<{ Querystring: { open?: string; lang?: string } }>(
    '/app',
    { schema: { tags: pageTags, summary: "The customer's app: choose a test user (HTML)" } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      return sendPage(
        reply,
        200,
        chooserPage(
          await customer.listUsers(),
          lang,
          options.clock.now(),
          request.query.open || undefined,
          access.open || access.isAdmin(request),
        ),
      );
    },
  );

  app.get<{ Params: { phoneNumber: string }; Querystring: { open?: string; lang?: string } }>(
    '/app/u/:phoneNumber',
    { schema: { tags: pageTags, summary: "One test user's app (HTML)", params: phoneParams } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      const user = await userOfPath(request.params.phoneNumber);
      if (!user) return sendNoSuchUser(reply, lang);
      reply.header('set-cookie', `${APP_USER_COOKIE}=${user.phoneNumber}; Path=/; SameSite=Lax`);
      if (!access.mayOpenApp(request, user.phoneNumber)) {
        return sendPage(reply, 401, signInPage(user, lang, options.clock.now()));
      }
      return sendPage(
        reply,
        200,
        appPage(
          user,
          lang,
          options.clock.now(),
          request.query.open || undefined,
          access.sessionUser(request) === user.phoneNumber,
        ),
        {
          webView: true,
        },
      );
    },
  );

  app.get(
    '/app/users/new',
    { schema: { tags: pageTags, summary: 'Form: a new test user (HTML)' } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      if (!access.open && !access.isAdmin(request)) return sendAdminOnly(reply, lang);
      return sendPage(reply, 200, userFormPage(lang, options.clock.now()));
    },
  );

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/users/:phoneNumber/edit',
    { schema: { tags: pageTags, summary: 'Form: edit or delete a test user (HTML)', params: phoneParams } },
    async (request, reply) => {
      const lang = languageOf(request, reply);
      if (!access.open && !access.isAdmin(request)) return sendAdminOnly(reply, lang);
      const user = await userOfPath(request.params.phoneNumber);
      if (!user) return sendNoSuchUser(reply, lang);
      return sendPage(reply, 200, userFormPage(lang, options.clock.now(), user));
    },
  );

  app.get<{ Params: { file: string } }>(
    '/customer-assets/:file',
    { schema: { tags: pageTags, summary: 'Stylesheet and scripts of the customer pages', hide: true } },
    async (request, reply) => {
      const asset = ASSET_FILES[request.params.file];
      if (!asset) {
        return sendProblem(request, reply, problem(404, `No asset ${request.params.file.slice(0, 60)}.`));
      }
      return reply
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .type(asset.type)
        .send(asset.body);
    },
  );

  // QR ---------------------------------------------------------------------------------------------------------

  app.get<{ Querystring: { token?: string; format?: string; size?: string } }>(
    '/qr/v1',
    {
      schema: {
        tags: pageTags,
        summary:
          "A payment's QR image (SVG or PNG), encoding its landing URL; 404 once the payment has ended",
        querystring: {
          type: 'object',
          properties: {
            token: { type: 'string' },
            format: { type: 'string', enum: ['svg', 'png'] },
            size: { type: 'integer', minimum: QR_SIZE.min, maximum: QR_SIZE.max },
          },
        },
      },
    },
    async (request, reply) => {
      const { token, format, size } = request.query;
      const details = [];
      if (!token) details.push({ name: 'token', reason: 'The token query parameter is required.' });
      if (format !== undefined && format !== 'svg' && format !== 'png') {
        details.push({ name: 'format', reason: "The format must be 'svg' or 'png'." });
      }
      const pixels = size === undefined ? undefined : Number(size);
      if (
        pixels !== undefined &&
        (!Number.isInteger(pixels) || pixels < QR_SIZE.min || pixels > QR_SIZE.max)
      ) {
        details.push({
          name: 'size',
          reason: `The size must be an integer from ${QR_SIZE.min} to ${QR_SIZE.max}.`,
        });
      }
      if (details.length > 0 || !token) return sendProblem(request, reply, validationProblem(details));
      const payment = await customer.paymentByToken(token).catch(() => undefined);
      if (!payment) return sendProblem(request, reply, problem(404, 'No QR code has this token.'));
      if (payment.state !== 'CREATED') {
        return sendProblem(
          request,
          reply,
          problem(404, `The payment is ${payment.state}; its QR code is no longer valid.`),
        );
      }
      const own = payment.details.qrFormat;
      const chosen: QrImageFormat =
        (format as QrImageFormat | undefined) ?? (own?.format === 'IMAGE/PNG' ? 'png' : 'svg');
      const url = `${options.publicBaseUrl()}/landing?token=${encodeURIComponent(token)}`;
      const merchant = customer.merchant(payment.msn);
      const brand = merchant.brand === 'VIPPS' ? 'Vipps' : 'MobilePay';
      const image = await qrImage(
        url,
        chosen,
        pixels ?? own?.size ?? QR_SIZE.default,
        `${brand} · ${merchant.name}`,
      );
      return reply.header('cache-control', 'no-store').type(image.contentType).send(image.body);
    },
  );

  // The app's JSON API -----------------------------------------------------------------------------------------

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/requests',
    {
      schema: {
        tags: apiTags,
        summary: "A user's payment requests: waiting in the app, postponed (Activities), and ended (history)",
        params: phoneParams,
        response: { 200: RequestListsSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.requests(request.params.phoneNumber);
      }),
  );

  app.get<{ Params: { phoneNumber: string; id: string } }>(
    '/app/api/users/:phoneNumber/requests/:id',
    {
      schema: {
        tags: apiTags,
        summary: 'One payment request in the app',
        params: requestParams,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.request(request.params.phoneNumber, request.params.id);
      }),
  );

  app.post<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/open',
    {
      schema: {
        tags: apiTags,
        summary: 'Open a payment in the app (app switch, NATIVE_REDIRECT, QR scan): its landing step',
        params: phoneParams,
        body: OpenSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.openInApp(request.params.phoneNumber, body<{ id: string }>(request, OpenSchema).id);
      }),
  );

  app.post<{ Params: { phoneNumber: string; id: string } }>(
    '/app/api/users/:phoneNumber/requests/:id/approve',
    {
      schema: {
        tags: apiTags,
        summary:
          'Approve: AUTHORIZED. Give consent: true when the payment asks for profile data not shared yet, acceptTerms: true when it has merchantLegalLinks',
        params: requestParams,
        body: ApproveSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.approve(
          request.params.phoneNumber,
          request.params.id,
          body<{ consent?: boolean; acceptTerms?: boolean }>(request, ApproveSchema),
        );
      }),
  );

  const actions = [
    ['reject', 'Reject: ABORTED', (p: string, id: string) => customer.reject(p, id)],
    [
      'refuse-consent',
      'Refuse to share the profile data: the payment fails, ABORTED',
      (p: string, id: string) => customer.refuseConsent(p, id),
    ],
    [
      'pay-later',
      "I'll pay later (long-living payments): stays CREATED under Activities until expiresAt",
      (p: string, id: string) => customer.payLater(p, id),
    ],
  ] as const;
  for (const [action, summary, run] of actions) {
    app.post<{ Params: { phoneNumber: string; id: string } }>(
      `/app/api/users/:phoneNumber/requests/:id/${action}`,
      {
        schema: {
          tags: apiTags,
          summary,
          params: requestParams,
          body: EmptySchema,
          response: { 200: RequestViewSchema, ...problems },
        },
      },
      (request, reply) =>
        json(request, reply, async () => {
          access.requireApp(request, request.params.phoneNumber);
          body(request, EmptySchema);
          return run(request.params.phoneNumber, request.params.id);
        }),
    );
  }

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/events',
    {
      schema: {
        tags: apiTags,
        summary: "Server-Sent Events of a user's app: `change` after each change of one of their requests",
        params: phoneParams,
      },
    },
    async (request, reply) => {
      const phone = request.params.phoneNumber;
      return events(
        request,
        reply,
        async () => {
          access.requireApp(request, phone);
          return customer.user(phone);
        },
        (payment) => customer.reached(phone, payment),
        async () => ({ now: new Date(options.clock.now()).toISOString() }),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/app/api/landing/:id',
    {
      schema: {
        tags: apiTags,
        summary: "The landing page's view of a payment",
        params: landingParams,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) => json(request, reply, () => customer.landing(request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/app/api/landing/:id/confirm',
    {
      schema: {
        tags: apiTags,
        summary:
          "The landing step: confirm a phone number; the request goes to that user's app (5 minutes). 7010 for a number that cannot pay",
        params: landingParams,
        body: ConfirmSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () =>
        customer.confirmPhone(
          request.params.id,
          body<{ phoneNumber: string }>(request, ConfirmSchema).phoneNumber,
        ),
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/app/api/landing/:id/cancel',
    {
      schema: {
        tags: apiTags,
        summary: 'Cancel on the landing page: ABORTED',
        params: landingParams,
        body: EmptySchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        body(request, EmptySchema);
        return customer.cancelOnLanding(request.params.id);
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/app/api/landing/:id/events',
    {
      schema: {
        tags: apiTags,
        summary:
          'Server-Sent Events of one payment for the landing page: `change` and `clock` (seconds left)',
        params: landingParams,
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      return events(
        request,
        reply,
        () => customer.paymentByToken(id),
        (payment) => payment.token === id,
        async () => {
          const view = await customer.landing(id);
          return { now: view.now, state: view.state, stage: view.stage, secondsLeft: view.secondsLeft };
        },
      );
    },
  );

  // Sign-in (production-like mode) -----------------------------------------------------------------------------

  app.post(
    '/app/api/sign-in',
    {
      schema: {
        tags: apiTags,
        summary:
          "Sign in to a test user's app with phone number and PIN: a session (HttpOnly cookie, and the same token for Authorization: Bearer)",
        body: SignInSchema,
        response: {
          200: Type.Object({
            phoneNumber: Type.String(),
            token: Type.String({ description: 'The session token: send it as Authorization: Bearer.' }),
            expiresAt: Type.String(),
          }),
          400: ProblemSchema,
          401: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        const input = body<{ phoneNumber: string; pin: string }>(request, SignInSchema);
        const session = await access.signIn(input.phoneNumber, input.pin);
        const secure = options.publicBaseUrl().startsWith('https:') ? '; Secure' : '';
        reply.header(
          'set-cookie',
          `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure}`,
        );
        return {
          phoneNumber: session.phoneNumber,
          token: session.token,
          expiresAt: new Date(session.expiresAt).toISOString(),
        };
      }),
  );

  app.post(
    '/app/api/sign-out',
    {
      schema: {
        tags: apiTags,
        summary: 'Sign out: ends the session of the cookie or bearer token',
        response: { 204: { type: 'null', description: 'Signed out.' } },
      },
    },
    (request, reply) =>
      json(
        request,
        reply,
        async () => {
          access.signOut(request);
          reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
          return undefined;
        },
        204,
      ),
  );

  // Test users -------------------------------------------------------------------------------------------------

  app.get(
    '/betal/users',
    {
      schema: {
        tags: userTags,
        summary: 'Test users (nin and customerToken need the admin token, or dev mode without one)',
      },
    },
    async (request) => ({
      users: (await customer.listUsers()).map((user) => access.userFor(request, user)),
    }),
  );

  app.get<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'One test user',
        params: phoneParams,
        response: { 200: TestUserSchema, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(request, reply, async () =>
        access.userFor(request, await customer.user(request.params.phoneNumber)),
      ),
  );

  app.post(
    '/betal/users',
    {
      schema: {
        tags: userTags,
        summary: 'Create a test user',
        body: NewTestUserSchema,
        response: { 201: TestUserSchema, 400: ProblemSchema, 401: ProblemSchema, 409: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        request,
        reply,
        async () => {
          access.requireAdminOutsideDev(request);
          const { pin, ...input } = body<NewTestUser>(request, NewTestUserSchema);
          const user = await customer.createUser(input);
          await access.setPin(user.phoneNumber, pin);
          return access.userFor(request, user);
        },
        201,
      ),
  );

  app.patch<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'Change a test user',
        params: phoneParams,
        body: TestUserChangesSchema,
        response: { 200: TestUserSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireAdminOutsideDev(request);
        const { pin, ...changes } = body<TestUserChanges>(request, TestUserChangesSchema);
        const user = await customer.updateUser(request.params.phoneNumber, changes);
        if (pin !== undefined) await access.setPin(user.phoneNumber, pin);
        return access.userFor(request, user);
      }),
  );

  app.delete<{ Params: { phoneNumber: string } }>(
    '/betal/users/:phoneNumber',
    {
      schema: {
        tags: userTags,
        summary: 'Delete a test user (their payments stay)',
        params: phoneParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, 404: ProblemSchema },
      },
    },
    (request, reply) =>
      json(
        request,
        reply,
        async () => {
          access.requireAdminOutsideDev(request);
          await customer.deleteUser(request.params.phoneNumber);
          await access.setPin(request.params.phoneNumber, undefined);
        },
        204,
      ),
  );
}
