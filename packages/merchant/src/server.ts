import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { VippsClient } from '@betal/client';
import { isRealVipps, type MerchantConfig } from './config.js';
import { PaymentService } from './services/payments.js';
import { WebhookRegistrar } from './services/webhooks.js';
import { openMerchantStore } from './store/open.js';
import type { MerchantStore } from './store/store.js';
import { adminRoutes } from './web/admin.js';
import { assetRoutes } from './web/assets.js';
import { sendPage, type WebContext } from './web/context.js';
import { customerRoutes } from './web/customers.js';
import { html } from '@betal/contract/html';
import { invoiceRoutes } from './web/invoices.js';
import { linkRoutes } from './web/links.js';
import { shopRoutes } from './web/shop.js';
import { WEBHOOK_PATH, webhookRoute } from './web/webhook-route.js';

/** What can be given to {@link createMerchant} besides the configuration: clocks, a client, a store. */
export interface MerchantOverrides {
  /** The merchant's clock (epoch ms): due dates, reconciliation. Default Date.now. `betal dev` passes the platform's. */
  now?: () => number;
  /** Real time for the freshness of webhook signatures. Default Date.now. */
  wallClock?: () => number;
  /** The typed client; default one built from `config.vipps`. */
  client?: VippsClient;
  /** The store to use (closed by `close`); default the one `config.database` names (see `openMerchantStore`). */
  store?: MerchantStore;
  /** Where the log goes (default: stdout, one JSON line per event); the CLI passes a pretty printer or stderr. */
  logStream?: DestinationStream;
}

