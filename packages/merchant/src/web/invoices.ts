import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  dateOf,
  formatAmount,
  readAmount,
  readDueDate,
  readPhoneNumber,
  readQuantity,
  readText,
} from '../domain/input.js';
import { derive } from '../domain/order-status.js';
import { receiptOf, totalOf, type Line } from '../domain/receipt.js';
import type { PaymentService } from '../services/payments.js';
import { listedStatus, type Invoice, type MerchantStore, type PaymentRecord } from '../store/store.js';
import { failureOf, formOf, noticeOf, sendPage, type WebContext } from './context.js';
import { failureState, redirectToPayment, sendPageInState } from './page-parts.js';
import { html, type Html } from '@betal/contract/html';
import { facts, statusBadge, type Flash } from './layout.js';
import { notFound, paymentsTable } from './links.js';

/** VAT rates offered on invoice lines, in basis points. */
const VAT_RATES = [2500, 1500, 1200, 0];
/** Lines on the new-invoice form. */
const FORM_LINES = 3;

/** Where an invoice stands: paid, a request waiting in the app, expired unpaid, or open (not yet requested). */
export type InvoiceStatus = 'PAID' | 'REQUESTED' | 'EXPIRED' | 'OPEN';

/** The status of an invoice from its payments and the date (`today`, YYYY-MM-DD). */
export function invoiceStatus(
  invoice: Invoice,
  payments: PaymentRecord[],
  now: number,
): { status: InvoiceStatus; payment?: PaymentRecord } {
  const paid = payments.find((p) => p.createError === undefined && derive(p.view).state === 'AUTHORIZED');
  if (paid) return { status: 'PAID', payment: paid };
  const pending = payments.find((p) => listedStatus(p) === 'PENDING');
  if (pending) return { status: 'REQUESTED', payment: pending };
  if (
    Date.parse(invoice.expiresAt) <= now ||
    payments.some((p) => listedStatus(p) === 'EXPIRED' && p.expiresAt)
  ) {
    return { status: 'EXPIRED' };
  }
  return { status: 'OPEN' };
}

const INVOICE_LABELS: Record<InvoiceStatus, string> = {
  PAID: 'Paid',
  REQUESTED: 'Payment requested',
  EXPIRED: 'Expired unpaid',
  OPEN: 'Not paid',
};

function invoiceBadge(status: InvoiceStatus): Html {
  const cls =
    status === 'PAID'
      ? 'paid'
      : status === 'EXPIRED'
        ? 'expired'
        : status === 'REQUESTED'
          ? 'pending'
          : 'open';
  return html`<span class="badge badge-${cls}" data-invoice-status="${status}"
    >${INVOICE_LABELS[status]}</span
  >`;
}

function invoiceLines(invoice: Invoice): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Description</th>
        <th class="num">Quantity</th>
        <th class="num hide-narrow">Unit price</th>
        <th class="num hide-narrow">VAT</th>
        <th class="num">Total</th>
      </tr>
    </thead>
    <tbody>
      ${invoice.lines.map(
        (l) =>
          html`<tr>
            <td>${l.name}</td>
            <td class="num">${l.quantity}</td>
            <td class="num hide-narrow">${formatAmount(l.unitPrice, invoice.currency)}</td>
            <td class="num hide-narrow">${l.taxRate / 100} %</td>
            <td class="num">${formatAmount(l.unitPrice * l.quantity, invoice.currency)}</td>
          </tr>`,
      )}
    </tbody>
    <tfoot>
      <tr>
        <td colspan="2">Total (VAT included)</td>
        <td class="hide-narrow"></td>
        <td class="hide-narrow"></td>
        <td class="num">${formatAmount(invoice.total, invoice.currency)}</td>
      </tr>
    </tfoot>
  </table>`;
}

/**
 * The invoice page as the customer's app opens it from "See details" (the category's `orderDetailsUrl`, contract
 * 6): `{publicUrl}/invoices/{id}?view=app`, the page without the shop's navigation or the pay button.
 */
export function inAppUrl(publicUrl: string, invoice: Invoice): string {
  return `${publicUrl}/invoices/${invoice.id}?view=app`;
}

/** The payment description of an invoice's request: `Invoice #12, due date: 2026-12-31` (seed 004). */
function descriptionOf(invoice: Invoice): string {
  return `Invoice #${invoice.number}, due date: ${invoice.dueDate}`;
}

