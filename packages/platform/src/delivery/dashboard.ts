import type { Delivery } from '@betal/contract';
import { escapeHtml } from '@betal/contract/html';
import type { RegistrationSummary } from './service.js';

const STYLE = `
  :root { --ink: #1d1b26; --muted: #6b6878; --line: #e4e2ec; --brand: #ff5b24; --ok: #11794a; --bad: #b3261e;
          --wait: #8a5a00; --bg: #f7f6fb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
         background: var(--bg); }
  header { background: #fff; border-bottom: 3px solid var(--brand); padding: 14px 28px; display: flex;
           align-items: baseline; gap: 16px; }
  header h1 { margin: 0; font-size: 18px; }
  header span { color: var(--muted); }
  main { padding: 20px 28px; max-width: 1280px; }
  section.hook { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 22px; }
  .hook-head { padding: 12px 16px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 6px 18px;
               align-items: baseline; }
  .hook-head h2 { margin: 0; font-size: 15px; font-family: ui-monospace, Menlo, monospace; word-break: break-all; }
  .meta { color: var(--muted); font-size: 12px; }
  .events { padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 6px; border-bottom: 1px solid var(--line); }
  .tag { font: 12px ui-monospace, Menlo, monospace; background: #f0eef7; border-radius: 4px; padding: 1px 6px; }
  .counts { display: flex; gap: 10px; font-size: 12px; }
  .pill { border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; white-space: nowrap; }
  .delivered { background: #e3f4ea; color: var(--ok); }
  .pending { background: #fff2d6; color: var(--wait); }
  .failed { background: #fbe3e1; color: var(--bad); }
  .discarded, .deleted { background: #ecebf0; color: var(--muted); }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 7px 16px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; background: #fbfafd; }
  td.mono, .mono { font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
  ol.attempts { margin: 0; padding-left: 18px; }
  ol.attempts li { font-size: 12px; }
  .err { color: var(--bad); }
  .ok { color: var(--ok); }
  form { margin: 0; }
  button { font: inherit; font-size: 12px; border: 1px solid var(--line); background: #fff; border-radius: 6px;
           padding: 3px 10px; cursor: pointer; }
  button:hover { border-color: var(--brand); }
  .empty { padding: 14px 16px; color: var(--muted); }
`;

function attemptLine(a: Delivery['attempts'][number]): string {
  const status = a.statusCode === null ? 'no answer' : `HTTP ${a.statusCode}`;
  const cls = a.error === null ? 'ok' : 'err';
  return `<li><span class="mono">${escapeHtml(a.at.replace('T', ' ').replace('Z', ''))}</span>
    <span class="${cls}">${escapeHtml(status)}</span> · ${a.latencyMs.toFixed(1)} ms${a.manual ? ' · by hand' : ''}
    ${a.error !== null ? `<div class="err mono">${escapeHtml(a.error)}</div>` : ''}</li>`;
}

function deliveryRow(d: Delivery): string {
  const payload = d.payload as { name?: string; amount?: { value?: number; currency?: string } };
  const amount = payload.amount ? `${payload.amount.value ?? ''} ${payload.amount.currency ?? ''}` : '';
  return `<tr>
    <td class="mono">${escapeHtml(d.id)}</td>
    <td class="mono">${escapeHtml(d.eventType)}</td>
    <td class="mono">${escapeHtml(d.reference)}<div class="meta">${escapeHtml(amount)} minor units</div></td>
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
             <tbody>${deliveries.map(deliveryRow).join('')}</tbody></table>`
          : '<div class="empty">No deliveries yet.</div>'
      }
    </section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhooks · Betal</title><style>${STYLE}</style></head>
<body><header><h1>Betal · Webhooks</h1><span>delivery log · platform time ${escapeHtml(now)}</span></header>
<main>${sections.length ? sections.join('') : '<p class="empty">No webhooks are registered. Register one with POST /webhooks/v1/webhooks.</p>'}</main>
</body></html>`;
}
