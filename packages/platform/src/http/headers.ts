import { HEADERS, IDEMPOTENCY_KEY_MAX_LENGTH, SYSTEM_HEADERS } from '@betal/contract';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The `Idempotency-Key` header, once {@link requireIdempotencyKey} has read it. */
    idempotencyKey?: string;
  }
}
import { FieldError } from '../domain/errors.js';

const IDEMPOTENCY_KEY = HEADERS.idempotencyKey;

/** The first value of a request header, by its name in any case (`Merchant-Serial-Number` as the specs write it). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The `Idempotency-Key` header: at most 50 characters; required where `required` (create, capture, refund).
 * Throws FieldError naming the header. Source: contract 1 and 3.8.
 */
export function idempotencyKey(request: FastifyRequest, required: true): string;
export function idempotencyKey(request: FastifyRequest, required: false): string | undefined;
export function idempotencyKey(request: FastifyRequest, required: boolean): string | undefined {
  const key = headerValue(request, IDEMPOTENCY_KEY);
  if (key === undefined || key === '') {
    if (required) throw new FieldError(IDEMPOTENCY_KEY, `The ${IDEMPOTENCY_KEY} header is required.`);
    return undefined;
  }
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new FieldError(
      IDEMPOTENCY_KEY,
      `The ${IDEMPOTENCY_KEY} header must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`,
    );
  }
  return key;
}

/**
 * The `Vipps-System-*` headers are optional, at most `max` characters each by the spec (30 on ePayment, Webhooks and
 * Userinfo, 100 on Order Management). The live documentation asks only for "reasonably short" values and these
 * headers identify the caller's system, so a longer one is accepted with a lint notice naming it (strict mode
 * refuses it with 400). Contract 1; developer.vippsmobilepay.com knowledge-base/http-headers.
 */
export function checkSystemHeaders(request: FastifyRequest, max = 30): void {
  for (const display of SYSTEM_HEADERS) {
    const value = headerValue(request, display);
    if (value !== undefined && value.length > max) {
      request.lintNotices.push(
        `${display} is ${value.length} characters long; the spec allows at most ${max}.`,
      );
    }
  }
}

/** Reads the `Idempotency-Key` header onto `request.idempotencyKey` as a `preHandler` hook (see idempotencyKey). */
export function requireIdempotencyKey(required: boolean) {
  return async (request: FastifyRequest): Promise<void> => {
    const key = required ? idempotencyKey(request, true) : idempotencyKey(request, false);
    if (key !== undefined) request.idempotencyKey = key;
  };
}

/** The key {@link requireIdempotencyKey}(true) read; a route without that hook has none (a bug: 500). */
export function keyOf(request: FastifyRequest): string {
  if (request.idempotencyKey === undefined) throw new Error('the route reads no Idempotency-Key');
  return request.idempotencyKey;
}
