import type { FastifyInstance } from 'fastify';
import type { PlatformClock } from '../clock.js';
import type { Payment } from '../domain/payment.js';
import { brandOf } from '../domain/sales-unit.js';
import { html, raw } from '@betal/contract/html';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { PlatformStore } from '../store/store.js';

interface Deps {
  clock: PlatformClock;
  store: PlatformStore;
  directory: SalesUnitDirectory;
  devMode: boolean;
}

const STYLE = `
  :root { --ink: #1d1b26; --muted: #6b6878; --line: #e4e2ec; --brand: #ff5b24; --bg: #f7f6fb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
  header { background: #fff; border-bottom: 3px solid var(--brand); padding: 14px 28px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  header h1 { margin: 0; font-size: 18px; }
  nav a { margin-right: 14px; }
  main { padding: 20px 28px; max-width: 1280px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 22px; }
  section h2 { margin: 0; padding: 12px 16px; font-size: 15px; border-bottom: 1px solid var(--line); }
  .meta { color: var(--muted); font-size: 12px; font-weight: normal; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 7px 16px; border-bottom: 1px solid var(--line); }
  th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fbfafd; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .mono { font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
  .pill { border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; background: #ecebf0; }
  .AUTHORIZED { background: #e3f4ea; color: #11794a; } .CREATED { background: #fff2d6; color: #8a5a00; }
  .ABORTED, .EXPIRED, .TERMINATED { background: #fbe3e1; color: #b3261e; }
  .empty { padding: 14px 16px; color: var(--muted); }
`;

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
            <style>
              ${raw(STYLE)}
            </style>
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
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        )
        .type('text/html; charset=utf-8')
        .send(page.toString());
    },
  );
}
