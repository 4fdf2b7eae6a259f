import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SalesUnit } from '../../domain/sales-unit.js';
import type { ProblemTemplate } from '../../problem.js';
import type { RenderedAnswer } from '../../storage/ports.js';

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

/** The `instance` of a Problem: the path as the API's own server sees it (without the API's base segment). */
export function instanceOf(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? request.url;
  return path.replace(/^\/(epayment|webhooks)(?=\/v1\/)/, '');
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
