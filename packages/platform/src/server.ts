import { randomBytes } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { accessTokenRoutes } from './apis/accesstoken/routes.js';
import { resolveAdminToken } from './internal/admin-guard.js';
import { betalApi } from './internal/index.js';
import { registerEventStreamExemptions, timeoutOptions } from './http/connections.js';
import { registerFaultHooks } from './internal/faults.js';
import { applySeed, type Seed, type SeedOutcome } from './services/seed.js';
import { CrowdService } from './services/crowd.js';
import { epaymentRoutes } from './apis/epayment/routes.js';
import { webhookRoutes } from './apis/webhooks/routes.js';
import { WebhookService, type WebhookServiceOptions } from './delivery/service.js';
import { orderManagementRoutes } from './apis/order-management/routes.js';
import { userinfoRoutes } from './apis/userinfo/routes.js';
import { apiOfPath, sendApiError } from './http/apis.js';
import { ApiError } from './kernel/errors.js';
import { LINT_HEADER, lintHeaderValues } from './http/context.js';
import { absoluteFormPath, answerClientError, pathSpellingNotice, strictNotices } from './http/wire.js';
import { registerErrorHandling } from './http/errors.js';
import { CustomerAccess } from './customer/access.js';
import { LiveStreams } from './customer/live.js';
import { customerRoutes } from './customer/routes.js';
import type { OrderDetailsSource } from './customer/order-details.js';
import { parseJsonBody } from './http/json-body.js';
import { PlatformClock } from './clock.js';
import type { PlatformConfig } from './config.js';
import { seedDevData } from './dev/seed.js';
import { platformAdmin, type PlatformAdmin } from './admin.js';
import { randomIds, type IdSource } from './ids.js';
import { AuthService } from './apis/accesstoken/service.js';
import { CustomerService } from './services/customer.js';
import { SalesUnitDirectory } from './services/directory.js';
import { OrderManagementService, orderDetailsSource } from './apis/order-management/service.js';
import { PaymentService } from './apis/epayment/service.js';
import { ProcessSync } from './services/processes.js';
import { RateLimiter } from './services/rate-limits.js';
import { SandboxService } from './services/sandboxes.js';
import { SnapshotService, type SnapshotView } from './services/snapshots.js';
import { FaultService } from './services/faults.js';
import { UserinfoService } from './apis/userinfo/service.js';
import { completeOpenApi, swaggerUiConfig } from './openapi.js';
import { openStorage } from './storage/open.js';
import type { Storage } from './storage/ports.js';

/**
 * The settings that hold the platform's secrets (the token signing key, the subject key, the admin token): a reset
 * and a restore both keep them, so that issued tokens, users' `sub` and the admin link stay valid. One list, so
 * that the two cannot drift apart.
 */
const SECRET_SETTINGS: readonly string[] = ['token_signing_key', 'subject_key', 'admin_token'];

/**
 * What {@link createPlatform} can be given besides the configuration: test doubles for time and ids, where order
 * details and the log come from, and a seed.
 */
export interface PlatformOptions {
  /** The platform clock (default: a running clock at the offset kept in the store). */
  clock?: PlatformClock;
  /** Where ids come from (default: random ones). */
  ids?: IdSource;
  /** Where the customer's app finds order details ("See details"); default: the platform's Order Management API. */
  orderDetails?: OrderDetailsSource;
  /** Where the log goes (default: stdout, one JSON line per event); the CLI passes a pretty printer or stderr. */
  logStream?: DestinationStream;
  /** A seed (`--seed FILE`, services/seed.ts) applied at start and again after a reset of everything. */
  seed?: { seed: Seed; file: string };
}

