import { UserinfoErrorSchema, UserinfoSchema, type UserinfoError } from '@betal/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FieldError } from '../domain/errors.js';
import { reasonPhrase } from '../problem.js';
import { AuthError, type AuthService } from '../services/auth.js';
import { UserinfoRefusal, type UserinfoService } from '../services/userinfo.js';
import { authenticate } from './http/auth.js';
import { strictRefusal } from './http/errors.js';
import { StrictLintError } from './http/wire.js';
import { checkSystemHeaders } from './http/headers.js';
import { JsonSyntaxError, JsonTooDeepError } from './http/json-body.js';

interface Deps {
  auth: AuthService;
  userinfo: UserinfoService;
}

/** The Userinfo API's content type (contract 5). */
const CONTENT_TYPE = 'application/json;charset=UTF-8';

/**
 * The Userinfo error body of contract 5: `{type, title, status, detail, instance}` with `status` as a string
 * (the spec types it so) and the request's trace id as `instance`.
 */
export function userinfoError(request: FastifyRequest, status: number, detail: string): UserinfoError {
  return {
    type: `https://httpstatuses.io/${status}`,
    title: reasonPhrase(status),
    status: String(status),
    detail,
    instance: request.traceId,
  };
}

function sendUserinfoError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  detail: string,
): FastifyReply {
  return reply
    .code(status)
    .type(CONTENT_TYPE)
    .send(userinfoError(request, status, detail));
}

/**
 * The Userinfo API (contract 5): `GET /vipps-userinfo-api/userinfo/{sub}` with a merchant's access token
 * (`Merchant-Serial-Number` and `Ocp-Apim-Subscription-Key` optional) answers the claims the user consented to share with that sales unit.
 * 404 for a sub this MSN has no consent under, 403 for a consent older than 168 hours, 401 for a bad token
 * (Userinfo error bodies); a bad subscription key gets the API gateway's 401 (with `status` a string, as every
 * Userinfo error has it).
 */
export async function userinfoRoutes(app: FastifyInstance, { auth, userinfo }: Deps): Promise<void> {
  const tags = ['Userinfo'];

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof UserinfoRefusal)
      return sendUserinfoError(request, reply, error.status, error.detail);
    if (error instanceof FieldError) return sendUserinfoError(request, reply, 400, error.reason);
    if (error instanceof AuthError && error.failure.kind === 'token') {
      return sendUserinfoError(request, reply, 401, error.failure.detail);
    }
    if (error instanceof AuthError && error.failure.kind === 'merchant') {
      return sendUserinfoError(request, reply, 403, error.failure.detail);
    }
    if (error instanceof AuthError && error.failure.kind === 'subscription-key') {
      // The gateway's 401 (`statusCode`, `message`), with the Userinfo fields and `status` a string.
      const detail = error.failure.detail;
      return reply
        .code(401)
        .type(CONTENT_TYPE)
        .send({ statusCode: 401, message: detail, ...userinfoError(request, 401, detail) });
    }
    if (error instanceof StrictLintError) {
      return sendUserinfoError(request, reply, 400, strictRefusal(error).detail);
    }
    if (error instanceof JsonSyntaxError || error instanceof JsonTooDeepError) {
      return sendUserinfoError(request, reply, 400, `The request body is not valid JSON: ${error.message}.`);
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendUserinfoError(request, reply, status, error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendUserinfoError(request, reply, 500, 'An internal error occurred.');
  });

  app.get<{ Params: { sub: string } }>(
    '/vipps-userinfo-api/userinfo/:sub',
    {
      schema: {
        tags,
        summary: 'Get the profile data a user consented to share (within 168 hours of the consent)',
        params: {
          type: 'object',
          properties: { sub: { type: 'string', description: 'The sub from GET payment (profile.sub).' } },
          required: ['sub'],
        },
        response: {
          200: UserinfoSchema,
          400: UserinfoErrorSchema,
          401: UserinfoErrorSchema,
          403: UserinfoErrorSchema,
          404: UserinfoErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const unit = await authenticate(auth, request, false, 'optional');
      checkSystemHeaders(request);
      const claims = await userinfo.get(unit.msn, request.params.sub);
      return reply.code(200).type(CONTENT_TYPE).send(claims);
    },
  );

  app.get(
    '/vipps-userinfo-api/userinfo/',
    { schema: { tags, summary: 'Userinfo of the Login API (not offered: it needs a user access token)' } },
    async (request, reply) =>
      sendUserinfoError(
        request,
        reply,
        401,
        "This endpoint serves the Login API and needs the user's access token, which this platform does not " +
          'issue. For profile sharing in payments use GET /vipps-userinfo-api/userinfo/{sub}.',
      ),
  );
}
