import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PaymentEvent } from '@betal/contract';
import { amountInputValue, formatAmount, readAmount } from '../domain/input.js';
import { derive, eventHistory } from '../domain/order-status.js';
import { PlatformCallError, describeError } from '../services/payments.js';
import { listedStatus, type PaymentRecord, type Purpose } from '../store/store.js';
import { formOf, noticeOf, sendPage, type WebContext } from './context.js';
import { failureState, paymentTable, sendPageInState } from './page-parts.js';
import { html, type Html } from '@betal/contract/html';
import { facts, statusBadge, statusLabel, type Flash } from './layout.js';
import { notFound } from './links.js';

const PURPOSES: Record<Purpose, string> = {
  shop: 'Shop order (seed 002)',
  link: 'Payment link (seed 000/003)',
  direct: 'Request sent to the app (seed 001)',
  invoice: 'Invoice (seed 004)',
};

async function ownerLink(ctx: WebContext, p: PaymentRecord): Promise<Html> {
  switch (p.purpose) {
    case 'shop':
      return html`<a href="/merchant/orders">shop order</a>`;
    case 'link': {
      const link = await ctx.store.getLink(p.ownerId);
      return html`<a href="/merchant/links/${p.ownerId}">${link?.description ?? 'payment link'}</a>`;
    }
    case 'direct':
      return html`<a href="/merchant/customers/${p.ownerId}">customer ${p.ownerId}</a>`;
    case 'invoice': {
      const invoice = await ctx.store.getInvoice(p.ownerId);
      return html`<a href="/merchant/invoices/${p.ownerId}">invoice #${invoice?.number ?? '?'}</a>`;
    }
  }
}

