import { formatMoney, type Delivery } from '@betal/contract';
import { escapeHtml } from '@betal/contract/html';
import { DASHBOARD_STYLESHEET } from '../internal/dashboard-style.js';
import { FAVICON } from '../customer/pages.js';
import type { RegistrationSummary } from './log.js';

function attemptLine(a: Delivery['attempts'][number]): string {
  const status = a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`;
  const cls = a.error === null ? 'ok' : 'err';
  return `<li><span class="mono">${escapeHtml(a.at.replace('T', ' ').replace('Z', ''))}</span>
    <span class="${cls}">${escapeHtml(status)}</span> · ${a.latencyMs.toFixed(1)} ms${a.manual ? ' · by hand' : ''}
    ${a.error !== null ? `<div class="err mono">${escapeHtml(a.error)}</div>` : ''}</li>`;
}

/** The event's amount as the dashboards write amounts (formatMoney), or '' when the payload has none. */
function amountOf(payload: unknown): string {
  const amount = (payload as { amount?: { value?: unknown; currency?: unknown } }).amount;
  if (typeof amount?.value !== 'number' || typeof amount.currency !== 'string') return '';
  return formatMoney(amount.value, amount.currency);
}

function deliveryRow(msn: string, d: Delivery): string {
  const payment = `/betal/dashboard/payments/${encodeURIComponent(msn)}/${encodeURIComponent(d.reference)}`;
  return `<tr>
    <td class="mono">${escapeHtml(d.id)}</td>
    <td class="mono">${escapeHtml(d.eventType)}</td>
    <td class="mono"><a href="${escapeHtml(payment)}">${escapeHtml(d.reference)}</a><div class="meta">${escapeHtml(amountOf(d.payload))}</div></td>
    <td><span class="pill ${d.status}">${d.status}</span>${
      d.nextAttemptAt ? `<div class="meta">next ${escapeHtml(d.nextAttemptAt.replace('T', ' '))}</div>` : ''
    }</td>
    <td>${d.attempts.length ? `<ol class="attempts">${d.attempts.map(attemptLine).join('')}</ol>` : '<span class="meta">not tried yet</span>'}</td>
    <td><form method="post" action="/betal/deliveries/${encodeURIComponent(d.id)}/redeliver?then=dashboard">
      <button type="submit" title="Send this event again now">Redeliver</button></form></td>
  </tr>`;
}

/**
 * The webhooks page of the platform's dashboard: each registration with its URL, events, delivery counts and
 * latest deliveries, every attempt with its time (platform clock), status code, latency and error, and a
 * Redeliver button per delivery. Plain HTML and CSS.
 */
export function renderWebhooksDashboard(
  hooks: Array<{ summary: RegistrationSummary; deliveries: Delivery[] }>,
  now: string,
): string {
  const sections = hooks.map(({ summary: s, deliveries }) => {
    const counts = (['delivered', 'pending', 'failed', 'discarded'] as const)
      .map((k) => `<span class="pill ${k}">${s.deliveries[k]} ${k}</span>`)
      .join('');
    const state = s.deletedAt
      ? `<span class="pill deleted">deleted (${escapeHtml(s.deletedReason ?? '')})</span>`
      : s.failingSince
        ? `<span class="pill failed">failing since ${escapeHtml(s.failingSince)}</span>`
        : '';
    return `<section class="hook" id="wh-${escapeHtml(s.id)}">
      <div class="hook-head"><h2>${escapeHtml(s.url)}</h2>${state}
        <span class="meta">MSN ${escapeHtml(s.msn)} · id <span class="mono">${escapeHtml(s.id)}</span> · since ${escapeHtml(s.createdAt)}</span>
        <span class="counts">${counts}</span>
        <a class="meta" href="/betal/webhooks/${encodeURIComponent(s.id)}/deliveries">JSON</a></div>
      <div class="events">${s.events.map((e) => `<span class="tag">${escapeHtml(e)}</span>`).join('')}</div>
      ${
        deliveries.length
          ? `<table><thead><tr><th>Delivery</th><th>Event</th><th>Reference</th><th>Status</th><th>Attempts</th><th></th></tr></thead>
             <tbody>${deliveries.map((d) => deliveryRow(s.msn, d)).join('')}</tbody></table>`
          : '<div class="empty">No deliveries yet.</div>'
      }
    </section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhooks · Betal</title><link rel="icon" href="${FAVICON}" type="image/svg+xml"><link rel="stylesheet" href="${DASHBOARD_STYLESHEET}"></head>
<body><header><h1>Betal · Webhooks</h1><span>delivery log · platform time ${escapeHtml(now)}</span>
<nav><a href="/betal/dashboard">Payments</a><a href="/app">Customer's app</a><a href="/docs">API document</a></nav></header>
<main>${sections.length ? sections.join('') : '<p class="empty">No webhooks are registered. Register one with POST /webhooks/v1/webhooks.</p>'}</main>
</body></html>`;
}