/** The composition root's options for the CLI and the tests (internal): {@link PlatformOptions} and the seams. */
export interface PlatformOverrides extends PlatformOptions {
  /** The storage to use instead of opening `config.database` (it is closed with the platform). */
  store?: Storage;
  /** Webhook delivery settings (a short HTTP timeout in tests, ...). */
  webhooks?: Partial<Omit<WebhookServiceOptions, 'devMode'>>;
  /** Told of every route as it is registered (tests: every `/betal` route but the open ones is guarded). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * A platform as a user of `@betal/platform` holds it: where it listens, its clock, the test controls and its
 * life cycle. `listen` starts serving; `close` stops everything and lets the store go.
 */
export interface Platform {
  /** The public base URL, e.g. `http://127.0.0.1:41234` (known once listening when the port is 0). */
  readonly baseUrl: string;
  /** The platform clock: read it (`now()`); in tests freeze or advance it (`admin.advanceClock` also expires). */
  clock: PlatformClock;
  /** The test controls (README "Testing against Betal"): sandboxes, reset, snapshots, faults, the crowd, ... */
  admin: PlatformAdmin;
  /** Starts serving on the configured host and port; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A composed platform with its parts (internal: the CLI and the tests reach it through
 * `@betal/platform/internal`): its HTTP app, configuration, store and services, and the public {@link Platform}.
 */
export interface ComposedPlatform extends Platform {
  app: FastifyInstance;
  config: PlatformConfig;
  store: Storage;
  directory: SalesUnitDirectory;
  auth: AuthService;
  payments: PaymentService;
  /** Webhooks (contract 4): registrations, the outbox dispatcher and the delivery log. */
  webhooks: WebhookService;
  /** Order Management (contract 6): categories, images and receipts of orders. */
  orders: OrderManagementService;
  /** Sandboxes and reset: sales units created and deleted over `/betal/merchants`, `POST /betal/reset`. */
  sandboxes: SandboxService;
  /** {@link PlatformAdmin.reset}. */
  reset(options?: { msn?: string }): Promise<void>;
  /** Fault rules (`/betal/faults`): refusals, delays, resets, lost answers and webhook faults on purpose. */
  faults: FaultService;
  /** Snapshots of the whole state (`/betal/snapshots`): save, list, restore, delete. */
  snapshots: SnapshotService;
  /** {@link PlatformAdmin.snapshot}. */
  snapshot(name: string): Promise<SnapshotView>;
  /** {@link PlatformAdmin.restore}. */
  restore(name: string): Promise<SnapshotView>;
  /** True when the admin token was generated at this start (and should be shown to the person starting it). */
  adminTokenGenerated: boolean;
  /** The crowd of customers (`/betal/crowd`): test users that act by themselves. */
  crowd: CrowdService;
  /** What the seed (overrides.seed) made at start; undefined without one. */
  seeded: SeedOutcome | undefined;
}

/** The public view of a composed platform: only the members of {@link Platform}. */
export function publicPlatform(composed: ComposedPlatform): Platform {
  return {
    get baseUrl() {
      return composed.baseUrl;
    },
    clock: composed.clock,
    admin: composed.admin,
    listen: () => composed.listen(),
    close: () => composed.close(),
  };
}

/**
 * Creates a platform from its configuration (config.ts, `configFromEnv`): opens the storage, creates the dev data
 * on first start in dev mode and applies `options.seed`; call `listen()` to serve. Rejects with the storage's
 * error (StorageNotSupportedError for an unknown database URL) or SeedError for a seed that cannot be applied.
 */
export async function createPlatform(
  config: PlatformConfig,
  options: PlatformOptions = {},
): Promise<Platform> {
  return publicPlatform(await composePlatform(config, options));
}

/**
 * Composition root: config → storage → services → workers → HTTP. Opens the storage (storage/open.ts), creates the
 * dev data on first start in dev mode, and wires the Access Token, ePayment and `/betal` routes and the OpenAPI
 * document at `/docs`. Internal (`@betal/platform/internal`): the public entry is {@link createPlatform}.
 */
export async function composePlatform(
  givenConfig: PlatformConfig,
  overrides: PlatformOverrides = {},
): Promise<ComposedPlatform> {
  const store = overrides.store ?? (await openStorage(givenConfig));
  // Outside dev mode the admin endpoints need a token: the configured one, or one kept in the store.
  const admin = givenConfig.devMode
    ? { token: givenConfig.adminToken, generated: false }
    : await resolveAdminToken(store, givenConfig.adminToken);
  const config: PlatformConfig = {
    ...givenConfig,
    ...(admin.token !== undefined ? { adminToken: admin.token } : {}),
  };
  const savedOffset = Number((await store.getSetting('clock_offset_ms')) ?? 0);
  const clock = overrides.clock ?? new PlatformClock({ offsetMs: savedOffset });
  const ids = overrides.ids ?? randomIds();
  const directory = await SalesUnitDirectory.open(store);
  const firstStart = config.devMode ? await seedDevData(store, directory) : false;
  let subjectKey = await store.getSetting('subject_key');
  if (!subjectKey) {
    subjectKey = randomBytes(32).toString('base64url');
    await store.setSetting('subject_key', subjectKey);
  }
  const auth = await AuthService.open(store, directory, clock, { devMode: config.devMode });

  const app = Fastify({
    logger: { level: config.logLevel, ...(overrides.logStream ? { stream: overrides.logStream } : {}) },
    bodyLimit: 1024 * 1024,
    // Slow and idle clients are cut (README "Configuration"); event streams are exempt (http/connections.ts).
    ...timeoutOptions(config.timeouts),
    // A repeated query parameter keeps its last value: no endpoint takes a list, and a handler must never get an
    // array where it reads a token or a limit.
    routerOptions: {
      querystringParser: (query: string) => Object.fromEntries(new URLSearchParams(query)),
      // Paths are matched as the API gateway matches them: in any case and with or without a trailing slash
      // (`POST /accessToken/get`, `POST /order-management/v1/images/`). Path parameters keep their case; a
      // spelling other than the spec's gets a lint notice (onRequest below).
      caseSensitive: false,
      ignoreTrailingSlash: true,
    },
    // An absolute-form request target (`POST http://host/epayment/v1/payments`, RFC 9112 section 3.2.2) is routed
    // by its path, as the gateway does.
    rewriteUrl: (req) => absoluteFormPath(req.url ?? '/'),
    // Requests node's HTTP parser refuses (a bad request line, headers over 16 KiB) are answered in the error
    // shape of their API, with `Connection: close`, since the socket is closed after them.
    clientErrorHandler: (error, socket) => answerClientError(error, socket, () => ids.traceId()),
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    return503OnClosing: true,
    // A URL the router cannot decode (`%ZZ`) or a path parameter over its length limit never reaches a route or
    // the onRequest hook: answer it as a Problem too, instead of Fastify's own JSON.
    frameworkErrors: (error, request, reply) => {
      request.lintNotices = [];
      request.traceId = ids.traceId();
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (tooLong
        ? sendApiError(
            request,
            reply,
            new ApiError(414, 'A path segment of this URL is longer than any resource here.'),
          )
        : sendApiError(
            request,
            reply,
            new ApiError(400, 'The URL is not validly percent-encoded.', {
              fields: [{ name: 'path', reason: 'The URL is not validly percent-encoded.' }],
            }),
          ));
    },
  });
  if (overrides.onRoute) app.addHook('onRoute', overrides.onRoute);
  let baseUrl = config.publicBaseUrl ?? `http://${config.host}:${config.port}`;
  const payments = new PaymentService(store, clock, ids, {
    get publicBaseUrl() {
      return baseUrl;
    },
    devMode: config.devMode,
    subjectKey,
  });
  const orders = new OrderManagementService(store.orderManagement, store, clock, ids);
  const faults = new FaultService({ clock, log: app.log });
  const webhooks = new WebhookService(store, store.webhooks, clock, {
    log: app.log,
    faults,
    allowHosts: config.allowWebhookHosts,
    ...overrides.webhooks,
    devMode: config.devMode,
  });

  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    // No Content-Type at all: the body is read as JSON, with a lint notice (the spec sends application/json).
    if (request.headers['content-type'] === undefined) {
      try {
        const parsed = parseJsonBody(text);
        request.lintNotices.push(
          'Content-Type is missing; the body was read as JSON. Send Content-Type: application/json.',
        );
        return done(null, parsed);
      } catch (error) {
        return done(error as Error, undefined);
      }
    }
    const error = Object.assign(new Error('unsupported media type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    done(error, undefined);
  });
  app.decorateRequest('lintNotices', null as unknown as string[]);
  // The trace id is made on first use: only Problem answers carry one.
  const traceIds = new WeakMap<object, string>();
  app.decorateRequest('traceId', {
    getter(this: object) {
      let id = traceIds.get(this);
      if (id === undefined) traceIds.set(this, (id = ids.traceId()));
      return id;
    },
    setter(this: object, value: string) {
      traceIds.set(this, value);
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    // In strict mode every lint notice is refused as it is raised (http/wire.ts).
    request.lintNotices = config.strict ? strictNotices() : [];
    // HTTP/1.1 requires Host (RFC 9112 section 3.2). Node's own refusal is a bare 400, so the check is made here,
    // in the API's error shape; the socket is closed after it, as Node would.
    if (request.raw.httpVersion === '1.1' && !request.headers.host) {
      sendApiError(
        request,
        reply.header('connection', 'close'),
        new ApiError(400, 'An HTTP/1.1 request needs a Host header.'),
      );
      return;
    }
    const route = request.routeOptions.url;
    if (route !== undefined && apiOfPath(route) !== 'platform') {
      const notice = pathSpellingNotice(route, request.url.split('?')[0] ?? request.url);
      if (notice !== undefined) {
        try {
          request.lintNotices.push(notice);
        } catch (error) {
          return done(error as Error);
        }
      }
    }
    done();
  });
  // Several processes on one store (PostgreSQL) keep the clock, the sales units and wake-ups in step (issue #12).
  const processes = new ProcessSync({
    shared: store.shared,
    payments: store,
    clock,
    directory,
    wake: () => webhooks.wake(),
    sweep: () => payments.expireOverdue(),
    onError: (err) => app.log.error({ err }, 'keeping in step with the other processes failed'),
  });
  if (processes.shared) {
    app.addHook('onRequest', async (request) => {
      try {
        await processes.sync();
      } catch (error) {
        // Liveness and readiness answer for themselves when the database is away (readiness says `degraded`).
        if (!/^\/betal\/(health|ready)(\?|$)/.test(request.url)) throw error;
      }
    });
  }
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.lintNotices.length > 0) {
      reply.header(LINT_HEADER, lintHeaderValues(request.lintNotices));
      request.log.warn(
        { lint: request.lintNotices, url: request.url },
        'accepted a deviation from the Vipps MobilePay spec',
      );
    }
    done(null, payload);
  });
  registerErrorHandling(app);
  // Here, not in a plugin: Fastify gives a route only the hooks added before its plugin loaded, so the fault
  // hooks must be on the root before any API's routes are registered.
  registerFaultHooks(app, faults, config.timeouts);
  registerEventStreamExemptions(app, config.timeouts);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Betal platform: Vipps MobilePay merchant APIs',
        version: '0.1.0',
        description:
          "A self-hostable, offline implementation of the Vipps MobilePay merchant APIs (Access Token, ePayment v1, Webhooks v1, Order Management v2, UserInfo), the customer's side (landing page, QR, the app's JSON API) and the platform's own /betal endpoints.",
      },
    },
    // Security schemes, tags and each operation's headers (openapi.ts).
    transformObject: (document) =>
      'openapiObject' in document
        ? completeOpenApi(document.openapiObject as Record<string, unknown>)
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: swaggerUiConfig() });
  await app.register(accessTokenRoutes, { auth, clock });
  const limits = new RateLimiter(clock, config.rateLimits, store.shared);
  await app.register(epaymentRoutes, {
    auth,
    payments,
    limits,
    devMode: config.devMode,
  });
  await app.register(webhookRoutes, { auth, webhooks });
  await app.register(orderManagementRoutes, { auth, orders });
  await app.register(userinfoRoutes, { auth, userinfo: new UserinfoService(store, clock) });
  const applyTheSeed = async () =>
    overrides.seed &&
    applySeed(overrides.seed.seed, overrides.seed.file, {
      store,
      directory,
      webhooks,
      clock,
      devMode: config.devMode,
      allowHosts: config.allowWebhookHosts,
    });
  const seeded = await applyTheSeed().catch(async (error: unknown) => {
    // A seed that cannot be applied stops the start: nothing listens yet, the store is let go.
    if (!overrides.store) await store.close();
    throw error;
  });
  // What is held in memory of the stored state, forgotten after a reset or a restore (the customer's sessions are
  // made below; this runs only on a request).
  const forgetMemory = (): void => {
    webhooks.forget();
    customerAccess.forget();
    limits.clear();
    // The crowd is made with the customer's side below; a reset only happens once the platform is up.
    crowd.forget();
  };
  const sandboxes = new SandboxService({
    store,
    directory,
    forget: forgetMemory,
    seed: async () => {
      if (config.devMode) await seedDevData(store, directory);
      await applyTheSeed();
    },
    // A reset keeps the platform's time too; a restore brings back the time that was saved.
    keepSettings: [...SECRET_SETTINGS, 'clock_offset_ms'],
  });
  const snapshots = new SnapshotService({
    snapshots: store.snapshots,
    settings: store,
    clock,
    forget: async () => {
      await directory.reload();
      forgetMemory();
    },
    keepSettings: SECRET_SETTINGS,
  });
  // The customer's side: its service, who may act in which app, and the live streams of its pages.
  const adminToken = (config as PlatformConfig & { adminToken?: string }).adminToken;
  const customer = new CustomerService({
    store,
    clock,
    ids,
    payments,
    directory,
    inbox: store.inbox,
    orderDetails: overrides.orderDetails ?? orderDetailsSource(orders),
  });
  const customerAccess = new CustomerAccess({
    store,
    clock,
    devMode: config.devMode,
    // The admin token (BETAL_ADMIN_TOKEN) of the config, once it has one.
    ...(adminToken ? { adminToken } : {}),
  });
  const live = new LiveStreams(customer, (listener) => processes.onRemotePayment(listener));
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => customer.close());
  await app.register(customerRoutes, {
    customer,
    access: customerAccess,
    live,
    clock,
    publicBaseUrl: () => baseUrl,
  });
  const crowd = new CrowdService({ customer, clock });
  app.addHook('onClose', async () => crowd.close());
  const advanceClock = (ms: number) =>
    processes.advanceTestClock(ms, (offset) => store.setSetting('clock_offset_ms', String(offset)));
  // Every /betal route, the admin ones behind the one guard (internal/index.ts).
  await app.register(betalApi, {
    config,
    clock,
    store,
    payments,
    directory,
    sandboxes,
    snapshots,
    faults,
    webhooks,
    orders,
    customer,
    access: customerAccess,
    crowd,
    advanceClock,
  });

  let sweeper: NodeJS.Timeout | undefined;
  const platform: ComposedPlatform = {
    app,
    config,
    clock,
    store,
    directory,
    auth,
    payments,
    webhooks,
    orders,
    sandboxes,
    reset: (options) => sandboxes.reset(options),
    faults,
    snapshots,
    snapshot: (name) => snapshots.save(name),
    restore: (name) => snapshots.restore(name),
    adminTokenGenerated: admin.generated,
    crowd,
    seeded: seeded || undefined,
    admin: platformAdmin({
      devMode: config.devMode,
      directory,
      payments,
      sandboxes,
      snapshots,
      faults,
      crowd,
      advanceClock,
      seeded: seeded || undefined,
    }),
    get baseUrl() {
      return baseUrl;
    },
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      if (!config.publicBaseUrl) baseUrl = address.replace('[::1]', 'localhost');
      if (config.expirySweepMs > 0) {
        sweeper = setInterval(() => {
          processes
            .sync()
            .then(() => payments.expireOverdue())
            .catch((err: unknown) => app.log.error({ err }, 'expiry sweep failed'));
        }, config.expirySweepMs);
        sweeper.unref();
      }
      webhooks.start();
      if (firstStart) app.log.info('dev mode: created the dev merchants and test users');
      return baseUrl;
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      processes.close();
      await app.close();
      await webhooks.stop();
      await store.close();
    },
  };
  return platform;
}
