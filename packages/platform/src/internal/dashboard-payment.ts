import { formatMoney } from '@betal/contract';
import { html, type Html } from '@betal/contract/html';
import type { Payment } from '../domain/payment.js';
import type { DeliveryWithAttempts, StoredPaymentEvent } from '../storage/ports.js';

/** The locale of the dashboard's amounts (the dashboard is in English): `NOK 1,000.50`. */
export const DASHBOARD_LOCALE = 'en-GB';

/** Minor units as the dashboard shows money: the one amount format (`formatMoney`, en-GB). */
export function dashboardMoney(minorUnits: number, currency: string): string {
  return formatMoney(minorUnits, currency, DASHBOARD_LOCALE);
}

/** Epoch ms on the platform clock as the dashboard shows it: `2026-12-01 18:05:38` (UTC). */
export function platformTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** The address of a payment's page on the dashboard: `/betal/dashboard/payments/{msn}/{reference}`. */
export function paymentPagePath(msn: string, reference: string): string {
  return `/betal/dashboard/payments/${encodeURIComponent(msn)}/${encodeURIComponent(reference)}`;
}

function eventRow(e: StoredPaymentEvent): Html {
  return html`<tr>
    <td class="mono">${platformTime(e.timestamp)}</td>
    <td><span class="pill ${e.name}">${e.name}</span></td>
    <td class="num">${dashboardMoney(e.amount, e.currency)}</td>
    <td class="mono">${e.pspReference}</td>
    <td class="mono">${e.idempotencyKey ?? ''}</td>
    <td>${e.success ? 'yes' : html`<span class="err">no</span>`}</td>
  </tr>`;
}

function deliveryRow(d: DeliveryWithAttempts, url: string): Html {
  const attempts = d.attemptLog.length
    ? html`<ol class="attempts">
        ${d.attemptLog.map(
          (a) =>
            html`<li>
              <span class="mono">${platformTime(a.at)}</span>
              <span class="${a.error === null ? 'ok' : 'err'}"
                >${a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`}</span
              >
              · ${a.latencyMs.toFixed(1)} ms${a.manual ? ' · by hand' : ''}
              ${a.error !== null ? html`<div class="err mono">${a.error}</div>` : ''}
            </li>`,
        )}
      </ol>`
    : html`<span class="meta">not tried yet</span>`;
  return html`<tr>
    <td class="mono">${String(d.id)}</td>
    <td class="mono">${d.eventType}</td>
    <td class="mono wrap">
      <a
        href="/betal/dashboard/webhooks#wh-${encodeURIComponent(d.registrationId)}"
        title="Its webhook's delivery log"
        >${url}</a
      >
    </td>
    <td>
      <span class="pill ${d.status}">${d.status}</span>${
        d.nextAttemptAt !== null ? html`<div class="meta">next ${platformTime(d.nextAttemptAt)}</div>` : ''
      }
    </td>
    <td>${attempts}</td>
  </tr>`;
}

/** What the payment page of the dashboard shows: the payment, its event log and its webhook deliveries. */
export interface PaymentPageData {
  payment: Payment;
  /** The sales unit's name. */
  unitName: string;
  /** The payment's event log, oldest first (GET .../events, contract 3.7). */
  events: StoredPaymentEvent[];
  /** The webhook deliveries of the payment's events, newest first, with the URL of their registration. */
  deliveries: Array<{ delivery: DeliveryWithAttempts; url: string }>;
  /** The platform clock now (epoch ms). */
  now: number;
}

/**
 * The body of `GET /betal/dashboard/payments/{msn}/{reference}`: the payment's details (state, userFlow, amount and
 * aggregate, pspReference, dates on the platform clock, description), its event log as GET events answers it
 * (contract 3.7) and its webhook deliveries with every attempt (the delivery log, contract 4); redelivering is on
 * the webhooks page, which it links to. Amounts in the one amount format; everything in the API's own terms.
 */
export function paymentPageBody(data: PaymentPageData): Html {
  const p = data.payment;
  const a = p.aggregate;
  const money = (v: number) => dashboardMoney(v, p.currency);
  const facts: Array<[string, Html | string]> = [
    ['State', html`<span class="pill ${p.state}">${p.state}</span>`],
    ['MSN', html`<span class="mono">${p.msn}</span> · ${data.unitName}`],
    ['pspReference', html`<span class="mono">${p.pspReference}</span>`],
    ['userFlow', p.userFlow],
    ['Amount', money(p.value)],
    ['Authorized', money(a.authorized)],
    ['Captured', money(a.captured)],
    ['Refunded', money(a.refunded)],
    ['Cancelled', money(a.cancelled)],
    ['Created', html`<span class="mono">${platformTime(p.createdAt)}</span>`],
    ['Expires', html`<span class="mono">${platformTime(p.expiresAt)}</span>`],
  ];
  if (p.details.paymentDescription) facts.push(['Description', p.details.paymentDescription]);
  if (p.authorizedBy) facts.push(['Authorized by', html`<span class="mono">${p.authorizedBy}</span>`]);
  return html`<p class="crumbs"><a href="/betal/dashboard">← All payments</a></p>
    <section aria-labelledby="payment-title">
      <h2 id="payment-title">Payment <span class="mono">${p.reference}</span></h2>
      <dl class="facts">
        ${facts.map(
          ([k, v]) =>
            html`<dt>${k}</dt>
              <dd>${v}</dd>`,
        )}
      </dl>
    </section>
    <section aria-labelledby="events-title">
      <h2 id="events-title">
        Event log <span class="meta">GET /epayment/v1/payments/{reference}/events</span>
      </h2>
      ${
        data.events.length
          ? html`<table>
              <thead>
                <tr>
                  <th>Time (platform)</th>
                  <th>Event</th>
                  <th class="num">Amount</th>
                  <th>pspReference</th>
                  <th>Idempotency-Key</th>
                  <th>Success</th>
                </tr>
              </thead>
              <tbody>
                ${data.events.map(eventRow)}
              </tbody>
            </table>`
          : html`<div class="empty">No events.</div>`
      }
    </section>
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">
        Webhook deliveries
        <span class="meta"><a href="/betal/dashboard/webhooks">Redeliver on the webhooks page</a></span>
      </h2>
      ${
        data.deliveries.length
          ? html`<table>
              <thead>
                <tr>
                  <th>Delivery</th>
                  <th>Event</th>
                  <th>Webhook</th>
                  <th>Status</th>
                  <th>Attempts</th>
                </tr>
              </thead>
              <tbody>
                ${data.deliveries.map((d) => deliveryRow(d.delivery, d.url))}
              </tbody>
            </table>`
          : html`<div class="empty">No webhook deliveries of this payment.</div>`
      }
    </section>`;
}
