import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, reasonPhrase } from '../../problem.js';

/**
 * The APIs the platform serves, told apart by the first segment of the path as the API gateway does it:
 * `accesstoken`, `epayment`, `webhooks`, `order-management` and `vipps-userinfo-api` (any case), and `platform`
 * for everything else (`/betal`, `/app`, `/docs`, ...), which answers in the ePayment Problem shape.
 */
export type ApiName = 'accesstoken' | 'epayment' | 'webhooks' | 'order-management' | 'userinfo' | 'platform';

const PREFIXES: ReadonlyArray<readonly [string, ApiName]> = [
  ['accesstoken', 'accesstoken'],
  ['epayment', 'epayment'],
  ['webhooks', 'webhooks'],
  ['order-management', 'order-management'],
  ['vipps-userinfo-api', 'userinfo'],
];

/**
 * Which API a request target belongs to: by its first path segment, case-insensitively (the gateway matches
 * paths so), ignoring the query. An absolute-form target (`http://host/epayment/...`) is read by its path; a
 * target that is not a path at all (`*`, `epayment/v1`) is `platform`.
 */
export function apiOfPath(target: string): ApiName {
  let path = target;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length);
  if (!path.startsWith('/')) return 'platform';
  const first = (path.slice(1).split(/[/?#]/, 1)[0] ?? '').toLowerCase();
  for (const [prefix, api] of PREFIXES) if (first === prefix) return api;
  return 'platform';
}

/** One field at fault: `{name, reason}` (ePayment `extraDetails`, Order Management `invalidParams`). */
export interface FieldFault {
  name: string;
  reason: string;
}

/** What an error answer says, before it is put in the shape of its API. */
export interface ApiErrorInput {
  /** HTTP status, 400-599. */
  status: number;
  detail: string;
  /** Defaults to the status's reason phrase (Order Management: the title of its kind). */
  title?: string;
  /** The fields at fault; a field without a name is reported as `$` (the request as a whole). */
  fields?: FieldFault[];
  /** The request's trace id (the `instance` of Order Management and Userinfo errors, `traceId` of Problems). */
  traceId: string;
  /** The request's path (without the query), for the Problem's `instance`. */
  path: string;
}

/** An error answer ready to send: its content type and JSON body. */
export interface RenderedError {
  contentType: string;
  body: Record<string, unknown>;
}

/** Reason phrases the Problem helper does not know, for errors raised before routing. */
const MORE_PHRASES: Record<number, string> = {
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  501: 'Not Implemented',
  505: 'HTTP Version Not Supported',
};

/** The standard phrase of an HTTP status, including the ones only the edge answers (414, 431). */
export function phraseOf(status: number): string {
  return MORE_PHRASES[status] ?? reasonPhrase(status);
}

const RFC7231 = 'https://datatracker.ietf.org/doc/html/rfc7231#section-';
/** The `type` and `title` of each Order Management error kind, as its spec's ProblemDetails give them. */
const OM_KINDS: Record<number, { type: string; title: string }> = {
  400: { type: `${RFC7231}6.5.1`, title: 'One or more validation errors occurred.' },
  401: { type: 'https://datatracker.ietf.org/doc/html/rfc7235#section-3.1', title: 'Unauthorized' },
  403: { type: `${RFC7231}6.5.3`, title: 'Forbidden' },
  404: { type: `${RFC7231}6.5.4`, title: 'Not Found' },
  405: { type: `${RFC7231}6.5.5`, title: 'Method Not Allowed' },
  408: { type: `${RFC7231}6.5.7`, title: 'Request Timeout' },
  409: { type: `${RFC7231}6.5.8`, title: 'Conflict' },
  413: { type: `${RFC7231}6.5.11`, title: 'Payload Too Large' },
  414: { type: `${RFC7231}6.5.12`, title: 'URI Too Long' },
  415: { type: `${RFC7231}6.5.13`, title: 'Unsupported Media Type' },
  429: { type: 'https://datatracker.ietf.org/doc/html/rfc6585#section-4', title: 'Too Many Requests' },
  431: {
    type: 'https://datatracker.ietf.org/doc/html/rfc6585#section-5',
    title: 'Request Header Fields Too Large',
  },
  500: { type: `${RFC7231}6.6.1`, title: 'An error occurred while processing your request.' },
  503: { type: `${RFC7231}6.6.4`, title: 'Service Unavailable' },
};

/** The `type` and `title` of an Order Management error of this status (400's kind for a status it lacks). */
export function omKind(status: number): { type: string; title: string } {
  return OM_KINDS[status] ?? { type: `${RFC7231}6.5.1`, title: phraseOf(status) };
}

/** `{name, reason}` with `$` for an empty name: `invalidParams[].name` and `extraDetails[].name` are never empty. */
function named(fields: FieldFault[] | undefined): FieldFault[] {
  return (fields ?? []).map((f) => ({ name: f.name === '' ? '$' : f.name, reason: f.reason }));
}

/** The `instance` of a Problem: the path as the API's own server sees it (without `/epayment` or `/webhooks`). */
export function problemInstance(path: string): string {
  return path.replace(/^\/(epayment|webhooks)(?=\/v1\/)/i, '');
}

/**
 * Puts an error in the shape of the API it belongs to (contract 1, 3.9, 4, 5, 6):
 * - ePayment, Webhooks and the platform's own paths: Problem JSON `{type, title, status, detail, instance,
 *   traceId, extraDetails}` as `application/problem+json`;
 * - Order Management: `{type, title, detail, instance, invalidParams}` with the trace id as `instance`;
 * - Userinfo: `{type, title, status, detail, instance}` with `status` a string and the trace id as `instance`;
 * - Access Token: the gateway's `{statusCode, message}` (the endpoint's own errors are Azure AD's, see
 *   accesstoken.ts; this is for what never reaches it: an unknown path, a bad URL).
 */
export function renderApiError(api: ApiName, input: ApiErrorInput): RenderedError {
  const title = input.title ?? phraseOf(input.status);
  const fields = named(input.fields);
  switch (api) {
    case 'order-management': {
      const kind = omKind(input.status);
      return {
        contentType: 'application/json; charset=utf-8',
        body: {
          type: kind.type,
          title: input.title ?? kind.title,
          detail: input.detail,
          instance: input.traceId,
          invalidParams: fields,
        },
      };
    }
    case 'userinfo':
      return {
        contentType: 'application/json;charset=UTF-8',
        body: {
          type: `https://httpstatuses.io/${input.status}`,
          title,
          status: String(input.status),
          detail: input.detail,
          instance: input.traceId,
        },
      };
    case 'accesstoken':
      return {
        contentType: 'application/json; charset=utf-8',
        body: { statusCode: input.status, message: input.detail },
      };
    default:
      return {
        contentType: 'application/problem+json; charset=utf-8',
        body: {
          ...problem(input.status, input.detail, {
            title,
            extraDetails: fields.length > 0 ? fields : null,
          }),
          instance: problemInstance(input.path),
          traceId: input.traceId,
        },
      };
  }
}

/**
 * Sends an error in the shape of the API the request's path belongs to ({@link apiOfPath},
 * {@link renderApiError}). Used where no API's own handler is in charge: the not-found handler, URL errors of the
 * router, strict-mode refusals.
 */
export function sendApiError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
  options: { title?: string; fields?: FieldFault[] } = {},
): FastifyReply {
  const path = request.url.split('?')[0] ?? request.url;
  const rendered = renderApiError(apiOfPath(request.url), {
    status,
    detail,
    traceId: request.traceId,
    path,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.fields ? { fields: options.fields } : {}),
  });
  return reply.code(status).type(rendered.contentType).send(rendered.body);
}
