import {
  AppRequestListsSchema,
  AppRequestSchema,
  ApproveRequestSchema,
  ConfirmLandingRequestSchema,
  EmptyRequestSchema,
  LandingViewSchema,
  OpenInAppRequestSchema,
  ProblemSchema,
  SignInRequestSchema,
  SignInResponseSchema,
  type ApproveRequest,
  type ConfirmLandingRequest,
  type OpenInAppRequest,
  type SignInRequest,
} from '@betal/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, SESSION_MS } from './access.js';
import { json, landingParams, phoneParams, problems, requestParams } from './api-replies.js';
import type { CustomerRouteDeps } from './routes.js';

/**
 * The app's JSON API under `/app/api`: what a person does in the pages, for automated tests (the requests of a
 * user's app, open, approve, reject, refuse consent, pay later; the landing page's view, confirm and cancel), with
 * sign-in and sign-out: outside dev mode a user's calls need their session (see CustomerAccess), checked in a
 * preHandler before the body is read by the route's schema (customer/routes.ts).
 */
export function appApiRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customer, access } = deps;
  const apiTags = ['Customer app API'];
  /** The preHandler of a user's calls: their session, the admin's token, or dev mode (AccessRefused 401/403). */
  const ownApp = async (request: FastifyRequest<{ Params: { phoneNumber: string } }>): Promise<void> =>
    access.requireApp(request, request.params.phoneNumber);

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/requests',
    {
      preHandler: ownApp,
      schema: {
        tags: apiTags,
        summary: "A user's payment requests: waiting in the app, postponed (Activities), and ended (history)",
        params: phoneParams,
        response: { 200: AppRequestListsSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.requests(request.params.phoneNumber)),
  );

  app.get<{ Params: { phoneNumber: string; id: string } }>(
    '/app/api/users/:phoneNumber/requests/:id',
    {
      preHandler: ownApp,
      schema: {
        tags: apiTags,
        summary: 'One payment request in the app',
        params: requestParams,
        response: { 200: AppRequestSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.request(request.params.phoneNumber, request.params.id)),
  );

  app.post<{ Params: { phoneNumber: string }; Body: OpenInAppRequest }>(
    '/app/api/users/:phoneNumber/open',
    {
      preHandler: ownApp,
      schema: {
        tags: apiTags,
        summary: 'Open a payment in the app (app switch, NATIVE_REDIRECT, QR scan): its landing step',
        params: phoneParams,
        body: OpenInAppRequestSchema,
        response: { 200: AppRequestSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.openInApp(request.params.phoneNumber, request.body.id)),
  );

  app.post<{ Params: { phoneNumber: string; id: string }; Body: ApproveRequest }>(
    '/app/api/users/:phoneNumber/requests/:id/approve',
    {
      preHandler: ownApp,
      schema: {
        tags: apiTags,
        summary:
          'Approve: AUTHORIZED. Give consent: true when the payment asks for profile data not shared yet, acceptTerms: true when it has merchantLegalLinks',
        params: requestParams,
        body: ApproveRequestSchema,
        response: { 200: AppRequestSchema, ...problems },
      },
    },
    (request, reply) =>
      json(reply, () => customer.approve(request.params.phoneNumber, request.params.id, request.body)),
  );

  const actions = [
    ['reject', 'Reject: ABORTED', (p: string, id: string) => customer.reject(p, id)],
    [
      'refuse-consent',
      'Refuse to share the profile data: the payment fails, ABORTED',
      (p: string, id: string) => customer.refuseConsent(p, id),
    ],
    [
      'pay-later',
      "I'll pay later (long-living payments): stays CREATED under Activities until expiresAt",
      (p: string, id: string) => customer.payLater(p, id),
    ],
  ] as const;
  for (const [action, summary, run] of actions) {
    app.post<{ Params: { phoneNumber: string; id: string } }>(
      `/app/api/users/:phoneNumber/requests/:id/${action}`,
      {
        preHandler: ownApp,
        schema: {
          tags: apiTags,
          summary,
          params: requestParams,
          body: EmptyRequestSchema,
          response: { 200: AppRequestSchema, ...problems },
        },
      },
      (request, reply) => json(reply, () => run(request.params.phoneNumber, request.params.id)),
    );
  }

  app.get<{ Params: { id: string } }>(
    '/app/api/landing/:id',
    {
      schema: {
        tags: apiTags,
        summary: "The landing page's view of a payment",
        params: landingParams,
        response: { 200: LandingViewSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.landing(request.params.id)),
  );

  app.post<{ Params: { id: string }; Body: ConfirmLandingRequest }>(
    '/app/api/landing/:id/confirm',
    {
      schema: {
        tags: apiTags,
        summary:
          "The landing step: confirm a phone number; the request goes to that user's app (5 minutes). 7010 for a number that cannot pay",
        params: landingParams,
        body: ConfirmLandingRequestSchema,
        response: { 200: LandingViewSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.confirmPhone(request.params.id, request.body.phoneNumber)),
  );

  app.post<{ Params: { id: string } }>(
    '/app/api/landing/:id/cancel',
    {
      schema: {
        tags: apiTags,
        summary: 'Cancel on the landing page: ABORTED',
        params: landingParams,
        body: EmptyRequestSchema,
        response: { 200: LandingViewSchema, ...problems },
      },
    },
    (request, reply) => json(reply, () => customer.cancelOnLanding(request.params.id)),
  );

  // Sign-in (production-like mode) -----------------------------------------------------------------------------

  app.post<{ Body: SignInRequest }>(
    '/app/api/sign-in',
    {
      schema: {
        tags: apiTags,
        summary:
          "Sign in to a test user's app with phone number and PIN: a session (HttpOnly cookie, and the same token for Authorization: Bearer)",
        body: SignInRequestSchema,
        response: {
          200: SignInResponseSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    (request, reply) =>
      json(reply, async () => {
        const session = await access.signIn(request.body.phoneNumber, request.body.pin);
        const secure = deps.publicBaseUrl().startsWith('https:') ? '; Secure' : '';
        reply.header(
          'set-cookie',
          `${SESSION_COOKIE}=${session.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure}`,
        );
        return {
          phoneNumber: session.phoneNumber,
          token: session.token,
          expiresAt: new Date(session.expiresAt).toISOString(),
        };
      }),
  );

  app.post(
    '/app/api/sign-out',
    {
      schema: {
        tags: apiTags,
        summary: 'Sign out: ends the session of the cookie or bearer token',
        response: { 204: { type: 'null', description: 'Signed out.' } },
      },
    },
    (request, reply) =>
      json(
        reply,
        async () => {
          access.signOut(request);
          reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
          return undefined;
        },
        204,
      ),
  );
}
