import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import QRCode from 'qrcode';
import { formatAmount, readAmount, readText } from '../domain/input.js';
import { derive } from '../domain/order-status.js';
import { singleLineReceipt } from '../domain/receipt.js';
import { listedStatus, type PaymentLink, type PaymentRecord } from '../store/store.js';
import { failureOf, formOf, noticeOf, sendPage, type WebContext } from './context.js';
import {
  amountField,
  descriptionField,
  failureState,
  paymentTable,
  redirectToPayment,
  sendPageInState,
} from './page-parts.js';
import { escapeHtml, html, raw, type Html } from '@betal/contract/html';
import { facts, statusBadge, type Flash } from './layout.js';

/** The URL of a link's payment page. */
export function linkUrl(ctx: WebContext, link: PaymentLink): string {
  return `${ctx.publicUrl}/pay/${link.id}`;
}

/** A link's QR code (SVG) pointing at its payment page, named for screen readers (`role="img"`, `aria-label`). */
async function qrOf(url: string, name: string): Promise<Html> {
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  const label = escapeHtml(name);
  return raw(svg.replace(/^<svg /, `<svg role="img" aria-label="${label}" `));
}

/** The accessible name of a link's QR: what scanning it pays, and to whom. */
function qrName(ctx: WebContext, link: PaymentLink): string {
  return `QR code: pay ${formatAmount(link.amount, link.currency)} to ${ctx.config.name}`;
}

/** Where a link stands: paid (an authorized payment), waiting (one pending), or open. */
export function linkState(attempts: PaymentRecord[]): {
  kind: 'paid' | 'pending' | 'open';
  payment?: PaymentRecord;
} {
  const paid = attempts.find((p) => p.createError === undefined && derive(p.view).state === 'AUTHORIZED');
  if (paid) return { kind: 'paid', payment: paid };
  const pending = attempts.find((p) => listedStatus(p) === 'PENDING');
  if (pending) return { kind: 'pending', payment: pending };
  return { kind: 'open' };
}

/** The payments of a link, a customer or an invoice, with the time each was created. */
export function paymentsTable(payments: PaymentRecord[]): Html {
  if (payments.length === 0) return html`<p class="muted">No payment yet.</p>`;
  return paymentTable(payments, [
    { heading: 'Created', cell: (p) => new Date(p.createdAt).toISOString().replace('T', ' ').slice(0, 16) },
  ]);
}

/**
 * Payment links: seed 000 (a link and a printable QR to the merchant's own payment page; the customer chooses
 * Vipps MobilePay there, the platform's landing page asks for the phone number) and seed 003 (the same with
 * profile scope `phoneNumber`: once approved, the merchant reads `sub`, calls Userinfo and stores the customer's
 * phone number with the consent). The receipt is attached with Order Management after approval; the merchant
 * captures from the payment's page.
 */
