import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The `Idempotency-Key` header, once {@link requireIdempotencyKey} has read it. */
    idempotencyKey?: string;
  }
}
import { FieldError } from '../../domain/errors.js';

const SYSTEM_HEADERS = [
  ['vipps-system-name', 'Vipps-System-Name'],
  ['vipps-system-version', 'Vipps-System-Version'],
  ['vipps-system-plugin-name', 'Vipps-System-Plugin-Name'],
  ['vipps-system-plugin-version', 'Vipps-System-Plugin-Version'],
] as const;

function one(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The `Idempotency-Key` header: at most 50 characters; required where `required` (create, capture, refund).
 * Throws FieldError naming the header. Source: contract 1 and 3.8.
 */
export function idempotencyKey(request: FastifyRequest, required: true): string;
export function idempotencyKey(request: FastifyRequest, required: false): string | undefined;
export function idempotencyKey(request: FastifyRequest, required: boolean): string | undefined {
  const key = one(request, 'idempotency-key');
  if (key === undefined || key === '') {
    if (required) throw new FieldError('Idempotency-Key', 'The Idempotency-Key header is required.');
    return undefined;
  }
  if (key.length > 50) {
    throw new FieldError('Idempotency-Key', 'The Idempotency-Key header must be at most 50 characters.');
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
  for (const [name, display] of SYSTEM_HEADERS) {
    const value = one(request, name);
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
