import type { ListedStatus } from '../store/store.js';
import { html, type Html } from '@betal/contract/html';

/** A message at the top of a page: an error (a refused form, a failed platform call) or a notice. */
export interface Flash {
  kind: 'error' | 'notice' | 'warning';
  text: string;
}

/** Which side a page belongs to: the shop the customer sees, or the merchant's own pages. */
export type Side = 'shop' | 'merchant';

/** Options of {@link page}. */
export interface PageOptions {
  title: string;
  side: Side;
  shopName: string;
  body: Html;
  flashes?: Flash[];
  /** Links of the local platform (customer's app, dashboard), shown in the merchant's footer. */
  platformLinks?: Array<{ label: string; href: string }>;
  /** Reload the page when a live status on it changes (return pages, the payment page). */
  reloadOnChange?: boolean;
  /** Have the merchant query the platform for pending payments on the page (return pages waiting for news). */
  refresh?: boolean;
  /**
   * A page opened in the customer's app (the orderDetailsUrl of "See details", `?view=app`): no navigation and
   * no links away, the shop's name only, laid out for a phone's web view.
   */
  inApp?: boolean;
}

function flashes(list: Flash[] = []): Html {
  return html`${list.map(
    (f) =>
      html`<div class="flash flash-${f.kind}" role="${f.kind === 'error' ? 'alert' : 'status'}">
        ${f.text}
      </div>`,
  )}`;
}

/** A whole document: header with the side's navigation, the flashes, the body, and the small live-status script. */
export function page(o: PageOptions): string {
  const nav = o.inApp
    ? ''
    : o.side === 'shop'
      ? html`<nav aria-label="Shop"><a href="/shop">Products</a><a href="/shop/cart">Cart</a></nav>`
      : html`<nav aria-label="Merchant">
          <a href="/merchant">Overview</a><a href="/merchant/orders">Orders</a
          ><a href="/merchant/links">Payment links</a><a href="/merchant/customers">Customers</a
          ><a href="/merchant/invoices">Invoices</a><a href="/shop">Shop</a>
        </nav>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · ${o.shopName}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/merchant.css" />
        <script src="/assets/merchant.js" defer></script>
      </head>
      <body
        class="side-${o.side}${o.inApp ? ' in-app' : ''}"
        ${o.reloadOnChange ? html`data-reload-on-change` : ''}
        ${o.refresh ? html`data-refresh` : ''}
      >
        <header class="top">
          ${
            o.inApp
              ? html`<span class="logo">${o.shopName}</span>`
              : html`<a class="logo" href="${o.side === 'shop' ? '/shop' : '/merchant'}"
                  >${o.shopName}${o.side === 'merchant' ? html` <small>merchant</small>` : ''}</a
                >`
          }
          ${nav}
        </header>
        <main>${flashes(o.flashes)} ${o.body}</main>
        ${
          o.side === 'merchant' && o.platformLinks?.length
            ? html`<footer>
                Local platform:
                ${o.platformLinks.map((l) => html`<a href="${l.href}" target="_blank" rel="noopener">${l.label}</a> `)}
              </footer>`
            : ''
        }
      </body>
    </html>`.value;
}

/**
 * The words of each listed status on the merchant's own pages: the API's terms (the ePayment states and what the
 * aggregate says: AUTHORIZED, CAPTURED, REFUNDED... contract 3.6), as the merchant reads them in the API.
 */
export const MERCHANT_STATUS_LABELS: Readonly<Record<ListedStatus, string>> = {
  FAILED: 'Not created',
  PENDING: 'Created',
  AUTHORIZED: 'Authorized',
  PARTIALLY_CAPTURED: 'Partially captured',
  CAPTURED: 'Captured',
  PARTIALLY_REFUNDED: 'Partially refunded',
  REFUNDED: 'Refunded',
  CANCELLED: 'Cancelled',
  ABORTED: 'Aborted',
  EXPIRED: 'Expired',
  TERMINATED: 'Terminated',
};

/**
 * The words of each listed status on the shop's pages, for the customer: plain words (reserved, paid, refunded,
 * cancelled, expired), none of the API's states.
 */
export const CUSTOMER_STATUS_LABELS: Readonly<Record<ListedStatus, string>> = {
  FAILED: 'Not started',
  PENDING: 'Waiting for payment',
  AUTHORIZED: 'Reserved',
  PARTIALLY_CAPTURED: 'Paid',
  CAPTURED: 'Paid',
  PARTIALLY_REFUNDED: 'Partly refunded',
  REFUNDED: 'Refunded',
  CANCELLED: 'Cancelled',
  ABORTED: 'Cancelled',
  EXPIRED: 'Expired',
  TERMINATED: 'Cancelled',
};

/** The label of a status on a side's pages: the API's terms for the merchant, plain words for the customer. */
export function statusLabel(status: ListedStatus, side: Side): string {
  return (side === 'shop' ? CUSTOMER_STATUS_LABELS : MERCHANT_STATUS_LABELS)[status];
}

/**
 * A status badge that the live script keeps up to date (by `data-ref`), worded for `side` (the merchant's pages
 * by default; see {@link statusLabel}). `data-status` carries the status code either way.
 */
export function statusBadge(
  reference: string,
  status: ListedStatus,
  live = true,
  side: Side = 'merchant',
): Html {
  return html`<span
    class="badge badge-${status.toLowerCase()}"
    ${live ? html`data-ref="${reference}"` : ''}
    data-status="${status}"
    >${statusLabel(status, side)}</span
  >`;
}

/** A description list of label/value pairs. */
export function facts(rows: Array<[string, unknown]>): Html {
  return html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v as Html}</dd>`,
    )}
  </dl>`;
}
