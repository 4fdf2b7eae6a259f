import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ExtraDetail } from '@betal/contract';
import type { ApiError, FieldFault } from '../kernel/errors.js';
import { reasonPhrase, type ProblemTemplate } from '../problem.js';

export type { FieldFault };

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

/** Where an error is answered: the request's trace id and path (without the query). */
export interface ErrorContext {
  /** The request's trace id (the `instance` of Order Management and Userinfo errors, `traceId` of Problems). */
  traceId: string;
  /** The request's path (without the query), for the Problem's `instance`. */
  path: string;
}

/** An error answer ready to send: its status, headers, content type and JSON body. */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
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

/** The ePayment Problem's `extraDetails`: as given, else the error code and the fields, else null. */
function extraDetailsOf(error: ApiError): ExtraDetail[] | null {
  if (error.extraDetails !== undefined) return error.extraDetails;
  const details = [
    ...(error.code !== undefined ? [{ name: 'ErrorCode', reason: error.code }] : []),
    ...named(error.fields),
  ];
  return details.length > 0 ? details : null;
}

/** APIM's own fields, which a gateway refusal (bad subscription key) carries in every API's shape. */
function gatewayFields(error: ApiError): Record<string, unknown> {
  return error.gateway ? { statusCode: error.status, message: error.detail } : {};
}

type Renderer = (error: ApiError, context: ErrorContext) => Omit<RenderedError, 'status' | 'headers'>;

/**
 * One renderer per API, putting an {@link ApiError} in that API's wire shape (contract 1, 3.9, 4, 5, 6):
 * - ePayment, Webhooks and the platform's own paths: Problem JSON `{type, title, status, detail, extraDetails,
 *   instance, traceId}` as `application/problem+json`;
 * - Order Management: `{type, title, detail, instance, invalidParams}` with the trace id as `instance`;
 * - Userinfo: `{type, title, status, detail, instance}` with `status` a string and the trace id as `instance`;
 * - Access Token: the gateway's `{statusCode, message}` (the endpoint's own errors are Azure AD's, see
 *   accesstoken.ts; this is for what never reaches it: an unknown path, a bad URL).
 */
const RENDERERS: Record<ApiName, Renderer> = {
  'order-management': (error, context) => {
    const kind = omKind(error.status);
    return {
      contentType: 'application/json; charset=utf-8',
      body: {
        ...gatewayFields(error),
        type: kind.type,
        title: kind.title,
        detail: error.detail ?? 'See invalidParams for further details.',
        instance: context.traceId,
        invalidParams: named(error.fields),
      },
    };
  },
  userinfo: (error, context) => ({
    contentType: 'application/json;charset=UTF-8',
    body: {
      ...gatewayFields(error),
      type: `https://httpstatuses.io/${error.status}`,
      title: phraseOf(error.status),
      status: String(error.status),
      detail: error.detail ?? error.fields[0]?.reason ?? '',
      instance: context.traceId,
    },
  }),
  accesstoken: (error) => ({
    contentType: 'application/json; charset=utf-8',
    body: { statusCode: error.status, message: error.detail ?? '' },
  }),
  epayment: problemRenderer,
  webhooks: problemRenderer,
  platform: problemRenderer,
};

/**
 * An error as the ePayment Problem without `instance` and `traceId`: what idempotency keeps, so that a replay
 * gets the same problem with its own trace id (http/context.ts sendProblem adds them).
 */
export function problemTemplate(error: ApiError): ProblemTemplate {
  return {
    type: `https://httpstatuses.io/${error.status}`,
    title: error.title ?? phraseOf(error.status),
    status: error.status,
    detail: error.detail ?? 'See extraDetails for further details',
    extraDetails: extraDetailsOf(error),
    ...gatewayFields(error),
  };
}

function problemRenderer(error: ApiError, context: ErrorContext): Omit<RenderedError, 'status' | 'headers'> {
  return {
    contentType: 'application/problem+json; charset=utf-8',
    body: { ...problemTemplate(error), instance: problemInstance(context.path), traceId: context.traceId },
  };
}

/** Puts an error in the shape of the API it belongs to ({@link RENDERERS}). */
export function renderApiError(api: ApiName, error: ApiError, context: ErrorContext): RenderedError {
  return { status: error.status, headers: error.headers, ...RENDERERS[api](error, context) };
}

/**
 * Sends an error in the shape of `api`, by default the API the request's path belongs to ({@link apiOfPath}).
 */
export function sendApiError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: ApiError,
  api: ApiName = apiOfPath(request.url),
): FastifyReply {
  const rendered = renderApiError(api, error, {
    traceId: request.traceId,
    path: request.url.split('?')[0] ?? request.url,
  });
  for (const [name, value] of Object.entries(rendered.headers)) reply.header(name, value);
  return reply.code(rendered.status).type(rendered.contentType).send(rendered.body);
}
