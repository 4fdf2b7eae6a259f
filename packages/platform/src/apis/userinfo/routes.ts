import { UserinfoErrorSchema, UserinfoSchema } from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../kernel/errors.js';
import type { AuthService } from '../accesstoken/service.js';
import type { UserinfoService } from './service.js';
import { authHook, salesUnitOf } from '../../http/auth.js';
import { apiErrorHandler } from '../../http/errors.js';

interface Deps {
  auth: AuthService;
  userinfo: UserinfoService;
}

/** The Userinfo API's content type (contract 5). */
const CONTENT_TYPE = 'application/json;charset=UTF-8';

/**
 * The Userinfo API (contract 5): `GET /vipps-userinfo-api/userinfo/{sub}` with a merchant's access token
 * (`Merchant-Serial-Number` and `Ocp-Apim-Subscription-Key` optional) answers the claims the user consented to share with that sales unit.
 * 404 for a sub this MSN has no consent under, 403 for a consent older than 168 hours, 401 for a bad token
 * (Userinfo error bodies); a bad subscription key gets the API gateway's 401 (with `status` a string, as every
 * Userinfo error has it).
 */
export async function userinfoRoutes(app: FastifyInstance, { auth, userinfo }: Deps): Promise<void> {
  const tags = ['Userinfo'];

  app.setErrorHandler(apiErrorHandler('userinfo'));

  app.get<{ Params: { sub: string } }>(
    '/vipps-userinfo-api/userinfo/:sub',
    {
      preValidation: authHook(auth, { msnRequired: false, subscriptionKey: 'optional', systemHeaders: 30 }),
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
      const unit = salesUnitOf(request);
      const claims = await userinfo.get(unit.msn, request.params.sub);
      return reply.code(200).type(CONTENT_TYPE).send(claims);
    },
  );

  app.get(
    '/vipps-userinfo-api/userinfo/',
    { schema: { tags, summary: 'Userinfo of the Login API (not offered: it needs a user access token)' } },
    async () => {
      throw new ApiError(
        401,
        "This endpoint serves the Login API and needs the user's access token, which this platform does not " +
          'issue. For profile sharing in payments use GET /vipps-userinfo-api/userinfo/{sub}.',
      );
    },
  );
}