function time(epochMs: number | undefined): string {
  return epochMs === undefined ? '-' : new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

async function paymentsOverview(ctx: WebContext, payments: PaymentRecord[]): Promise<Html> {
  if (payments.length === 0) return html`<p class="card muted">No payments yet.</p>`;
  const owners = new Map(
    await Promise.all(payments.map(async (p) => [p.reference, await ownerLink(ctx, p)] as const)),
  );
  return paymentTable(payments, [
    { heading: 'For', cell: (p) => owners.get(p.reference)! },
    { heading: 'Flow', cell: (p) => `${p.userFlow}${p.expiresAt ? ' (long-living)' : ''}` },
  ]);
}

/**
 * The merchant's own pages: the overview of every payment with live status, the shop's orders with Ship
 * (capture the full amount and check it, seed 002), each payment with its sums, capture, partial refund and
 * cancel, its event history (the platform's event log and the webhooks received, duplicates marked) and its
 * operations; reconciliation on demand; and the JSON status that keeps the badges live.
 */
export async function adminRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.get('/merchant', async (request, reply) => {
    const reg = ctx.registrar.status;
    const body = html`<h1>Overview</h1>
      <section class="card">
        ${facts([
          ['Platform', ctx.config.vipps.baseUrl],
          ['MSN', ctx.config.vipps.msn],
          [
            'Webhook',
            reg?.ok
              ? html`registered <code>${reg.registration.url}</code>`
              : reg
                ? html`<span class="badge badge-failed">not registered</span>`
                : 'not registered yet',
          ],
        ])}
        <form method="post" action="/merchant/reconcile" style="margin-top:.8rem">
          <button class="secondary" type="submit">Reconcile now</button>
          <span class="hint"
            >Queries every payment that is still open, as the reconciler does every
            ${Math.round(ctx.config.reconcileIntervalMs / 1000)} s.</span
          >
        </form>
      </section>
      <h2>Payments</h2>
      ${await paymentsOverview(ctx, await ctx.store.listPayments({ limit: 200 }))}`;
    return sendPage(ctx, reply, { title: 'Overview', side: 'merchant', body, flashes: noticeOf(request) });
  });

  app.post('/merchant/reconcile', async (_request, reply) => {
    const result = await ctx.payments.reconcile(0, 500);
    if (result.failed.length > 0) {
      const body = html`<h1>Reconciliation</h1>
        <p>Checked ${result.checked.length} payment(s).</p>`;
      return sendPage(ctx, reply, {
        status: 502,
        title: 'Reconciliation',
        side: 'merchant',
        body,
        flashes: result.failed.map((f) => ({ kind: 'error' as const, text: `${f.reference}: ${f.error}` })),
      });
    }
    return reply.redirect('/merchant?done=reconciled', 303);
  });

  const renderOrders = async (reply: FastifyReply, o: { status?: number; flashes?: Flash[] } = {}) => {
    const orders = await ctx.store.listShopOrders();
    const paymentOf = new Map(
      await Promise.all(orders.map(async (o) => [o.id, await ctx.store.getPayment(o.reference)] as const)),
    );
    const body = html`<h1>Shop orders</h1>
      ${
        orders.length === 0
          ? html`<p class="card muted">No orders yet. <a href="/shop">Open the shop</a>.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Order</th>
                  <th>Items</th>
                  <th class="num">Total</th>
                  <th>Payment</th>
                  <th>Shipping</th>
                </tr>
              </thead>
              <tbody>
                ${orders.map((order) => {
                  const p = paymentOf.get(order.id);
                  const d = p ? derive(p.view) : undefined;
                  return html`<tr>
                    <td><a href="/merchant/payments/${order.reference}">${order.reference}</a></td>
                    <td>${order.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')}</td>
                    <td class="num">${formatAmount(order.total, order.currency)}</td>
                    <td>${p ? statusBadge(p.reference, listedStatus(p)) : '-'}</td>
                    <td>
                      ${
                        order.shippedAt
                          ? html`shipped ${time(order.shippedAt)}`
                          : d && d.state === 'AUTHORIZED' && d.capturable > 0 && p?.createError === undefined
                            ? html`<form
                                class="inline"
                                method="post"
                                action="/merchant/orders/${order.id}/ship"
                              >
                                <button type="submit">
                                  Ship (capture ${formatAmount(d.capturable, order.currency)})
                                </button>
                              </form>`
                            : html`<span class="muted">not payable yet</span>`
                      }
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }`;
    return sendPageInState(ctx, reply, o, { title: 'Orders', side: 'merchant', body });
  };

  app.get('/merchant/orders', async (request, reply) => renderOrders(reply, { flashes: noticeOf(request) }));

  app.post<{ Params: { id: string } }>('/merchant/orders/:id/ship', async (request, reply) => {
    const order = await ctx.store.getShopOrder(request.params.id);
    if (!order) return notFound(ctx, reply, 'merchant', 'No such order');
    if (order.shippedAt)
      return renderOrders(reply, {
        status: 409,
        flashes: [{ kind: 'error', text: 'This order is shipped already.' }],
      });
    try {
      const record = (await ctx.store.getPayment(order.reference))!;
      const d = derive(record.view);
      if (d.state !== 'AUTHORIZED' || d.capturable < order.total) {
        return renderOrders(reply, {
          status: 409,
          flashes: [
            {
              kind: 'error',
              text: 'Only an order whose full amount is authorized and not captured can be shipped.',
            },
          ],
        });
      }
      await ctx.payments.capture(order.reference, order.total);
      await ctx.store.saveShopOrder({ ...order, shippedAt: ctx.now() });
      return reply.redirect('/merchant/orders?done=shipped', 303);
    } catch (error) {
      return renderOrders(reply, failureState(error));
    }
  });

  const renderPayment = async (
    reply: FastifyReply,
    record: PaymentRecord,
    o: { status?: number; flashes?: Flash[] } = {},
  ) => {
    const d = derive(record.view);
    const flashes = [...(o.flashes ?? [])];
    if (record.createError)
      flashes.push({ kind: 'error', text: `Create was refused: ${record.createError}` });
    if (record.followUpError) flashes.push({ kind: 'warning', text: record.followUpError });
    let platformEvents: PaymentEvent[] | undefined;
    let eventsError: string | undefined;
    if (record.createError === undefined) {
      try {
        platformEvents = await ctx.payments.platformEvents(record.reference);
      } catch (error) {
        eventsError = error instanceof PlatformCallError ? error.message : describeError(error);
      }
    }
    const webhooks = await ctx.store.listWebhookEvents(record.reference);
    const operations = await ctx.store.listOperations(record.reference);
    const money = (v: number) => formatAmount(v, record.currency);
    const status = listedStatus(record);
    const body = html`<h1>
        Payment <code>${record.reference}</code> ${statusBadge(record.reference, status)}
      </h1>
      <section class="card">
        ${facts([
          ['For', html`${PURPOSES[record.purpose]}: ${await ownerLink(ctx, record)}`],
          ['Description', record.description],
          ['Flow', `${record.userFlow}${record.expiresAt ? `, long-living until ${record.expiresAt}` : ''}`],
          ['Customer', record.phoneNumber ?? (record.scope ? `asked to share: ${record.scope}` : '-')],
          ['Amount', money(record.amount)],
          ['Authorized', money(d.sums.authorized)],
          ['Captured', money(d.sums.captured)],
          ['Refunded', money(d.sums.refunded)],
          ['Cancelled', money(d.sums.cancelled)],
          [
            'Receipt',
            record.receiptAttachedAt !== undefined
              ? record.receiptInCreate
                ? 'sent with create'
                : `attached with Order Management ${time(record.receiptAttachedAt)}`
              : 'not attached yet (after approval)',
          ],
          ['Last news', time(record.view.lastNewsAt)],
          ['Last query', time(record.view.lastQueriedAt)],
        ])}
      </section>
      ${
        record.createError === undefined
          ? html`<section class="actions">
              ${
                d.capturable > 0
                  ? html`<form method="post" action="/merchant/payments/${record.reference}/capture">
                      <label for="captureAmount">Capture (${record.currency})</label>
                      <div class="row">
                        <input
                          id="captureAmount"
                          class="small"
                          name="amount"
                          type="text"
                          inputmode="decimal"
                          value="${amountInputValue(d.capturable)}"
                        />
                        <button type="submit">Capture</button>
                      </div>
                    </form>`
                  : ''
              }
              ${
                d.refundable > 0
                  ? html`<form method="post" action="/merchant/payments/${record.reference}/refund">
                      <label for="refundAmount"
                        >Refund (${record.currency}, at most ${money(d.refundable)})</label
                      >
                      <div class="row">
                        <input
                          id="refundAmount"
                          class="small"
                          name="amount"
                          type="text"
                          inputmode="decimal"
                          value=""
                        />
                        <button type="submit">Refund</button>
                      </div>
                    </form>`
                  : ''
              }
              ${
                d.cancellable
                  ? d.state === 'AUTHORIZED'
                    ? html`<form method="get" action="/merchant/payments/${record.reference}/cancel">
                        <label>Release what is not captured</label>
                        <button class="danger" type="submit">Cancel payment…</button>
                      </form>`
                    : html`<form method="post" action="/merchant/payments/${record.reference}/cancel">
                        <label>Withdraw the request</label>
                        <button class="danger" type="submit">Cancel payment</button>
                      </form>`
                  : ''
              }
              <form method="post" action="/merchant/payments/${record.reference}/refresh">
                <label>Ask the platform</label>
                <button class="secondary" type="submit">Query status</button>
              </form>
            </section>`
          : ''
      }
      <h2>Event history (platform's event log)</h2>
      ${
        eventsError
          ? html`<p class="flash flash-error">${eventsError}</p>`
          : platformEvents && platformEvents.length > 0
            ? html`<table data-testid="event-log">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Event</th>
                    <th class="num">Amount</th>
                    <th>Success</th>
                    <th>pspReference</th>
                  </tr>
                </thead>
                <tbody>
                  ${platformEvents.map(
                    (e) =>
                      html`<tr>
                        <td>${e.timestamp}</td>
                        <td>${e.name}</td>
                        <td class="num">${money(e.amount.value)}</td>
                        <td>${e.success ? 'yes' : 'no'}</td>
                        <td><code>${e.pspReference}</code></td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
            : html`<p class="muted">No events.</p>`
      }
      <h2>Webhooks received</h2>
      ${
        webhooks.length === 0
          ? html`<p class="muted">None yet.</p>`
          : html`<table data-testid="webhooks">
              <thead>
                <tr>
                  <th>Received</th>
                  <th>Event</th>
                  <th>pspReference</th>
                  <th>Processed</th>
                </tr>
              </thead>
              <tbody>
                ${webhooks.map(
                  (w) =>
                    html`<tr>
                      <td>${time(w.receivedAt)}</td>
                      <td>${w.name}</td>
                      <td><code>${w.pspReference}</code></td>
                      <td>${w.duplicate ? 'duplicate, ignored' : 'applied'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h2>The merchant's view</h2>
      <p class="muted">Events the merchant knows (by webhook or query), each once.</p>
      <ul>
        ${eventHistory(record.view).map(
          (e) =>
            html`<li>
              ${e.timestamp} ${e.name} ${money(e.value)} ${e.success ? '' : '(failed)'}
              <span class="muted">via ${e.via}</span>
            </li>`,
        )}
      </ul>
      <h2>Operations</h2>
      ${
        operations.length === 0
          ? html`<p class="muted">None.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>#</th>
                  <th>Operation</th>
                  <th class="num">Amount</th>
                  <th>Result</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                ${operations.map(
                  (op) =>
                    html`<tr>
                      <td>${op.id}</td>
                      <td>${op.kind}</td>
                      <td class="num">${op.amount !== undefined ? money(op.amount) : '-'}</td>
                      <td>${op.status}${op.error ? html`: ${op.error}` : ''}</td>
                      <td>${time(op.createdAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`;
    return sendPage(ctx, reply, {
      status: o.status ?? 200,
      title: `Payment ${record.reference}`,
      side: 'merchant',
      body,
      flashes,
      reloadOnChange: true,
    });
  };

  app.get<{ Params: { reference: string } }>('/merchant/payments/:reference', async (request, reply) => {
    const record = await ctx.store.getPayment(request.params.reference);
    if (!record) return notFound(ctx, reply, 'merchant', 'No such payment');
    return renderPayment(reply, record, { flashes: noticeOf(request) });
  });

  // Cancelling an AUTHORIZED payment releases the customer's reservation for good: a confirm step first.
  app.get<{ Params: { reference: string } }>(
    '/merchant/payments/:reference/cancel',
    async (request, reply) => {
      const record = await ctx.store.getPayment(request.params.reference);
      if (!record) return notFound(ctx, reply, 'merchant', 'No such payment');
      const d = derive(record.view);
      if (!d.cancellable) return reply.redirect(`/merchant/payments/${record.reference}`, 303);
      const amount = formatAmount(d.capturable, record.currency);
      const body = html`<h1>Cancel payment ${record.reference}?</h1>
        <section class="card">
          <p>
            ${
              d.state === 'AUTHORIZED'
                ? html`The customer's reservation of <strong>${amount}</strong> is released, and what is not
                    captured can no longer be captured. This cannot be undone.`
                : 'The payment request is withdrawn from the customer.'
            }
          </p>
          <form class="row" method="post" action="/merchant/payments/${record.reference}/cancel">
            <input type="hidden" name="confirm" value="yes" />
            <button class="danger" type="submit">Yes, cancel the payment</button>
            <a class="button secondary" href="/merchant/payments/${record.reference}">No, keep it</a>
          </form>
        </section>`;
      return sendPage(ctx, reply, { title: 'Cancel payment', side: 'merchant', body });
    },
  );

  const action = (
    name: 'capture' | 'refund' | 'cancel' | 'refresh',
    run: (record: PaymentRecord, form: URLSearchParams) => Promise<unknown> | { error: string },
    done: string,
  ) =>
    app.post<{ Params: { reference: string } }>(
      `/merchant/payments/:reference/${name}`,
      async (request, reply) => {
        const record = await ctx.store.getPayment(request.params.reference);
        if (!record) return notFound(ctx, reply, 'merchant', 'No such payment');
        const form = formOf(request);
        if (
          name === 'cancel' &&
          derive(record.view).state === 'AUTHORIZED' &&
          form.get('confirm') !== 'yes'
        ) {
          return reply.redirect(`/merchant/payments/${record.reference}/cancel`, 303);
        }
        try {
          const result = await run(record, form);
          if (result && typeof result === 'object' && 'error' in result) {
            return renderPayment(reply, record, {
              status: 400,
              flashes: [{ kind: 'error', text: (result as { error: string }).error }],
            });
          }
          return reply.redirect(`/merchant/payments/${record.reference}?done=${done}`, 303);
        } catch (error) {
          return renderPayment(reply, (await ctx.store.getPayment(record.reference))!, failureState(error));
        }
      },
    );

  const amountOf = (record: PaymentRecord, form: URLSearchParams, what: string) =>
    readAmount(form.get('amount') ?? '', record.currency, { min: 1, field: `The ${what} amount` });

  action(
    'capture',
    (record, form) => {
      const amount = amountOf(record, form, 'capture');
      return amount.ok ? ctx.payments.capture(record.reference, amount.value) : { error: amount.message };
    },
    'captured',
  );
  action(
    'refund',
    (record, form) => {
      const amount = amountOf(record, form, 'refund');
      return amount.ok ? ctx.payments.refund(record.reference, amount.value) : { error: amount.message };
    },
    'refunded',
  );
  action('cancel', (record) => ctx.payments.cancel(record.reference), 'cancelled');
  action('refresh', (record) => ctx.payments.refresh(record.reference), 'refreshed');

  // The live badges: the status of each reference asked for. `refresh=1` (return pages waiting for news) queries
  // the platform for payments still pending, at most once per 2 seconds each.
  const lastRefresh = new Map<string, number>();
  app.get<{ Querystring: { ref?: string | string[]; refresh?: string; side?: string } }>(
    '/api/status',
    async (request, reply) => {
      const raw = request.query.ref;
      const refs = (Array.isArray(raw) ? raw : raw ? [raw] : []).slice(0, 100);
      const out: Record<string, { status: string; label: string }> = {};
      for (const ref of refs) {
        let record = await ctx.store.getPayment(ref);
        if (!record) continue;
        if (request.query.refresh === '1' && listedStatus(record) === 'PENDING') {
          const last = lastRefresh.get(ref) ?? 0;
          if (Date.now() - last >= 2000) {
            lastRefresh.set(ref, Date.now());
            try {
              record = await ctx.payments.refresh(ref);
            } catch {
              // The badge keeps the last known status; the page shows the error when reloaded.
            }
          }
        }
        const status = listedStatus(record);
        if (status !== 'PENDING') lastRefresh.delete(ref);
        out[ref] = {
          status,
          label: statusLabel(status, request.query.side === 'shop' ? 'shop' : 'merchant'),
        };
      }
      return reply.header('cache-control', 'no-store').send(out);
    },
  );
}