export async function linkRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const currency = ctx.config.currency;

  const renderList = async (
    reply: FastifyReply,
    o: { status?: number; flashes?: Flash[]; values?: Record<string, string>; invalid?: string } = {},
  ) => {
    const links = await ctx.store.listLinks();
    const attemptsOf = new Map(
      await Promise.all(
        links.map(
          async (l) => [l.id, await ctx.store.listPayments({ purpose: 'link', ownerId: l.id })] as const,
        ),
      ),
    );
    const v = o.values ?? {};
    const body = html`<h1>Payment links</h1>
      <p class="muted">
        A payment request as a link (seed 000): give the customer the link or the QR code; on your payment
        page they choose Vipps MobilePay. Tick “share phone number” to ask for their phone number too (seed
        003): afterwards you can send them requests straight to the app.
      </p>
      <form class="card stack" method="post" action="/merchant/links">
        ${amountField({ currency, value: v.amount, placeholder: '249.50', invalid: o.invalid === 'amount' })}
        ${descriptionField({
          value: v.description,
          hint: '3-100 characters, shown in the app',
          placeholder: 'Guided tour, 2 people',
          invalid: o.invalid === 'description',
        })}
        <label class="check"
          ><input type="checkbox" name="sharePhone" value="1" ${v.sharePhone ? 'checked' : ''} /> Ask the
          customer to share the phone number (profile scope phoneNumber)</label
        >
        <div><button type="submit">Create payment link</button></div>
      </form>
      <h2>Links</h2>
      ${
        links.length === 0
          ? html`<p class="muted">No links yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Description</th>
                  <th class="num">Amount</th>
                  <th>Phone sharing</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                ${links.map((l) => {
                  const state = linkState(attemptsOf.get(l.id) ?? []);
                  return html`<tr>
                    <td><a href="/merchant/links/${l.id}">${l.description}</a></td>
                    <td class="num">${formatAmount(l.amount, l.currency)}</td>
                    <td>${l.sharePhone ? 'asked' : '-'}</td>
                    <td>
                      ${
                        state.payment
                          ? statusBadge(state.payment.reference, listedStatus(state.payment))
                          : html`<span class="badge badge-open">Not paid</span>`
                      }
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }`;
    return sendPageInState(ctx, reply, o, { title: 'Payment links', side: 'merchant', body });
  };

  app.get('/merchant/links', async (request, reply) => renderList(reply, { flashes: noticeOf(request) }));

  app.post('/merchant/links', async (request, reply) => {
    const form = formOf(request);
    const values = {
      amount: form.get('amount') ?? '',
      description: form.get('description') ?? '',
      ...(form.get('sharePhone') ? { sharePhone: '1' } : {}),
    };
    const amount = readAmount(values.amount, currency);
    if (!amount.ok)
      return renderList(reply, {
        status: 400,
        flashes: [{ kind: 'error', text: amount.message }],
        values,
        invalid: 'amount',
      });
    const description = readText(values.description, 'The description', { min: 3, max: 100 });
    if (!description.ok) {
      return renderList(reply, {
        status: 400,
        flashes: [{ kind: 'error', text: description.message }],
        values,
        invalid: 'description',
      });
    }
    const link: PaymentLink = {
      id: randomBytes(9).toString('base64url'),
      amount: amount.value,
      currency,
      description: description.value,
      sharePhone: values.sharePhone === '1',
      createdAt: ctx.now(),
    };
    await ctx.store.saveLink(link);
    return reply.redirect(`/merchant/links/${link.id}?done=created`, 303);
  });

  app.get<{ Params: { id: string } }>('/merchant/links/:id', async (request, reply) => {
    const link = await ctx.store.getLink(request.params.id);
    if (!link) return notFound(ctx, reply, 'merchant', 'No such payment link');
    const url = linkUrl(ctx, link);
    const attempts = await ctx.store.listPayments({ purpose: 'link', ownerId: link.id });
    const state = linkState(attempts);
    const body = html`<h1>Payment link: ${link.description}</h1>
      <div class="card row" style="align-items:flex-start">
        <div class="qr">${await qrOf(url, qrName(ctx, link))}</div>
        <div style="flex:1;min-width:260px">
          ${facts([
            ['Amount', formatAmount(link.amount, link.currency)],
            ['Phone number', link.sharePhone ? 'the customer is asked to share it' : 'not asked'],
            [
              'Status',
              state.kind === 'paid'
                ? 'paid'
                : state.kind === 'pending'
                  ? 'waiting for the customer'
                  : 'not paid',
            ],
          ])}
          <p>Link for the customer:</p>
          <p class="link-url" data-testid="link-url">${url}</p>
          <p class="row">
            <a class="button" href="${url}" target="_blank" rel="noopener">Open the payment page</a>
            <a class="button secondary" href="/merchant/links/${link.id}/print">Printable QR</a>
          </p>
        </div>
      </div>
      <h2>Payments of this link</h2>
      ${paymentsTable(attempts)}`;
    return sendPage(ctx, reply, {
      title: 'Payment link',
      side: 'merchant',
      body,
      flashes: noticeOf(request),
    });
  });

  app.get<{ Params: { id: string } }>('/merchant/links/:id/print', async (request, reply) => {
    const link = await ctx.store.getLink(request.params.id);
    if (!link) return notFound(ctx, reply, 'merchant', 'No such payment link');
    const url = linkUrl(ctx, link);
    const body = html`<div class="print-sheet card">
      <h1>${ctx.config.name}</h1>
      <p class="big">${formatAmount(link.amount, link.currency)}</p>
      <p>${link.description}</p>
      <div class="qr">${await qrOf(url, qrName(ctx, link))}</div>
      <p>Scan to pay with Vipps MobilePay, or open</p>
      <p class="link-url">${url}</p>
      <p class="no-print"><button type="button" data-print>Print</button></p>
    </div>`;
    return sendPage(ctx, reply, { title: 'Printable QR', side: 'merchant', body });
  });

  // ---- the customer's side: the merchant's own payment page

  const renderPayPage = async (
    reply: FastifyReply,
    link: PaymentLink,
    o: { status?: number; flashes?: Flash[] } = {},
  ) => {
    const state = linkState(await ctx.store.listPayments({ purpose: 'link', ownerId: link.id }));
    const body = html`<section class="card center" style="max-width:520px;margin:0 auto">
      <p class="muted">Payment request from ${ctx.config.name}</p>
      <p class="big">${formatAmount(link.amount, link.currency)}</p>
      <p>${link.description}</p>
      ${
        state.kind === 'paid'
          ? html`<p class="flash flash-notice">This request is paid. Thank you!</p>`
          : html`<form method="post" action="/pay/${link.id}">
              <p>How do you want to pay?</p>
              <button class="vipps" type="submit">Pay with Vipps MobilePay</button>
              ${
                link.sharePhone
                  ? html`<p class="hint">
                      We will ask you to share your phone number, so that we can send future requests straight
                      to your app.
                    </p>`
                  : ''
              }
            </form>`
      }
    </section>`;
    return sendPageInState(ctx, reply, o, { title: 'Pay', side: 'shop', body });
  };

  app.get<{ Params: { id: string } }>('/pay/:id', async (request, reply) => {
    const link = await ctx.store.getLink(request.params.id);
    if (!link) return notFound(ctx, reply, 'shop', 'No such payment request');
    return renderPayPage(reply, link);
  });

  app.post<{ Params: { id: string } }>('/pay/:id', async (request, reply) => {
    const link = await ctx.store.getLink(request.params.id);
    if (!link) return notFound(ctx, reply, 'shop', 'No such payment request');
    try {
      // A request still waiting is resumed rather than doubled; it is asked about first.
      let state = linkState(await ctx.store.listPayments({ purpose: 'link', ownerId: link.id }));
      if (state.kind === 'pending') {
        await ctx.payments.refresh(state.payment!.reference);
        state = linkState(await ctx.store.listPayments({ purpose: 'link', ownerId: link.id }));
      }
      if (state.kind === 'paid') return renderPayPage(reply, link);
      if (state.kind === 'pending' && state.payment?.redirectUrl)
        return reply.redirect(state.payment.redirectUrl, 303);
      const reference = await ctx.payments.newReference('link');
      const record = await ctx.payments.create(
        {
          reference,
          purpose: 'link',
          ownerId: link.id,
          amount: link.amount,
          description: link.description,
          userFlow: 'WEB_REDIRECT',
          ...(link.sharePhone ? { scope: 'phoneNumber' } : {}),
          receipt: singleLineReceipt(link),
          receiptInCreate: false,
          returnUrl: `${ctx.publicUrl}/pay/${link.id}/done?reference=${reference}`,
        },
        'link',
      );
      return redirectToPayment(reply, record);
    } catch (error) {
      return renderPayPage(reply, link, failureState(error));
    }
  });

  app.get<{ Params: { id: string }; Querystring: { reference?: string } }>(
    '/pay/:id/done',
    async (request, reply) => {
      const link = await ctx.store.getLink(request.params.id);
      const record = request.query.reference ? await ctx.payments.get(request.query.reference) : undefined;
      if (!link || !record || record.purpose !== 'link' || record.ownerId !== link.id) {
        return notFound(ctx, reply, 'shop', 'No such payment');
      }
      const flashes: Flash[] = [];
      let current = record;
      try {
        current = await ctx.payments.refresh(record.reference);
      } catch (error) {
        flashes.push(failureOf(error).flash);
      }
      const status = listedStatus(current);
      const paid = derive(current.view).state === 'AUTHORIZED';
      const body = html`<section class="card center" style="max-width:560px;margin:0 auto">
        ${
          paid
            ? html`<h1>Payment approved. Thank you!</h1>
                <p>
                  ${ctx.config.name} has received your payment of ${formatAmount(link.amount, link.currency)}
                  for “${link.description}”.
                </p>
                ${
                  link.sharePhone && current.customerSavedAt !== undefined
                    ? html`<p>
                        Thank you for sharing your phone number: next time we can send the request straight to
                        your app.
                      </p>`
                    : ''
                }`
            : status === 'PENDING'
              ? html`<h1>Waiting for the payment…</h1>
                  <p>This page updates by itself.</p>`
              : html`<h1>The payment was not completed</h1>
                  <p>Nothing was charged. <a href="/pay/${link.id}">Try again</a>.</p>`
        }
        <p>${statusBadge(current.reference, status, true, 'shop')}</p>
        <p class="muted">Reference <code>${current.reference}</code></p>
      </section>`;
      return sendPage(ctx, reply, {
        title: 'Payment',
        side: 'shop',
        body,
        flashes,
        reloadOnChange: status === 'PENDING' && 'refresh',
      });
    },
  );
}

/** A 404 page of either side. */
export function notFound(
  ctx: WebContext,
  reply: FastifyReply,
  side: 'shop' | 'merchant',
  title: string,
): FastifyReply {
  return sendPage(ctx, reply, {
    status: 404,
    title,
    side,
    body: html`<h1>${title}</h1>
      <p>Check the link.</p>`,
  });
}
