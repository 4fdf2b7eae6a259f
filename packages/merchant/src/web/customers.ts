import type { FastifyInstance, FastifyReply } from 'fastify';
import { readAmount, readPhoneNumber, readText } from '../domain/input.js';
import { singleLineReceipt } from '../domain/receipt.js';
import type { Customer } from '../store/store.js';
import { failureOf, formOf, noticeOf, type WebContext } from './context.js';
import { amountField, descriptionField, sendPageInState } from './page-parts.js';
import { html } from '@betal/contract/html';
import { facts, type Flash } from './layout.js';
import { notFound, paymentsTable } from './links.js';

/**
 * Customers whose phone number and consent the merchant holds, and payment requests sent straight to their app
 * (seed 001): PUSH_MESSAGE with `customer.phoneNumber`; the status arrives by webhook; the receipt is attached
 * with Order Management once approved; the merchant captures from the payment's page. Customers come from
 * profile sharing (seed 003) or are added by hand with the customer's consent.
 */
export async function customerRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const currency = ctx.config.currency;

  const renderList = async (
    reply: FastifyReply,
    o: { status?: number; flashes?: Flash[]; values?: Record<string, string> } = {},
  ) => {
    const customers = await ctx.store.listCustomers();
    const v = o.values ?? {};
    const body = html`<h1>Customers</h1>
      <p class="muted">
        Customers who agreed to get payment requests in the Vipps MobilePay app. Send them a request directly
        (seed 001); customers who shared their phone number when paying a link (seed 003) appear here by
        themselves.
      </p>
      ${
        customers.length === 0
          ? html`<p class="card muted">No customers yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Phone number</th>
                  <th>Name</th>
                  <th>Consent</th>
                  <th></th>
                </tr>
              </thead>
              <tbody>
                ${customers.map(
                  (c) =>
                    html`<tr>
                      <td>${c.phoneNumber}</td>
                      <td>${c.name ?? '-'}</td>
                      <td>${c.consentSource}</td>
                      <td><a href="/merchant/customers/${c.phoneNumber}">Send a payment request</a></td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h2>Add a customer</h2>
      <form class="card stack" method="post" action="/merchant/customers">
        <div>
          <label for="phoneNumber"
            >Phone number <span class="hint">(with country code, e.g. 4791234567)</span></label
          >
          <input id="phoneNumber" name="phoneNumber" type="tel" value="${v.phoneNumber ?? ''}" />
        </div>
        <div>
          <label for="name">Name <span class="hint">(optional)</span></label>
          <input id="name" name="name" type="text" maxlength="100" value="${v.name ?? ''}" />
        </div>
        <label class="check"
          ><input type="checkbox" name="consent" value="1" ${v.consent ? 'checked' : ''} /> The customer
          agreed to get payment requests from us in the Vipps MobilePay app</label
        >
        <div><button type="submit">Add customer</button></div>
      </form>`;
    return sendPageInState(ctx, reply, o, { title: 'Customers', side: 'merchant', body });
  };

  app.get('/merchant/customers', async (request, reply) => renderList(reply, { flashes: noticeOf(request) }));

  app.post('/merchant/customers', async (request, reply) => {
    const form = formOf(request);
    const values = {
      phoneNumber: form.get('phoneNumber') ?? '',
      name: form.get('name') ?? '',
      ...(form.get('consent') ? { consent: '1' } : {}),
    };
    const error = (text: string) =>
      renderList(reply, { status: 400, flashes: [{ kind: 'error', text }], values });
    const phone = readPhoneNumber(values.phoneNumber, currency);
    if (!phone.ok) return error(phone.message);
    const name = values.name.trim() === '' ? undefined : readText(values.name, 'The name', { max: 100 });
    if (name && !name.ok) return error(name.message);
    if (!values.consent)
      return error('Tick the box to confirm that the customer agreed to get payment requests in the app.');
    const now = ctx.now();
    const customer: Customer = {
      phoneNumber: phone.value,
      ...(name?.ok ? { name: name.value } : {}),
      consentSource: 'given to the merchant',
      consentAt: now,
      createdAt: now,
    };
    await ctx.store.saveCustomer(customer);
    return reply.redirect(`/merchant/customers/${phone.value}?done=customer`, 303);
  });

  const renderCustomer = async (
    reply: FastifyReply,
    customer: Customer,
    o: { status?: number; flashes?: Flash[]; values?: Record<string, string> } = {},
  ) => {
    const v = o.values ?? {};
    const payments = await ctx.store.listPayments({ purpose: 'direct', ownerId: customer.phoneNumber });
    const body = html`<h1>Customer ${customer.name ?? customer.phoneNumber}</h1>
      <section class="card">
        ${facts([
          ['Phone number', customer.phoneNumber],
          ['Name', customer.name ?? '-'],
          [
            'Consent',
            `${customer.consentSource}, ${new Date(customer.consentAt).toISOString().slice(0, 10)}`,
          ],
          ...(customer.sub
            ? ([['sub', html`<code>${customer.sub}</code>`]] as Array<[string, unknown]>)
            : []),
        ])}
      </section>
      <h2>Send a payment request to the app</h2>
      <form class="card stack" method="post" action="/merchant/customers/${customer.phoneNumber}/requests">
        ${amountField({ currency, value: v.amount, placeholder: '300.00' })}
        ${descriptionField({ value: v.description, hint: '3-100 characters' })}
        <div><button type="submit">Send to the app</button></div>
      </form>
      <h2>Payment requests</h2>
      ${paymentsTable(payments)}`;
    return sendPageInState(ctx, reply, o, { title: 'Customer', side: 'merchant', body });
  };

  app.get<{ Params: { phone: string } }>('/merchant/customers/:phone', async (request, reply) => {
    const customer = await ctx.store.getCustomer(request.params.phone);
    if (!customer) return notFound(ctx, reply, 'merchant', 'No such customer');
    return renderCustomer(reply, customer, { flashes: noticeOf(request) });
  });

  app.post<{ Params: { phone: string } }>('/merchant/customers/:phone/requests', async (request, reply) => {
    const customer = await ctx.store.getCustomer(request.params.phone);
    if (!customer) return notFound(ctx, reply, 'merchant', 'No such customer');
    const form = formOf(request);
    const values = { amount: form.get('amount') ?? '', description: form.get('description') ?? '' };
    const error = (text: string, status = 400) =>
      renderCustomer(reply, customer, { status, flashes: [{ kind: 'error', text }], values });
    const amount = readAmount(values.amount, currency);
    if (!amount.ok) return error(amount.message);
    const description = readText(values.description, 'The description', { min: 3, max: 100 });
    if (!description.ok) return error(description.message);
    try {
      const reference = await ctx.payments.newReference('push');
      await ctx.payments.create(
        {
          reference,
          purpose: 'direct',
          ownerId: customer.phoneNumber,
          amount: amount.value,
          description: description.value,
          userFlow: 'PUSH_MESSAGE',
          phoneNumber: customer.phoneNumber,
          receipt: singleLineReceipt({
            id: reference,
            description: description.value,
            amount: amount.value,
            currency,
          }),
          receiptInCreate: false,
        },
        'push',
      );
      return reply.redirect(`/merchant/payments/${reference}?done=sent`, 303);
    } catch (err) {
      const failure = failureOf(err);
      return error(failure.flash.text, failure.status);
    }
  });
}
