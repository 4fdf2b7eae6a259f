import { randomBytes, randomUUID } from 'node:crypto';
import {
  webhookLimitFor,
  type RegisterWebhookRequest,
  type Webhook,
  type WebhookEvent,
} from '@betal/contract';
import type { Clock } from '../../clock.js';
import { FieldError } from '../../domain/errors.js';
import { ApiError } from '../../kernel/errors.js';
import { literalRefusal, normalHost, type DestinationPolicy } from '../../delivery/destinations.js';
import type { PlatformStore, WebhookRegistration, WebhooksPort } from '../../storage/ports.js';

/** Common ports the real service delivers to (contract 4.1); others get a lint notice. */
const COMMON_PORTS = new Set(['', '80', '443', '8080']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isLocal(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0.0.0.0' ||
    /^127\./.test(h) ||
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h)
  );
}

/** The 400 naming `url` for a host that may not receive webhooks outside dev mode, saying why (`refusal`). */
function unreachable(refusal: string): FieldError {
  return new FieldError('url', `The field Url must be publicly reachable (not a local address): ${refusal}.`);
}

/**
 * The registration URL rule (contract 4.1): https and a publicly reachable host. Outside dev mode a host whose text
 * is internal (an internal IP literal, localhost, a name without a dot: `literalRefusal`) is refused saying why,
 * unless on `allowHosts`; a name is resolved by the caller's destination policy. Dev mode also accepts `http://`
 * and localhost/private hosts, each with a lint notice; a port other than 80, 443 or 8080 gets a lint notice
 * everywhere (the real service may not deliver there). Throws FieldError naming `url`.
 */
export function checkWebhookUrl(
  raw: string,
  devMode: boolean,
  notices: string[],
  allowHosts: readonly string[] = [],
): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FieldError('url', 'The field Url must be an absolute URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FieldError('url', 'The field Url must be an https URL.');
  }
  if (url.username || url.password)
    throw new FieldError('url', 'The field Url must not contain credentials.');
  if (url.protocol === 'http:') {
    if (!devMode) throw new FieldError('url', 'The field Url must use HTTPS.');
    notices.push('url uses http://; accepted in dev mode only, the real service requires https.');
  }
  const allowed = allowHosts.map(normalHost).includes(normalHost(url.hostname));
  if (!devMode) {
    // What the host's text tells (an internal IP literal, localhost, a name without a dot), saying why; a name is
    // resolved and checked by the destination policy of the caller (register) and at connect time.
    const refusal = allowed ? undefined : literalRefusal(url.hostname);
    if (refusal) throw unreachable(refusal);
  } else if (isLocal(url.hostname) && !allowed) {
    notices.push(
      `url host ${url.hostname} is local; accepted in dev mode only, the real service cannot reach it.`,
    );
  }
  if (!COMMON_PORTS.has(url.port)) {
    notices.push(`url port ${url.port} is not 80, 443 or 8080; the real service may not deliver to it.`);
  }
  return url;
}

/** A registration as the Webhooks API lists it (no secret). Contract 4.1. */
export function webhookView(r: WebhookRegistration): Webhook {
  return { id: r.id, url: r.url, events: r.events };
}

/** Who is told when the registrations change: the dispatcher (delivery/dispatcher.ts). */
export interface RegistrationListener {
  /** A registration was added: the live registrations are read again. */
  registrationsChanged(): void;
  /** A registration was deleted: what is held of it is forgotten. */
  registrationDeleted(id: string): Promise<void>;
}

/** What {@link WebhookRegistrations} needs besides the ports: the URL rules and who is told of changes. */
export interface WebhookRegistrationsOptions {
  /** Dev mode: `http://` and localhost URLs may be registered (with a lint notice). */
  devMode: boolean;
  /** Hosts that may be registered outside dev mode although they resolve to internal addresses. */
  allowHosts?: readonly string[];
  /** Outside dev mode: the policy a host must pass at registration (public addresses only); none in dev mode. */
  destinations: DestinationPolicy | undefined;
  listener: RegistrationListener;
}

/** The Webhooks API's service (contract 4.1): register, list and delete the registrations of a sales unit. */
export class WebhookRegistrations {
  constructor(
    private readonly store: PlatformStore,
    private readonly hooks: WebhooksPort,
    private readonly clock: Clock,
    private readonly options: WebhookRegistrationsOptions,
  ) {}

  /**
   * Registers a webhook for `msn`: 201 `{id, secret}`, or 400 naming the field (bad URL, too many registrations
   * for an event: 25 per event per MSN, 1 for `user.checked-in.v1`; outside dev mode, a host that is or resolves to
   * an internal address, see destinations.ts). Repeated events are kept once, with a lint
   * notice. The secret is random (64 bytes, base64) and shown only here. Contract 4.1.
   */
  async register(
    msn: string,
    req: RegisterWebhookRequest,
    notices: string[],
  ): Promise<{ id: string; secret: string }> {
    const allow = (this.options.allowHosts ?? []).map((h) => h.toLowerCase());
    const url = checkWebhookUrl(req.url, this.options.devMode, notices, allow);
    // Outside dev mode the host is resolved now and each address must be public (checked again at connect).
    const refusal = this.options.destinations && (await this.options.destinations.check(url.hostname));
    if (refusal) throw unreachable(refusal);
    const events = [...new Set(req.events)];
    if (events.length < req.events.length) notices.push('events lists an event more than once; kept once.');
    const id = randomUUID();
    const secret = randomBytes(64).toString('base64');
    // Events committed from now on are this registration's (the outbox position it starts after).
    const fromSeq = await this.store.latestEventSeq();
    const outcome = await this.hooks.register(
      {
        id,
        msn,
        url: url.href,
        events,
        secret,
        createdAt: this.clock.now(),
        fromSeq,
        failingSince: null,
        deletedAt: null,
        deletedReason: null,
      },
      (event) => webhookLimitFor(event as WebhookEvent),
    );
    if (!outcome.ok) {
      throw new FieldError(
        'events',
        `At most ${outcome.limit} webhooks can be registered per event; ${outcome.event} already has ${outcome.limit} on MSN ${msn}.`,
      );
    }
    this.options.listener.registrationsChanged();
    return { id, secret };
  }

  /** The live registrations of `msn`: 200 `{webhooks: [{id, url, events}]}`. Contract 4.1. */
  async list(msn: string): Promise<{ webhooks: Webhook[] }> {
    return { webhooks: (await this.hooks.listRegistrations(msn)).map(webhookView) };
  }

  /**
   * Deletes a registration of `msn`: 204; 400 when `id` is not a UUID; 404 when `msn` has no such registration.
   * Its pending deliveries are discarded; its delivery log is kept. Contract 4.1.
   */
  async delete(msn: string, id: string): Promise<void> {
    if (!UUID.test(id)) throw new FieldError('id', `The value '${id.slice(0, 60)}' is not a valid UUID.`);
    const deleted = await this.hooks.deleteRegistration(id.toLowerCase(), msn, this.clock.now(), 'deleted');
    if (!deleted) throw new ApiError(404, `No webhook with id '${id}' for this merchant.`);
    await this.options.listener.registrationDeleted(id.toLowerCase());
  }
}
