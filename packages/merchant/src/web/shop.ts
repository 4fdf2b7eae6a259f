import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PRODUCTS, productById } from '../domain/catalog.js';
import { formatAmount, readQuantity } from '../domain/input.js';
import { derive } from '../domain/order-status.js';
import { receiptOf, totalOf, type Line } from '../domain/receipt.js';
import { listedStatus, type ShopOrder } from '../store/store.js';
import { failureOf, formOf, sendPage, type WebContext } from './context.js';
import { redirectToPayment } from './page-parts.js';
import { html, type Html } from '@betal/contract/html';
import { statusBadge, type Flash } from './layout.js';

const CART_COOKIE = 'betal_cart';

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The cart id of the browser, creating one (and its cookie) when it has none. */
function cartId(request: FastifyRequest, reply: FastifyReply): string {
  const existing = cookieOf(request, CART_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{16,64}$/.test(existing)) return existing;
  const id = randomBytes(16).toString('base64url');
  reply.header('set-cookie', `${CART_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
  return id;
}

function linesTable(lines: readonly Line[], currency: string, editable: boolean): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Product</th>
        <th class="num">Quantity</th>
        <th class="num">Unit price</th>
        <th class="num">Total</th>
      </tr>
    </thead>
    <tbody>
      ${lines.map(
        (l) =>
          html`<tr>
            <td>${l.name}</td>
            <td class="num">
              ${
                editable
                  ? html`<form class="inline" method="post" action="/shop/cart/update">
                      <input type="hidden" name="product" value="${l.id}" />
                      <input
                        class="small"
                        type="number"
                        name="quantity"
                        min="0"
                        max="99"
                        value="${l.quantity}"
                        aria-label="Quantity of ${l.name}"
                      />
                      <button class="secondary" type="submit">Update</button>
                    </form>`
                  : l.quantity
              }
            </td>
            <td class="num">${formatAmount(l.unitPrice, currency)}</td>
            <td class="num">${formatAmount(l.unitPrice * l.quantity, currency)}</td>
          </tr>`,
      )}
    </tbody>
    <tfoot>
      <tr>
        <td colspan="3">Total (VAT included)</td>
        <td class="num" data-testid="total">${formatAmount(totalOf(lines), currency)}</td>
      </tr>
    </tfoot>
  </table>`;
}

/**
 * The small shop of seed 002 (online payments): products, a cart kept server-side by a cookie, checkout with a
 * WEB_REDIRECT payment whose receipt (the cart) goes with create, and the return page, which confirms the order
 * only by querying the payment (never by trusting the redirect).
 */
export async function shopRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  const currency = ctx.config.currency;

  const renderCart = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    flashes: Flash[] = [],
  ) => {
    const lines = await ctx.store.getCart(cartId(request, reply));
    const body = html`<h1>Your cart</h1>
      ${
        lines.length === 0
          ? html`<p class="card">The cart is empty. <a href="/shop">See the products</a>.</p>`
          : html`${linesTable(lines, currency, true)}
              <form method="post" action="/shop/checkout" class="card row" style="margin-top:1rem">
                <div>
                  <div class="muted">To pay</div>
                  <div class="big">${formatAmount(totalOf(lines), currency)}</div>
                </div>
                <button class="vipps" type="submit">Pay with Vipps MobilePay</button>
              </form>`
      }`;
    return sendPage(ctx, reply, { status, title: 'Cart', side: 'shop', body, flashes });
  };

  const renderShop = async (reply: FastifyReply, status = 200, flashes: Flash[] = []) => {
    const body = html`<h1>Products</h1>
      <div class="grid">
        ${PRODUCTS.map(
          (p) =>
            html`<article class="card product">
              <div class="pic" style="background:${p.colour}" aria-hidden="true">${p.name.slice(0, 1)}</div>
              <h3>${p.name}</h3>
              <p>${p.description}</p>
              <div class="row">
                <span class="price">${formatAmount(p.price, currency)}</span>
                <form class="inline" method="post" action="/shop/cart">
                  <input type="hidden" name="product" value="${p.id}" />
                  <input type="hidden" name="quantity" value="1" />
                  <button type="submit" aria-label="Add ${p.name} to the cart">Add to cart</button>
                </form>
              </div>
            </article>`,
        )}
      </div>`;
    return sendPage(ctx, reply, { status, title: 'Products', side: 'shop', body, flashes });
  };

  app.get('/shop', async (_request, reply) => renderShop(reply));
  app.get('/shop/cart', async (request, reply) => renderCart(request, reply));

  app.post('/shop/cart', async (request, reply) => {
    const form = formOf(request);
    const product = productById(form.get('product') ?? '');
    if (!product) return renderShop(reply, 400, [{ kind: 'error', text: 'There is no such product.' }]);
    const quantity = readQuantity(form.get('quantity') ?? '1');
    if (!quantity.ok) return renderShop(reply, 400, [{ kind: 'error', text: quantity.message }]);
    const id = cartId(request, reply);
    const lines = await ctx.store.getCart(id);
    const line = lines.find((l) => l.id === product.id);
    if (line) {
      if (line.quantity + quantity.value > 99) {
        return renderShop(reply, 400, [
          { kind: 'error', text: 'At most 99 of one product fit in the cart.' },
        ]);
      }
      line.quantity += quantity.value;
    } else {
      lines.push({
        id: product.id,
        name: product.name,
        quantity: quantity.value,
        unitPrice: product.price,
        taxRate: product.taxRate,
      });
    }
    await ctx.store.saveCart(id, lines, ctx.now());
    return reply.redirect('/shop/cart', 303);
  });

  app.post('/shop/cart/update', async (request, reply) => {
    const form = formOf(request);
    const id = cartId(request, reply);
    const lines = await ctx.store.getCart(id);
    const line = lines.find((l) => l.id === form.get('product'));
    if (!line)
      return renderCart(request, reply, 400, [{ kind: 'error', text: 'That product is not in the cart.' }]);
    const text = (form.get('quantity') ?? '').trim();
    if (text === '0') {
      await ctx.store.saveCart(
        id,
        lines.filter((l) => l !== line),
        ctx.now(),
      );
    } else {
      const quantity = readQuantity(text);
      if (!quantity.ok)
        return renderCart(request, reply, 400, [
          { kind: 'error', text: `${quantity.message} (0 removes it.)` },
        ]);
      line.quantity = quantity.value;
      await ctx.store.saveCart(id, lines, ctx.now());
    }
    return reply.redirect('/shop/cart', 303);
  });

  app.post('/shop/checkout', async (request, reply) => {
    const id = cartId(request, reply);
    const lines = await ctx.store.getCart(id);
    if (lines.length === 0)
      return renderCart(request, reply, 400, [{ kind: 'error', text: 'The cart is empty.' }]);
    const orderId = randomBytes(9).toString('base64url');
    const total = totalOf(lines);
    const number = await ctx.store.next('shop_order');
    const reference = await ctx.payments.newReference('shop');
    const order: ShopOrder = { id: orderId, lines, total, currency, reference, createdAt: ctx.now() };
    await ctx.store.saveShopOrder(order);
    try {
      const record = await ctx.payments.create(
        {
          reference,
          purpose: 'shop',
          ownerId: orderId,
          amount: total,
          description: `Order ${number} at ${ctx.config.name}`.slice(0, 100),
          userFlow: 'WEB_REDIRECT',
          receipt: receiptOf(lines, currency, `S${number}`),
          receiptInCreate: true,
          returnUrl: `${ctx.publicUrl}/shop/orders/${orderId}`,
        },
        'shop',
      );
      await ctx.store.saveCart(id, [], ctx.now());
      return redirectToPayment(reply, record);
    } catch (error) {
      const failure = failureOf(error);
      return renderCart(request, reply, failure.status, [failure.flash]);
    }
  });

  app.get<{ Params: { id: string } }>('/shop/orders/:id', async (request, reply) => {
    const order = await ctx.store.getShopOrder(request.params.id);
    if (!order) {
      return sendPage(ctx, reply, {
        status: 404,
        title: 'No such order',
        side: 'shop',
        body: html`<h1>No such order</h1>
          <p>Check the link, or <a href="/shop">go to the shop</a>.</p>`,
      });
    }
    const flashes: Flash[] = [];
    // The redirect back proves nothing: ask the platform.
    let record = (await ctx.payments.get(order.reference))!;
    try {
      record = await ctx.payments.refresh(order.reference);
    } catch (error) {
      flashes.push(failureOf(error).flash);
    }
    const d = derive(record.view);
    const status = listedStatus(record);
    const pending = status === 'PENDING';
    const paid = d.state === 'AUTHORIZED';
    const failed = !paid && !pending;
    // A rejected, cancelled or expired payment keeps the cart: its lines go back into an empty cart, to try again.
    if (failed) {
      const id = cartId(request, reply);
      if ((await ctx.store.getCart(id)).length === 0) await ctx.store.saveCart(id, order.lines, ctx.now());
    }
    const heading = paid
      ? html`<h1>Thank you! Your order is confirmed.</h1>
          <p>Vipps MobilePay confirmed the payment. We will ship your order soon.</p>`
      : pending
        ? html`<h1>Waiting for the payment…</h1>
            <p>We have not heard from Vipps MobilePay yet. This page updates by itself.</p>`
        : html`<h1>The payment was not completed</h1>
            <p>Nothing was charged, and your cart is kept.</p>
            <form class="row" method="post" action="/shop/checkout" style="margin-bottom:1rem">
              <button type="submit">Try again</button>
              <a class="button secondary" href="/shop/cart">Change the cart</a>
            </form>`;
    const body = html`${heading}
      <section class="card">
        <div class="row">
          <span>Order reference <code>${order.reference}</code></span>
          ${statusBadge(order.reference, status, true, 'shop')}
        </div>
      </section>
      ${linesTable(order.lines, order.currency, false)}`;
    return sendPage(ctx, reply, {
      title: 'Your order',
      side: 'shop',
      body,
      flashes,
      reloadOnChange: pending && 'refresh',
    });
  });
}
