import type { FastifyReply } from 'fastify';
import { formatAmount } from '../domain/input.js';
import { PlatformCallError } from '../services/payments.js';
import { listedStatus, type PaymentRecord } from '../store/store.js';
import { failureOf, sendPage, type WebContext } from './context.js';
import { html, raw, type Html } from '@betal/contract/html';
import { statusBadge, type Flash, type Side } from './layout.js';

/** How a page that a form shows again is answered: its HTTP status (200 unless said) and its flash messages. */
export interface PageState {
  status?: number;
  flashes?: Flash[];
}

/** Sends a page of either side with the status and flashes of `state` (200 and none by default). */
export function sendPageInState(
  ctx: WebContext,
  reply: FastifyReply,
  state: PageState,
  content: { title: string; side: Side; body: Html },
): FastifyReply {
  return sendPage(ctx, reply, {
    status: state.status ?? 200,
    title: content.title,
    side: content.side,
    body: content.body,
    flashes: state.flashes ?? [],
  });
}

/** The page state that says why an action failed (a refusal or a failed platform call): its status and flash. */
export function failureState(error: unknown): PageState {
  const failure = failureOf(error);
  return { status: failure.status, flashes: [failure.flash] };
}

/**
 * Sends the customer's browser on (303) to the platform's page of a WEB_REDIRECT payment just created; throws a
 * PlatformCallError when the platform's answer has no redirectUrl.
 */
export function redirectToPayment(reply: FastifyReply, record: PaymentRecord): FastifyReply {
  if (!record.redirectUrl) {
    throw new PlatformCallError(
      'Creating the payment request',
      new Error('the answer has no redirectUrl'),
      false,
    );
  }
  return reply.redirect(record.redirectUrl, 303);
}

/** A column of a payments table between Reference and Amount: its heading and its cell of a payment. */
export interface PaymentColumn {
  heading: string;
  cell(payment: PaymentRecord): unknown;
}

/** A table of payments: each payment's reference (a link to its page), `columns`, amount and live status. */
export function paymentTable(payments: PaymentRecord[], columns: PaymentColumn[]): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Reference</th>
        ${columns.map((c) => html`<th>${c.heading}</th>`)}
        <th class="num">Amount</th>
        <th>Status</th>
      </tr>
    </thead>
    <tbody>
      ${payments.map(
        (p) =>
          html`<tr>
            <td><a href="/merchant/payments/${p.reference}">${p.reference}</a></td>
            ${columns.map((c) => html`<td>${c.cell(p)}</td>`)}
            <td class="num">${formatAmount(p.amount, p.currency)}</td>
            <td>${statusBadge(p.reference, listedStatus(p))}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The amount field of a payment form, labelled with `currency`; `invalid` marks it for assistive technology. */
export function amountField(o: {
  currency: string;
  value: string | undefined;
  placeholder: string;
  invalid?: boolean;
}): Html {
  return html`<div>
    <label for="amount">Amount (${o.currency})</label>
    <input
      id="amount"
      name="amount"
      type="text"
      inputmode="decimal"
      placeholder="${o.placeholder}"
      value="${o.value ?? ''}"
      ${o.invalid ? raw('aria-invalid="true"') : ''}
    />
  </div>`;
}

/** The description field of a payment form (at most 100 characters); `hint` follows the label in brackets. */
export function descriptionField(o: {
  value: string | undefined;
  hint: string;
  placeholder?: string;
  invalid?: boolean;
}): Html {
  return html`<div>
    <label for="description">Description <span class="hint">(${o.hint})</span></label>
    <input
      id="description"
      name="description"
      type="text"
      maxlength="100"
      ${o.placeholder === undefined ? '' : html`placeholder="${o.placeholder}"`}
      value="${o.value ?? ''}"
      ${o.invalid ? raw('aria-invalid="true"') : ''}
    />
  </div>`;
}
