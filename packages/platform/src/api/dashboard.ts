import type { FastifyInstance } from 'fastify';
import type { PlatformClock } from '../clock.js';
import type { Payment } from '../domain/payment.js';
import { brandOf } from '../domain/sales-unit.js';
import { html } from '@betal/contract/html';
import { FAVICON } from '../customer/pages.js';
import { DASHBOARD_STYLESHEET, dashboardStyleRoute } from './dashboard-style.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PlatformStore } from '../storage/ports.js';

interface Deps {
  clock: PlatformClock;
  store: PlatformStore;
  directory: SalesUnitDirectory;
  devMode: boolean;
}

function money(value: number, currency: string): string {
  return `${(value / 100).toFixed(2)} ${currency}`;
}

function paymentRow(p: Payment) {
  const a = p.aggregate;
  return html`<tr>
    <td class="mono">${p.reference}</td>
    <td><span class="pill ${p.state}">${p.state}</span></td>
    <td>${p.userFlow}</td>
    <td class="num">${money(p.value, p.currency)}</td>
    <td class="num">${money(a.authorized, p.currency)}</td>
    <td class="num">${money(a.captured, p.currency)}</td>
    <td class="num">${money(a.refunded, p.currency)}</td>
    <td class="num">${money(a.cancelled, p.currency)}</td>
    <td class="mono">${new Date(p.createdAt).toISOString().replace('T', ' ').slice(0, 19)}</td>
  </tr>`;
}

/**
 * `GET /betal/dashboard`: the platform's overview page. Each sales unit (with its credentials in dev mode) and its
 * latest payments with state and aggregate (minor units shown as major), the platform clock, and links to the
 * webhooks delivery log, the customer's app, the test users and the OpenAPI document. Plain server-rendered HTML.
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
                        <th>Amount</th>
                        <th>Authorized</th>
                        <th>Captured</th>
                        <th>Refunded</th>
                        <th>Cancelled</th>
                        <th>Created (platform time)</th>
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
      const page = html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Dashboard · Betal</title>
            <link rel="icon" href="${FAVICON}" type="image/svg+xml" />
            <link rel="stylesheet" href="${DASHBOARD_STYLESHEET}" />
          </head>
          <body>
            <header>
              <h1>Betal platform</h1>
              <span class="meta">platform time ${new Date(deps.clock.now()).toISOString()}</span>
              <nav>
                <a href="/betal/dashboard/webhooks">Webhooks</a><a href="/app">Customer's app</a
                ><a href="/betal/users">Test users (JSON)</a> <a href="/docs">API document</a>
              </nav>
            </header>
            <main>${sections}</main>
          </body>
        </html>`;
      return reply
        .header('content-security-policy', "default-src 'none'; style-src 'self'; frame-ancestors 'none'")
        .type('text/html; charset=utf-8')
        .send(page.toString());
    },
  );
}