/**
 * Sends an invoice's long-living request straight to a known customer's app (seed 004, "phone number is
 * known"): the Order Management GENERAL category with the invoice page as `orderDetailsUrl` first, then a
 * PUSH_MESSAGE payment with `expiresAt` (end of the due date), the receipt and the description. Captured as soon
 * as it is paid. Throws PlatformCallError.
 */
export async function sendInvoiceToApp(
  payments: PaymentService,
  invoice: Invoice,
  publicUrl: string,
): Promise<PaymentRecord> {
  return payments.create(
    {
      purpose: 'invoice',
      ownerId: invoice.id,
      amount: invoice.total,
      description: descriptionOf(invoice),
      userFlow: 'PUSH_MESSAGE',
      phoneNumber: invoice.phoneNumber!,
      receipt: receiptOf(invoice.lines, invoice.currency, `INV-${invoice.number}`),
      receiptInCreate: true,
      autoCapture: true,
      expiresAt: invoice.expiresAt,
      orderDetailsUrl: inAppUrl(publicUrl, invoice),
    },
    'inv',
  );
}

/** Whether the merchant may send requests to this phone number's app: a customer with consent. */
async function knownCustomer(store: MerchantStore, phone: string | undefined): Promise<boolean> {
  return phone !== undefined && (await store.getCustomer(phone)) !== undefined;
}

/**
 * Invoices (seed 004): the merchant creates an invoice (lines, due date) hosted on its own invoice page; for a
 * customer whose phone number and consent it holds, a long-living PUSH_MESSAGE request goes to the app at once
 * (the app's "See details" opens the invoice page; the customer pays now, or later after "I'll pay later");
 * for anyone else the invoice page offers the one-time WEB_REDIRECT request with profile scope `phoneNumber`
 * (then the customer is known for the next invoice). Unpaid requests expire at the end of the due date; paid
 * ones are captured.
 */
