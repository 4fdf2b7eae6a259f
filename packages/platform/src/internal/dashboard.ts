import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PlatformClock } from '../clock.js';
import type { Payment } from '../domain/payment.js';
import { brandOf } from '../domain/sales-unit.js';
import { html, type Html } from '@betal/contract/html';
import { ApiError } from '../kernel/errors.js';
import { dashboardMoney, paymentPageBody, paymentPagePath, platformTime } from './dashboard-payment.js';
import { FAVICON } from '../customer/pages.js';
import { DASHBOARD_STYLESHEET, dashboardStyleRoute } from './dashboard-style.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { DeliveryWithAttempts, PlatformStore } from '../storage/ports.js';

interface Deps {
  clock: PlatformClock;
  store: PlatformStore;
  directory: SalesUnitDirectory;
  devMode: boolean;
}

function paymentRow(p: Payment) {
  const a = p.aggregate;
  const money = (v: number) => dashboardMoney(v, p.currency);
  return html`<tr>
    <td class="mono">
      <a
        href="${paymentPagePath(p.msn, p.reference)}"
        aria-label="Payment ${p.reference}: details, events and webhooks"
        >${p.reference}</a
      >
    </td>
    <td><span class="pill ${p.state}">${p.state}</span></td>
    <td>${p.userFlow}</td>
    <td class="num">${money(p.value)}</td>
    <td class="num">${money(a.authorized)}</td>
    <td class="num">${money(a.captured)}</td>
    <td class="num">${money(a.refunded)}</td>
    <td class="num">${money(a.cancelled)}</td>
    <td class="mono">${platformTime(p.createdAt)}</td>
  </tr>`;
}

/** The document around a dashboard page: title, the shared stylesheet, the header with the clock and links. */
function dashboardDocument(title: string, now: number, main: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Betal</title>
        <link rel="icon" href="${FAVICON}" type="image/svg+xml" />
        <link rel="stylesheet" href="${DASHBOARD_STYLESHEET}" />
      </head>
      <body>
        <header>
          <h1>Betal platform</h1>
          <span class="meta">platform time ${new Date(now).toISOString()}</span>
          <nav>
            <a href="/betal/dashboard">Payments</a><a href="/betal/dashboard/webhooks">Webhooks</a
            ><a href="/app">Customer's app</a><a href="/betal/users">Test users (JSON)</a>
            <a href="/docs">API document</a>
          </nav>
        </header>
        <main>${main}</main>
      </body>
    </html>`.value;
}

function sendDashboard(reply: FastifyReply, page: string): FastifyReply {
  return reply
    .header('content-security-policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(page);
}

/** How many deliveries of each webhook registration the payment page looks through for the payment's own. */
const DELIVERIES_PER_REGISTRATION = 500;

/**
 * The webhook deliveries of one payment, newest first, from the delivery log of the MSN's registrations (deleted
 * ones too): the latest {@link DELIVERIES_PER_REGISTRATION} of each, filtered by reference.
 */
async function deliveriesOf(store: PlatformStore, msn: string, reference: string) {
  const registrations = (await store.webhooks.allRegistrations(200)).filter((r) => r.msn === msn);
  const found: Array<{ delivery: DeliveryWithAttempts; url: string }> = [];
  for (const r of registrations) {
    const deliveries = await store.webhooks.listDeliveries(r.id, { limit: DELIVERIES_PER_REGISTRATION });
    for (const d of deliveries) if (d.reference === reference) found.push({ delivery: d, url: r.url });
  }
  return found.sort((x, y) => y.delivery.seq - x.delivery.seq || y.delivery.id - x.delivery.id);
}

/**
 * `GET /betal/dashboard`: the platform's overview page. Each sales unit (with its credentials in dev mode) and its
 * latest payments with state and aggregate (minor units shown as money, en-GB), the platform clock, and links to
 * the webhooks delivery log, the customer's app, the test users and the OpenAPI document. Each payment's reference
 * links to `GET /betal/dashboard/payments/{msn}/{reference}`: its details, event log and webhook deliveries (404
 * in the /betal error shape for an unknown MSN or reference). Plain server-rendered HTML, behind the admin guard.
 */
export async function dashboardRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  dashboardStyleRoute(app);
  app.get(
    '/betal/dashboard',
    { schema: { tags: ['Betal platform'], summary: 'The dashboard page (HTML)' } },
    async (_request, reply) => {
      const units = deps.directory.list();
      const sections = await Promise.all(
        units.map(async (u) => {
          const payments = await deps.store.listPayments(u.msn, 25);
          const credentials = deps.devMode
            ? html`<span class="meta"
                >client_id <span class="mono">${u.clientId}</span> · subscription key
                <span class="mono">${u.subscriptionKeys[0] ?? ''}</span></span
              >`
            : '';
          return html`<section>
            <h2>
              MSN ${u.msn} · ${u.name}
              <span class="meta"
                >${u.market}, ${u.currency}, ${brandOf(u.market) === 'VIPPS' ? 'Vipps' : 'MobilePay'}</span
              >
              ${credentials}
            </h2>
            ${
              payments.length
                ? html`<table>
                    <thead>
                      <tr>
                        <th>Reference</th>
                        <th>State</th>
                        <th>userFlow</th>
                        <th class="num">Amount</th>
                        <th class="num">Authorized</th>
                        <th class="num">Captured</th>
                        <th class="num">Refunded</th>
                        <th class="num">Cancelled</th>
                        <th>Created</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${payments.map(paymentRow)}
                    </tbody>
                  </table>`
                : html`<div class="empty">No payments yet.</div>`
            }
          </section>`;
        }),
      );
      return sendDashboard(reply, dashboardDocument('Dashboard', deps.clock.now(), html`${sections}`));
    },
  );

  app.get<{ Params: { msn: string; reference: string } }>(
    '/betal/dashboard/payments/:msn/:reference',
    {
      schema: {
        tags: ['Betal platform'],
        summary: "A payment's page of the dashboard: its details, event log and webhook deliveries (HTML)",
        params: {
          type: 'object',
          properties: {
            msn: { type: 'string', description: 'The Merchant-Serial-Number of the sales unit.' },
            reference: { type: 'string', description: 'The merchant reference of the payment.' },
          },
          required: ['msn', 'reference'],
        },
      },
    },
    async (request, reply) => {
      const { msn, reference } = request.params;
      const unit = deps.directory.list().find((u) => u.msn === msn);
      const payment = unit ? await deps.store.findPayment(msn, reference) : undefined;
      if (!unit || !payment) {
        throw new ApiError(404, `No payment with reference ${reference} on MSN ${msn}.`);
      }
      const [events, deliveries] = await Promise.all([
        deps.store.listEvents(msn, reference),
        deliveriesOf(deps.store, msn, reference),
      ]);
      const now = deps.clock.now();
      const body = paymentPageBody({ payment, unitName: unit.name, events, deliveries, now });
      return sendDashboard(reply, dashboardDocument(`Payment ${reference}`, now, body));
    },
  );
}
