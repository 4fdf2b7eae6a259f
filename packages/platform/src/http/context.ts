import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SalesUnit } from '../domain/sales-unit.js';
import type { ProblemTemplate } from '../problem.js';
import type { RenderedAnswer } from '../storage/ports.js';
import { problemInstance } from './apis.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Deviations from the spec this request got away with; sent back as `X-Betal-Lint` headers and logged. */
    lintNotices: string[];
    /** The sales unit the request's credentials belong to, once authenticated. */
    salesUnit?: SalesUnit;
    traceId: string;
  }
}

/** Name of the response header that carries lint notices (one header value per notice). */
export const LINT_HEADER = 'x-betal-lint';

/** At most this many notices, and this many bytes of them, go into the `x-betal-lint` header. */
export const LINT_HEADER_MAX = { notices: 20, bytes: 4096 } as const;

/**
 * The `x-betal-lint` values for a request's notices: printable ASCII, at most {@link LINT_HEADER_MAX} of them, the
 * last saying how many more there were. A WooCommerce receipt of many lines sends floats in every amount; a
 * response head past a client's limit (16 KiB in node) would fail the call, so the header stays small and the log
 * keeps every notice.
 */
export function lintHeaderValues(notices: readonly string[]): string[] {
  const values: string[] = [];
  let bytes = 0;
  for (const notice of notices) {
    const value = notice.replace(/[^\x20-\x7e]/g, '?').slice(0, 500);
    if (values.length === LINT_HEADER_MAX.notices - 1 && notices.length > LINT_HEADER_MAX.notices) break;
    if (bytes + value.length > LINT_HEADER_MAX.bytes) break;
    values.push(value);
    bytes += value.length;
  }
  const left = notices.length - values.length;
  if (left > 0) values.push(`... and ${left} more lint notice(s); the platform's log lists every one.`);
  return values;
}

/** The `instance` of a Problem: the path as the API's own server sees it (without the API's base segment). */
export function instanceOf(request: FastifyRequest): string {
  return problemInstance(request.url.split('?')[0] ?? request.url);
}

/** Sends a problem as `application/problem+json` with this request's instance and trace id. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  template: ProblemTemplate,
): FastifyReply {
  return reply
    .code(template.status)
    .type('application/problem+json; charset=utf-8')
    .send({ ...template, instance: instanceOf(request), traceId: request.traceId });
}

/** Sends a service's answer: a problem body (status ≥ 400) as a Problem, anything else as JSON. */
export function sendResult(
  request: FastifyRequest,
  reply: FastifyReply,
  response: RenderedAnswer,
): FastifyReply {
  if (response.status >= 400) return sendProblem(request, reply, response.body as ProblemTemplate);
  reply.code(response.status);
  if (response.body === undefined) return reply.send();
  return reply.type('application/json; charset=utf-8').send(response.body);
}
