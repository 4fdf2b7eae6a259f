import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CustomerFlowError } from '../domain/customer-flow.js';
import { DomainError, FieldError } from '../domain/errors.js';
import { ApiError } from '../kernel/errors.js';
import { AuthError } from '../apis/accesstoken/service.js';
import { isStoreBusy, isStoreUnavailable } from '../storage/busy.js';
import { apiOfPath, sendApiError, type ApiName } from './apis.js';
import { JsonSyntaxError, JsonTooDeepError } from './json-body.js';
import { StrictLintError } from './wire.js';

/**
 * Any error as an {@link ApiError}: the domain's refusals (DomainError with its code, FieldError, the customer's
 * CustomerFlowError), the credentials' AuthError, the body's JSON and strict-mode errors, a locked store (503
 * with Retry-After), Fastify's own 4xx; anything else is logged and becomes the 500 (ePayment code 3010).
 */
export function toApiError(error: unknown, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  // The database is locked by another process (issue #10): 503 with Retry-After, nothing written.
  if (isStoreBusy(error)) {
    return new ApiError(
      503,
      'The platform database is locked by another process; nothing was written. Retry the same request (with the same Idempotency-Key) after the Retry-After seconds.',
      { title: 'Service Unavailable', headers: { 'retry-after': '1' } },
    );
  }
  // The database cannot be reached (restarted, connections cut; issue #12): 503 with Retry-After, never a 500.
  if (isStoreUnavailable(error)) {
    request.log.warn({ err: error }, 'the database cannot be reached');
    return new ApiError(
      503,
      'The platform database cannot be reached right now. Retry the same request (with the same Idempotency-Key) after the Retry-After seconds.',
      { title: 'Service Unavailable', headers: { 'retry-after': '1' } },
    );
  }
  if (error instanceof DomainError) {
    // A refusal about one field (Express `shipping`) names it beside the code.
    return new ApiError(error.status, error.detail, {
      title: error.title,
      code: String(error.code),
      ...(error.field !== undefined ? { fields: [{ name: error.field, reason: error.detail }] } : {}),
    });
  }
  if (error instanceof FieldError) return ApiError.validation([{ name: error.field, reason: error.reason }]);
  if (error instanceof CustomerFlowError) {
    return new ApiError(error.status, error.detail, {
      title: error.title,
      extraDetails: [{ name: 'CustomerError', reason: error.reason }],
    });
  }
  if (error instanceof StrictLintError) {
    return new ApiError(400, `Strict mode: ${error.notice}`, {
      fields: [{ name: error.field, reason: error.notice }],
    });
  }
  if (error instanceof JsonTooDeepError) {
    return new ApiError(400, `The request body nests too deeply: ${error.message}.`, {
      fields: [{ name: '$', reason: error.message }],
    });
  }
  if (error instanceof JsonSyntaxError) {
    return new ApiError(400, `The request body is not valid JSON: ${error.message}.`, {
      fields: [{ name: '$', reason: error.message }],
    });
  }
  if (error instanceof AuthError) {
    const f = error.failure;
    if (f.kind === 'subscription-key') return new ApiError(401, f.detail, { gateway: true });
    return new ApiError(f.kind === 'merchant' ? 403 : 401, f.detail);
  }
  const code = (error as FastifyError).code;
  const status = (error as FastifyError).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError(413, 'The request body is larger than this API accepts.');
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError(415, 'The request body must be application/json.');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError(status, (error as Error).message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return new ApiError(500, 'An internal error occurred.', { title: 'Internal error', code: '3010' });
}

/**
 * The one error handler, for a plugin whose errors answer in the shape of `api` (Order Management, Userinfo), or
 * by default in the Problem shape, strict-mode refusals in the shape of the API the path names.
 */
export function apiErrorHandler(api?: ApiName) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply =>
    sendApiError(
      request,
      reply,
      toApiError(error, request),
      api ?? (error instanceof StrictLintError ? apiOfPath(request.url) : 'platform'),
    );
}

/**
 * Adds the error and not-found handlers: no request ever gets a bare 500 or an HTML page. An unknown path is a
 * 404 in the error shape of the API its prefix names (http/apis.ts).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendApiError(
      request,
      reply,
      new ApiError(404, `No resource at ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );
  app.setErrorHandler(apiErrorHandler());
}
