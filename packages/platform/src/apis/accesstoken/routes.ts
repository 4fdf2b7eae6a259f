import { AccessTokenErrorSchema, AccessTokenResponseSchema, HEADERS } from '@betal/contract';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import { AuthError, type AuthService } from './service.js';
import { headerValue as header } from '../../http/headers.js';

/**
 * `POST /accesstoken/get` (contract 2): credentials in the `client_id`, `client_secret` and
 * `Ocp-Apim-Subscription-Key` headers, the body ignored whatever its Content-Type. Wrong client credentials get
 * the Azure AD error shape; a bad subscription key the APIM 401.
 */
export async function accessTokenRoutes(
  app: FastifyInstance,
  deps: { auth: AuthService; clock: Clock },
): Promise<void> {
  // The endpoint ignores its body whatever it is (contract 2): in this plugin every body is read and dropped.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));

  app.post(
    '/accesstoken/get',
    {
      schema: {
        tags: ['Access Token'],
        summary: 'Get an access token',
        response: {
          200: AccessTokenResponseSchema,
          400: AccessTokenErrorSchema,
          401: AccessTokenErrorSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        const token = await deps.auth.issue(
          header(request, HEADERS.clientId),
          header(request, HEADERS.clientSecret),
          header(request, HEADERS.subscriptionKey),
        );
        return reply.code(200).type('application/json;charset=UTF-8').send(token);
      } catch (error) {
        if (error instanceof AuthError && error.failure.kind === 'client') {
          const f = error.failure;
          const stamp = new Date(deps.clock.now())
            .toISOString()
            .replace('T', ' ')
            .replace(/\.\d+Z$/, 'Z');
          return reply
            .code(f.error === 'invalid_request' ? 400 : 401)
            .type('application/json;charset=UTF-8')
            .send({
              error: f.error,
              error_description: `${f.detail}\r\nTrace ID: ${request.traceId}\r\nTimestamp: ${stamp}`,
              error_codes: [f.code],
              timestamp: stamp,
              trace_id: randomUUID(),
              correlation_id: randomUUID(),
            });
        }
        throw error;
      }
    },
  );
}