export async function invoiceRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const currency = ctx.config.currency;
  const paymentsOf = (invoice: Invoice) =>
    ctx.store.listPayments({ purpose: 'invoice', ownerId: invoice.id });

  app.get('/merchant/invoices', async (request, reply) => {
    const invoices = await ctx.store.listInvoices();
    const paymentsByInvoice = new Map(
      await Promise.all(invoices.map(async (inv) => [inv.id, await paymentsOf(inv)] as const)),
    );
    const body = html`<h1>Invoices</h1>
      <p><a class="button" href="/merchant/invoices/new">New invoice</a></p>
      ${
        invoices.length === 0
          ? html`<p class="card muted">No invoices yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Number</th>
                  <th>Customer</th>
                  <th class="num">Total</th>
                  <th>Due date</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                ${invoices.map((inv) => {
                  const s = invoiceStatus(inv, paymentsByInvoice.get(inv.id) ?? [], ctx.now());
                  return html`<tr>
                    <td><a href="/merchant/invoices/${inv.id}">#${inv.number}</a></td>
                    <td>
                      ${inv.customerName}${inv.phoneNumber ? html` <span class="muted">${inv.phoneNumber}</span>` : ''}
                    </td>
                    <td class="num">${formatAmount(inv.total, inv.currency)}</td>
                    <td>${inv.dueDate}</td>
                    <td>
                      ${invoiceBadge(s.status)}
                      ${s.payment ? statusBadge(s.payment.reference, listedStatus(s.payment)) : ''}
                    </td>
                  </tr>`;
                })}
              </tbody>
            </table>`
      }`;
    return sendPage(ctx, reply, { title: 'Invoices', side: 'merchant', body, flashes: noticeOf(request) });
  });

  const renderNew = async (
    reply: FastifyReply,
    o: { status?: number; flashes?: Flash[]; form?: URLSearchParams } = {},
  ) => {
    const f = o.form ?? new URLSearchParams();
    const defaultDue = dateOf(ctx.now() + 14 * 24 * 3600 * 1000);
    const body = html`<h1>New invoice</h1>
      <form class="card stack" method="post" action="/merchant/invoices" style="max-width:760px">
        <div>
          <label for="customerName">Customer name</label>
          <input
            id="customerName"
            name="customerName"
            type="text"
            maxlength="100"
            value="${f.get('customerName') ?? ''}"
          />
        </div>
        <div>
          <label for="phoneNumber"
            >Customer's phone number
            <span class="hint"
              >(optional; if the customer agreed to app requests, the invoice goes straight to the app)</span
            ></label
          >
          <input id="phoneNumber" name="phoneNumber" type="tel" value="${f.get('phoneNumber') ?? ''}" />
        </div>
        <table class="lines-table">
          <thead>
            <tr>
              <th>Description</th>
              <th>Quantity</th>
              <th>Unit price (${currency}, VAT incl.)</th>
              <th>VAT</th>
            </tr>
          </thead>
          <tbody>
            ${Array.from({ length: FORM_LINES }, (_, i) => {
              const rate = f.getAll('taxRate')[i] ?? '2500';
              return html`<tr>
                <td>
                  <input
                    name="lineName"
                    type="text"
                    maxlength="100"
                    aria-label="Line ${i + 1} description"
                    value="${f.getAll('lineName')[i] ?? ''}"
                  />
                </td>
                <td>
                  <input
                    name="quantity"
                    type="text"
                    inputmode="numeric"
                    class="small"
                    aria-label="Line ${i + 1} quantity"
                    value="${f.getAll('quantity')[i] ?? ''}"
                  />
                </td>
                <td>
                  <input
                    name="unitPrice"
                    type="text"
                    inputmode="decimal"
                    aria-label="Line ${i + 1} unit price"
                    value="${f.getAll('unitPrice')[i] ?? ''}"
                  />
                </td>
                <td>
                  <select name="taxRate" aria-label="Line ${i + 1} VAT">
                    ${VAT_RATES.map((r) => html`<option value="${r}" ${String(r) === rate ? 'selected' : ''}>${r / 100} %</option>`)}
                  </select>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
        <p class="hint">Leave unused lines empty.</p>
        <div>
          <label for="dueDate">Due date</label>
          <input id="dueDate" name="dueDate" type="date" value="${f.get('dueDate') ?? defaultDue}" />
        </div>
        <div><button type="submit">Create invoice</button></div>
      </form>`;
    return sendPageInState(ctx, reply, o, { title: 'New invoice', side: 'merchant', body });
  };

  app.get('/merchant/invoices/new', async (_request, reply) => renderNew(reply));

  app.post('/merchant/invoices', async (request, reply) => {
    const form = formOf(request);
    const error = (text: string) =>
      renderNew(reply, { status: 400, flashes: [{ kind: 'error', text }], form });
    const name = readText(form.get('customerName') ?? '', 'The customer name', { max: 100 });
    if (!name.ok) return error(name.message);
    const phoneText = (form.get('phoneNumber') ?? '').trim();
    const phone = phoneText === '' ? undefined : readPhoneNumber(phoneText, currency);
    if (phone && !phone.ok) return error(phone.message);
    const names = form.getAll('lineName');
    const quantities = form.getAll('quantity');
    const prices = form.getAll('unitPrice');
    const rates = form.getAll('taxRate');
    const lines: Line[] = [];
    for (let i = 0; i < names.length; i++) {
      const lineName = (names[i] ?? '').trim();
      const q = (quantities[i] ?? '').trim();
      const p = (prices[i] ?? '').trim();
      if (lineName === '' && q === '' && p === '') continue;
      const label = `Line ${i + 1}`;
      const text = readText(lineName, `${label}: the description`, { max: 100 });
      if (!text.ok) return error(text.message);
      const quantity = readQuantity(q === '' ? '1' : q, 999);
      if (!quantity.ok) return error(`${label}: ${quantity.message}`);
      const price = readAmount(p, currency, { min: 1, field: `${label}: the unit price` });
      if (!price.ok) return error(price.message);
      const rate = Number(rates[i] ?? '2500');
      if (!VAT_RATES.includes(rate)) return error(`${label}: choose one of the VAT rates.`);
      lines.push({
        id: `line-${i + 1}`,
        name: text.value,
        quantity: quantity.value,
        unitPrice: price.value,
        taxRate: rate,
      });
    }
    if (lines.length === 0)
      return error('An invoice needs at least one line with a description and a unit price.');
    const total = totalOf(lines);
    const totalCheck = readAmount((total / 100).toFixed(2), currency, { field: 'The invoice total' });
    if (!totalCheck.ok) return error(totalCheck.message);
    const due = readDueDate(form.get('dueDate') ?? '', ctx.now());
    if (!due.ok) return error(due.message);
    const invoice: Invoice = {
      id: randomBytes(9).toString('base64url'),
      number: await ctx.store.next('invoice'),
      customerName: name.value,
      ...(phone?.ok ? { phoneNumber: phone.value } : {}),
      lines,
      total,
      currency,
      dueDate: due.value.dueDate,
      expiresAt: due.value.expiresAt,
      createdAt: ctx.now(),
    };
    await ctx.store.saveInvoice(invoice);
    if (await knownCustomer(ctx.store, invoice.phoneNumber)) {
      try {
        await sendInvoiceToApp(ctx.payments, invoice, ctx.publicUrl);
        return reply.redirect(`/merchant/invoices/${invoice.id}?done=sent`, 303);
      } catch (err) {
        return renderInvoice(reply, invoice, failureState(err));
      }
    }
    return reply.redirect(`/merchant/invoices/${invoice.id}?done=created`, 303);
  });

  const renderInvoice = async (
    reply: FastifyReply,
    invoice: Invoice,
    o: { status?: number; flashes?: Flash[] } = {},
  ) => {
    const payments = await paymentsOf(invoice);
    const s = invoiceStatus(invoice, payments, ctx.now());
    const known = await knownCustomer(ctx.store, invoice.phoneNumber);
    const pageUrl = `${ctx.publicUrl}/invoices/${invoice.id}`;
    const body = html`<h1>Invoice #${invoice.number} ${invoiceBadge(s.status)}</h1>
      <section class="card">
        ${facts([
          ['Customer', invoice.customerName],
          ['Phone number', invoice.phoneNumber ?? '-'],
          [
            'How it is paid',
            known ? 'request straight to the app (long-living)' : 'the customer pays on the invoice page',
          ],
          ['Due date', invoice.dueDate],
          ['Total', formatAmount(invoice.total, invoice.currency)],
          [
            'Invoice page',
            html`<a href="${pageUrl}" target="_blank" rel="noopener" data-testid="invoice-url"
              >${pageUrl}</a
            >`,
          ],
        ])}
        ${
          known &&
          s.status !== 'PAID' &&
          s.status !== 'REQUESTED' &&
          Date.parse(invoice.expiresAt) > ctx.now()
            ? html`<form method="post" action="/merchant/invoices/${invoice.id}/send" style="margin-top:1rem">
                <button type="submit">Send to the customer's app</button>
              </form>`
            : ''
        }
      </section>
      ${invoiceLines(invoice)}
      <h2>Payment requests</h2>
      ${paymentsTable(payments)}`;
    return sendPageInState(ctx, reply, o, { title: `Invoice #${invoice.number}`, side: 'merchant', body });
  };

  app.get<{ Params: { id: string } }>('/merchant/invoices/:id', async (request, reply) => {
    const invoice = await ctx.store.getInvoice(request.params.id);
    if (!invoice) return notFound(ctx, reply, 'merchant', 'No such invoice');
    return renderInvoice(reply, invoice, { flashes: noticeOf(request) });
  });

  app.post<{ Params: { id: string } }>('/merchant/invoices/:id/send', async (request, reply) => {
    const invoice = await ctx.store.getInvoice(request.params.id);
    if (!invoice) return notFound(ctx, reply, 'merchant', 'No such invoice');
    const s = invoiceStatus(invoice, await paymentsOf(invoice), ctx.now());
    const refuse = (text: string) =>
      renderInvoice(reply, invoice, { status: 409, flashes: [{ kind: 'error', text }] });
    if (s.status === 'PAID') return refuse('This invoice is paid.');
    if (s.status === 'REQUESTED')
      return refuse('A payment request for this invoice is already waiting in the app.');
    if (Date.parse(invoice.expiresAt) <= ctx.now())
      return refuse('The due date has passed: make a new invoice.');
    if (!(await knownCustomer(ctx.store, invoice.phoneNumber))) {
      return refuse('The customer has not agreed to app requests: give them the invoice page instead.');
    }
    try {
      await sendInvoiceToApp(ctx.payments, invoice, ctx.publicUrl);
      return reply.redirect(`/merchant/invoices/${invoice.id}?done=sent`, 303);
    } catch (err) {
      return renderInvoice(reply, invoice, failureState(err));
    }
  });

  // ---- the customer's side: the invoice page (also the orderDetailsUrl the app opens from "See details")

  const renderPublic = async (
    reply: FastifyReply,
    invoice: Invoice,
    o: { status?: number; flashes?: Flash[]; current?: PaymentRecord; inApp?: boolean } = {},
  ) => {
    const payments = await paymentsOf(invoice);
    const s = invoiceStatus(invoice, payments, ctx.now());
    const pushWaiting = s.status === 'REQUESTED' && s.payment?.userFlow === 'PUSH_MESSAGE';
    const inApp = o.inApp === true;
    const body = html`<section class="card" style="max-width:760px;margin:0 auto 1rem">
        <div class="row" style="justify-content:space-between">
          <h1 style="margin:0">Invoice #${invoice.number}</h1>
          ${invoiceBadge(s.status)}
        </div>
        <p class="muted">From ${ctx.config.name} to ${invoice.customerName}</p>
        ${facts([
          ['Due date', invoice.dueDate],
          [
            'To pay',
            html`<strong data-testid="invoice-total"
              >${formatAmount(invoice.total, invoice.currency)}</strong
            >`,
          ],
        ])}
      </section>
      <div style="max-width:760px;margin:0 auto">
        ${invoiceLines(invoice)}
        <section class="card" style="margin-top:1rem">
          ${
            s.status === 'PAID'
              ? html`<p class="flash flash-notice">Paid. Thank you!</p>`
              : s.status === 'EXPIRED'
                ? html`<p class="flash flash-warning">
                    This invoice was not paid by the due date. Please contact us.
                  </p>`
                : inApp
                  ? html`<p>Pay this invoice in the app.</p>`
                  : pushWaiting
                    ? html`<p>
                        A payment request is waiting in your Vipps MobilePay app.
                        ${statusBadge(s.payment!.reference, 'PENDING', true, 'shop')}
                      </p>`
                    : html`<form method="post" action="/invoices/${invoice.id}/pay">
                        <button class="vipps" type="submit">Pay with Vipps MobilePay</button>
                        <p class="hint">
                          We ask you to share your phone number, so that your next invoice can go straight to
                          your app.
                        </p>
                      </form>`
          }
          ${
            o.current && o.current !== s.payment
              ? html`<p>
                  Your last attempt:
                  ${statusBadge(o.current.reference, listedStatus(o.current), true, 'shop')}
                </p>`
              : ''
          }
        </section>
      </div>`;
    return sendPage(ctx, reply, {
      status: o.status ?? 200,
      title: `Invoice #${invoice.number}`,
      side: 'shop',
      inApp,
      body,
      flashes: o.flashes ?? [],
      reloadOnChange: s.status === 'REQUESTED' && 'refresh',
    });
  };

  app.get<{ Params: { id: string }; Querystring: { reference?: string; view?: string } }>(
    '/invoices/:id',
    async (request, reply) => {
      const invoice = await ctx.store.getInvoice(request.params.id);
      if (!invoice) return notFound(ctx, reply, 'shop', 'No such invoice');
      const flashes: Flash[] = [];
      let current: PaymentRecord | undefined;
      const ref = request.query.reference;
      const record = ref ? await ctx.payments.get(ref) : undefined;
      if (record && record.purpose === 'invoice' && record.ownerId === invoice.id) {
        // Back from the landing page: the redirect proves nothing, the query does.
        try {
          current = await ctx.payments.refresh(record.reference);
        } catch (error) {
          flashes.push(failureOf(error).flash);
          current = record;
        }
      }
      return renderPublic(reply, invoice, {
        flashes,
        ...(current ? { current } : {}),
        inApp: request.query.view === 'app',
      });
    },
  );

  app.post<{ Params: { id: string } }>('/invoices/:id/pay', async (request, reply) => {
    const invoice = await ctx.store.getInvoice(request.params.id);
    if (!invoice) return notFound(ctx, reply, 'shop', 'No such invoice');
    const s = invoiceStatus(invoice, await paymentsOf(invoice), ctx.now());
    if (s.status === 'PAID' || s.status === 'EXPIRED') return renderPublic(reply, invoice, { status: 409 });
    if (s.status === 'REQUESTED' && s.payment?.redirectUrl) return reply.redirect(s.payment.redirectUrl, 303);
    try {
      const reference = await ctx.payments.newReference('inv');
      const record = await ctx.payments.create(
        {
          reference,
          purpose: 'invoice',
          ownerId: invoice.id,
          amount: invoice.total,
          description: descriptionOf(invoice),
          userFlow: 'WEB_REDIRECT',
          ...(invoice.phoneNumber ? { phoneNumber: invoice.phoneNumber } : {}),
          scope: 'phoneNumber',
          receipt: receiptOf(invoice.lines, invoice.currency, `INV-${invoice.number}`),
          receiptInCreate: true,
          autoCapture: true,
          returnUrl: `${ctx.publicUrl}/invoices/${invoice.id}?reference=${reference}`,
          orderDetailsUrl: inAppUrl(ctx.publicUrl, invoice),
        },
        'inv',
      );
      return redirectToPayment(reply, record);
    } catch (err) {
      return renderPublic(reply, invoice, failureState(err));
    }
  });
}
