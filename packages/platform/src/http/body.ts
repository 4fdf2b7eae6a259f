import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from '../kernel/errors.js';
import { readBody, type UnknownFields } from './validate.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes no body as well as a valid one (cancel, force approve): only a body sent is read. */
    bodyOptional?: boolean;
  }
}

/**
 * How a request without a body is read: `missing` (the Vipps APIs: a missing body breaks the schema), or `empty`
 * (the customer's JSON APIs: as `{}`, so that each required field is named).
 */
export type AbsentBody = 'missing' | 'empty';

/**
 * Reads a request's body by its route's schema, as a `preHandler` hook: the lossless parse is normalized to the
 * schema's types with lint notices (http/validate.ts), then checked with ajv; the normalized value replaces
 * `request.body`. A body that breaks the schema is ApiError 400 naming each field. `absent`: how a request
 * without a body is read ({@link AbsentBody}).
 */
export function bodyHook(schema: TSchema, unknownFields: UnknownFields, absent: AbsentBody = 'missing') {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.body === undefined && request.routeOptions.config.bodyOptional) return;
    const raw = request.body === undefined && absent === 'empty' ? {} : request.body;
    const read = readBody(schema, raw, request.lintNotices, unknownFields);
    if (!read.ok) throw ApiError.validation(read.details);
    request.body = read.value;
  };
}

/**
 * Makes every route of this plugin that has a body schema read its body with {@link bodyHook}, as the last of
 * its `preHandler` hooks (so that what a route checks first, headers or path, is still checked first).
 * `unknownFields`: `ignore` for the Vipps APIs (their specs allow more fields), `refuse` for the platform's own;
 * `absent`: see {@link AbsentBody}.
 */
export function readBodiesBySchema(
  app: FastifyInstance,
  unknownFields: UnknownFields,
  absent: AbsentBody = 'missing',
): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema?.body as TSchema | undefined;
    if (schema === undefined) return;
    const own = route.preHandler === undefined ? [] : [route.preHandler].flat();
    route.preHandler = [...own, bodyHook(schema, unknownFields, absent)];
  });
}
