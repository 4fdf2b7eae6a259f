import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MerchantConfig } from '../config.js';
import { PlatformCallError, RefusedError, type PaymentService } from '../services/payments.js';
import type { WebhookRegistrar } from '../services/webhooks.js';
import type { MerchantStore } from '../store/store.js';
import type { Html } from '@betal/contract/html';
import { VippsApiError } from '@betal/client';
import { page, type Flash, type Side } from './layout.js';

/** What every route module gets: settings, store, services, clock and the page renderer. */
export interface WebContext {
  config: MerchantConfig;
  /** The merchant's public base URL, without a trailing slash. */
  publicUrl: string;
  store: MerchantStore;
  payments: PaymentService;
  registrar: WebhookRegistrar;
  /** The merchant's clock, epoch ms. */
  now: () => number;
  /** Links of the local platform for the merchant's footer (none against the real API). */
  platformLinks: Array<{ label: string; href: string }>;
}

/** A form body: the fields of an `application/x-www-form-urlencoded` request (empty for anything else). */
export function formOf(request: FastifyRequest): URLSearchParams {
  return request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
}

/** Sends a page with `status`: the layout around `body`, with the flashes. */
export function sendPage(
  ctx: WebContext,
  reply: FastifyReply,
  o: {
    status?: number;
    title: string;
    side: Side;
    body: Html;
    flashes?: Flash[];
    /** Reload when a live status changes; with `'refresh'` also have the merchant query the platform meanwhile. */
    reloadOnChange?: boolean | 'refresh';
    /** Opened in the customer's app (see PageOptions.inApp): no navigation. */
    inApp?: boolean;
  },
): FastifyReply {
  const warnings: Flash[] = [];
  const reg = ctx.registrar.status;
  if (o.side === 'merchant' && reg && !reg.ok)
    warnings.push({ kind: 'warning', text: `${reg.error} Statuses arrive only by query until it works.` });
  return reply
    .code(o.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      page({
        title: o.title,
        side: o.side,
        shopName: ctx.config.name,
        body: o.body,
        flashes: [...warnings, ...(o.flashes ?? [])],
        platformLinks: ctx.platformLinks,
        ...(o.reloadOnChange ? { reloadOnChange: true } : {}),
        ...(o.reloadOnChange === 'refresh' ? { refresh: true } : {}),
        ...(o.inApp ? { inApp: true } : {}),
      }),
    );
}

/** Text without the full stops it ends with, so that a sentence made of it ends with one. */
function bare(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

/**
 * A failed platform call as one clean sentence for the merchant: what failed, why (the platform's detail, or its
 * title), the fields at fault, and the error code and HTTP status at the end, e.g. "Capturing failed: Capture
 * amount too high. Error code 6090 (HTTP 400)." A call with no answer says so, with the network error.
 */
export function failureSentence(error: PlatformCallError): string {
  const cause = error.cause;
  if (cause instanceof VippsApiError) {
    const body = (cause.body ?? {}) as { title?: string; detail?: string; message?: string };
    const reason = bare(body.detail ?? body.message ?? body.title ?? `the platform refused the call`);
    const fields = cause.invalidParams.map((p) => `${p.name}: ${bare(p.reason)}`).join('; ');
    const code =
      cause.code !== undefined ? `Error code ${cause.code} (HTTP ${cause.status}).` : `HTTP ${cause.status}.`;
    return `${bare(error.step)} failed: ${reason}${fields ? ` (${fields})` : ''}. ${code}`;
  }
  const other = cause as { cause?: { code?: string; message?: string }; message?: string } | undefined;
  if (other?.cause) {
    const why = other.cause.code ?? other.cause.message ?? other.message ?? '';
    return `${bare(error.step)} failed: no answer from the platform (${bare(String(why))}).`;
  }
  return `${bare(error.step)} failed: ${bare(other?.message ?? String(cause))}.`;
}

/**
 * The HTTP status and message of a failed action: a merchant rule's refusal is 409, a refusal by the platform
 * (its 4xx: the request was wrong, e.g. a phone number no user has) is 422, and no clear answer from the
 * platform (5xx, network) is 502. Anything else is rethrown.
 */
export function failureOf(error: unknown): { status: number; flash: Flash } {
  if (error instanceof RefusedError) return { status: 409, flash: { kind: 'error', text: error.message } };
  if (error instanceof PlatformCallError) {
    const status = error.status;
    const code = status !== undefined && status < 500 && status !== 423 && status !== 429 ? 422 : 502;
    const suffix = error.inDoubt
      ? ' The outcome is not known yet; the merchant will check it with the platform.'
      : '';
    return { status: code, flash: { kind: 'error', text: `${failureSentence(error)}${suffix}` } };
  }
  throw error;
}

/** Notices after a redirect (`?done=<code>`), one fixed sentence per code. */
const NOTICES: Readonly<Record<string, string>> = {
  captured: 'Captured. The platform confirmed the captured amount.',
  refunded: 'Refunded. The platform confirmed the refunded amount.',
  cancelled: 'Cancelled.',
  refreshed: 'Queried the platform: the status below is the platform’s.',
  shipped: 'Shipped: the full amount is captured and the platform confirmed it.',
  sent: 'Payment request sent to the customer’s app.',
  created: 'Created.',
  customer: 'Customer saved.',
  reconciled: 'Reconciliation ran.',
};

/** The notice flash of `?done=<code>`, if any. */
export function noticeOf(request: FastifyRequest): Flash[] {
  const code = (request.query as Record<string, string | undefined>).done;
  const text = code ? NOTICES[code] : undefined;
  return text ? [{ kind: 'notice', text }] : [];
}