/** A composed merchant: its HTTP app, store and services. `listen` starts serving; `close` stops everything. */
export interface Merchant {
  app: FastifyInstance;
  config: MerchantConfig;
  store: MerchantStore;
  client: VippsClient;
  payments: PaymentService;
  registrar: WebhookRegistrar;
  /** The public base URL (known once listening when the port is 0). */
  readonly url: string;
  /** Listens, registers the webhook (when configured) and starts the reconciler. Answers the public URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Composition root of the merchant: config → store → typed client → services → HTTP (Fastify, server-rendered
 * pages). The merchant reaches the platform only over HTTP through {@link VippsClient}, so the same service runs
 * against a Betal platform and the real Vipps MobilePay API; only `config.vipps` differs.
 */
export async function createMerchant(
  config: MerchantConfig,
  overrides: MerchantOverrides = {},
): Promise<Merchant> {
  const now = overrides.now ?? Date.now;
  const store = overrides.store ?? (await openMerchantStore(config.database));
  const client =
    overrides.client ??
    new VippsClient({
      baseUrl: config.vipps.baseUrl,
      clientId: config.vipps.clientId,
      clientSecret: config.vipps.clientSecret,
      subscriptionKey: config.vipps.subscriptionKey,
      merchantSerialNumber: config.vipps.msn,
      system: { name: 'betal-merchant', version: '0.1.0' },
    });
  const app = Fastify({
    logger: { level: config.logLevel, ...(overrides.logStream ? { stream: overrides.logStream } : {}) },
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const log = app.log;
  const payments = new PaymentService({
    store,
    client,
    msn: config.vipps.msn,
    currency: config.currency,
    now,
    log,
  });
  const registrar = new WebhookRegistrar({
    store,
    client,
    url: () => `${publicUrl}${WEBHOOK_PATH}`,
    now,
    ...(overrides.wallClock ? { wallClock: overrides.wallClock } : {}),
    log,
  });
  const platformLinks = isRealVipps(config.vipps.baseUrl)
    ? []
    : [
        { label: "Customer's app", href: `${config.vipps.baseUrl}/app` },
        {
          label: 'Platform dashboard (webhook deliveries)',
          href: `${config.vipps.baseUrl}/betal/dashboard`,
        },
        { label: 'API docs', href: `${config.vipps.baseUrl}/docs` },
      ];
  const ctx: WebContext = {
    config,
    get publicUrl() {
      return publicUrl;
    },
    store,
    payments,
    registrar,
    now,
    platformLinks,
  };

  // Bodies: JSON is kept raw (the webhook signature is over the exact bytes), forms become URLSearchParams.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const text =
      status === 415
        ? 'Send a form (application/x-www-form-urlencoded) or JSON.'
        : status === 413
          ? 'The request is too large.'
          : status < 500
            ? error.message
            : 'Something went wrong on our side; it has been logged.';
    if (request.url.startsWith('/api/') || request.url.startsWith(WEBHOOK_PATH)) {
      return reply.code(status).send({ error: status, message: text });
    }
    return sendPage(ctx, reply, {
      status,
      title: 'Error',
      side: request.url.startsWith('/merchant') ? 'merchant' : 'shop',
      body: html`<h1>${status < 500 ? 'That did not work' : 'Error'}</h1>`,
      flashes: [{ kind: 'error', text }],
    });
  });
  app.setNotFoundHandler((request, reply) =>
    sendPage(ctx, reply, {
      status: 404,
      title: 'Not found',
      side: request.url.startsWith('/merchant') ? 'merchant' : 'shop',
      body: html`<h1>Not found</h1>
        <p>There is no page at this address. <a href="/">Start here</a>.</p>`,
    }),
  );

  assetRoutes(app);
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/', async (_request, reply) => {
    const body = html`<h1>${config.name}: a reference merchant</h1>
      <p>The five recommended flows of Vipps MobilePay, from the merchant's side. Each starts here:</p>
      <ol class="flows card">
        <li>
          <strong>Online payments</strong> (seed 002): <a href="/shop">the shop</a>. Add products, pay, come
          back to a confirmed order; ship it from <a href="/merchant/orders">Orders</a> (capture).
        </li>
        <li>
          <strong>Payment request as a link</strong> (seed 000): <a href="/merchant/links">Payment links</a>.
          Create a link or QR, open it as the customer, pay, then capture from the payment's page.
        </li>
        <li>
          <strong>Sent directly to the app</strong> (seed 001): <a href="/merchant/customers">Customers</a>.
          Send a request to a customer who agreed to it; the status arrives by webhook.
        </li>
        <li>
          <strong>With sharing of the phone number</strong> (seed 003): a payment link with “share phone
          number” ticked. After payment the customer appears under Customers.
        </li>
        <li>
          <strong>Invoices</strong> (seed 004): <a href="/merchant/invoices">Invoices</a>. Known customers get
          a long-living request in the app; others pay on the invoice page.
        </li>
      </ol>
      ${
        platformLinks.length
          ? html`<p>
              The customer's side: <a href="${config.vipps.baseUrl}/app">the customer's app</a> (pick a test
              user) and the platform's landing page behind each payment.
            </p>`
          : ''
      }`;
    return sendPage(ctx, reply, { title: 'Start', side: 'shop', body });
  });

  await app.register(async (scope) => {
    await shopRoutes(scope, ctx);
    await linkRoutes(scope, ctx);
    await customerRoutes(scope, ctx);
    await invoiceRoutes(scope, ctx);
    await adminRoutes(scope, ctx);
    await webhookRoute(scope, ctx);
  });

  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    ticking = true;
    try {
      if (config.registerWebhook && !registrar.status?.ok) await registrar.ensure();
      const result = await payments.reconcile(config.quietMs);
      for (const f of result.failed)
        log.warn({ reference: f.reference, error: f.error }, 'reconciliation failed');
    } catch (err) {
      log.error({ err }, 'reconciler tick failed');
    } finally {
      ticking = false;
    }
  };

  return {
    app,
    config,
    store,
    client,
    payments,
    registrar,
    get url() {
      return publicUrl;
    },
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      if (!config.publicUrl) publicUrl = address.replace('[::1]', 'localhost');
      if (config.registerWebhook) await registrar.ensure();
      if (config.reconcileIntervalMs > 0) {
        timer = setInterval(() => void tick(), config.reconcileIntervalMs);
        timer.unref();
      }
      return publicUrl;
    },
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
      await payments.idle();
      await store.close();
    },
  };
}
