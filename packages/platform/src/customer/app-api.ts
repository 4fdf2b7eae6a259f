import { ProblemSchema } from '@betal/contract';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, SESSION_MS } from './access.js';
import { body, json, landingParams, phoneParams, problems, requestParams } from './api-replies.js';
import type { CustomerRouteDeps } from './routes.js';

const ApproveSchema = Type.Object(
  {
    consent: Type.Optional(
      Type.Boolean({
        description: 'Consent to share the profile scopes the payment asks for (contract 3.13).',
      }),
    ),
    acceptTerms: Type.Optional(
      Type.Boolean({
        description:
          "Accept the merchant's terms of sale and privacy policy (needed when the payment has merchantLegalLinks).",
      }),
    ),
  },
  { additionalProperties: false },
);
const EmptySchema = Type.Object({}, { additionalProperties: false });
const OpenSchema = Type.Object(
  { id: Type.String({ minLength: 1, description: "The payment's token, from its redirectUrl." }) },
  { additionalProperties: false },
);
const ConfirmSchema = Type.Object(
  {
    phoneNumber: Type.String({
      pattern: '^\\d{10,15}$',
      description: 'The number typed on the landing page.',
    }),
  },
  { additionalProperties: false },
);

const RequestViewSchema = Type.Object(
  {
    id: Type.String(),
    merchant: Type.Object({
      msn: Type.String(),
      name: Type.String(),
      market: Type.String(),
      brand: Type.String(),
    }),
    reference: Type.String(),
    amount: Type.Object({ currency: Type.String(), value: Type.Integer({ description: 'Minor units.' }) }),
    state: Type.String(),
    stage: Type.String({ description: 'LANDING, IN_APP, POSTPONED, or the final state.' }),
    expiresAt: Type.String(),
    secondsLeft: Type.Integer(),
  },
  { additionalProperties: true, description: 'A payment request as the app shows it (see the README).' },
);
const RequestListsSchema = Type.Object({
  requests: Type.Array(RequestViewSchema),
  activities: Type.Array(RequestViewSchema),
  history: Type.Array(RequestViewSchema),
});
const SignInSchema = Type.Object(
  {
    phoneNumber: Type.String({ pattern: '^\\d{10,15}$', description: "The test user's phone number." }),
    pin: Type.String({ pattern: '^\\d{4,8}$', description: "The test user's PIN: 4 to 8 digits." }),
  },
  { additionalProperties: false },
);

/**
 * The app's JSON API under `/app/api`: what a person does in the pages, for automated tests (the requests of a
 * user's app, open, approve, reject, refuse consent, pay later; the landing page's view, confirm and cancel), with
 * sign-in and sign-out: outside dev mode a user's calls need their session (see CustomerAccess).
 */
export function appApiRoutes(app: FastifyInstance, deps: CustomerRouteDeps): void {
  const { customer, access } = deps;
  const apiTags = ['Customer app API'];

  app.get<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/requests',
    {
      schema: {
        tags: apiTags,
        summary: "A user's payment requests: waiting in the app, postponed (Activities), and ended (history)",
        params: phoneParams,
        response: { 200: RequestListsSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.requests(request.params.phoneNumber);
      }),
  );

  app.get<{ Params: { phoneNumber: string; id: string } }>(
    '/app/api/users/:phoneNumber/requests/:id',
    {
      schema: {
        tags: apiTags,
        summary: 'One payment request in the app',
        params: requestParams,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.request(request.params.phoneNumber, request.params.id);
      }),
  );

  app.post<{ Params: { phoneNumber: string } }>(
    '/app/api/users/:phoneNumber/open',
    {
      schema: {
        tags: apiTags,
        summary: 'Open a payment in the app (app switch, NATIVE_REDIRECT, QR scan): its landing step',
        params: phoneParams,
        body: OpenSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.openInApp(request.params.phoneNumber, body<{ id: string }>(request, OpenSchema).id);
      }),
  );

  app.post<{ Params: { phoneNumber: string; id: string } }>(
    '/app/api/users/:phoneNumber/requests/:id/approve',
    {
      schema: {
        tags: apiTags,
        summary:
          'Approve: AUTHORIZED. Give consent: true when the payment asks for profile data not shared yet, acceptTerms: true when it has merchantLegalLinks',
        params: requestParams,
        body: ApproveSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        access.requireApp(request, request.params.phoneNumber);
        return customer.approve(
          request.params.phoneNumber,
          request.params.id,
          body<{ consent?: boolean; acceptTerms?: boolean }>(request, ApproveSchema),
        );
      }),
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
        schema: {
          tags: apiTags,
          summary,
          params: requestParams,
          body: EmptySchema,
          response: { 200: RequestViewSchema, ...problems },
        },
      },
      (request, reply) =>
        json(request, reply, async () => {
          access.requireApp(request, request.params.phoneNumber);
          body(request, EmptySchema);
          return run(request.params.phoneNumber, request.params.id);
        }),
    );
  }

  app.get<{ Params: { id: string } }>(
    '/app/api/landing/:id',
    {
      schema: {
        tags: apiTags,
        summary: "The landing page's view of a payment",
        params: landingParams,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) => json(request, reply, () => customer.landing(request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/app/api/landing/:id/confirm',
    {
      schema: {
        tags: apiTags,
        summary:
          "The landing step: confirm a phone number; the request goes to that user's app (5 minutes). 7010 for a number that cannot pay",
        params: landingParams,
        body: ConfirmSchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () =>
        customer.confirmPhone(
          request.params.id,
          body<{ phoneNumber: string }>(request, ConfirmSchema).phoneNumber,
        ),
      ),
  );

  app.post<{ Params: { id: string } }>(
    '/app/api/landing/:id/cancel',
    {
      schema: {
        tags: apiTags,
        summary: 'Cancel on the landing page: ABORTED',
        params: landingParams,
        body: EmptySchema,
        response: { 200: RequestViewSchema, ...problems },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        body(request, EmptySchema);
        return customer.cancelOnLanding(request.params.id);
      }),
  );

  // Sign-in (production-like mode) -----------------------------------------------------------------------------

  app.post(
    '/app/api/sign-in',
    {
      schema: {
        tags: apiTags,
        summary:
          "Sign in to a test user's app with phone number and PIN: a session (HttpOnly cookie, and the same token for Authorization: Bearer)",
        body: SignInSchema,
        response: {
          200: Type.Object({
            phoneNumber: Type.String(),
            token: Type.String({ description: 'The session token: send it as Authorization: Bearer.' }),
            expiresAt: Type.String(),
          }),
          400: ProblemSchema,
          401: ProblemSchema,
          429: ProblemSchema,
        },
      },
    },
    (request, reply) =>
      json(request, reply, async () => {
        const input = body<{ phoneNumber: string; pin: string }>(request, SignInSchema);
        const session = await access.signIn(input.phoneNumber, input.pin);
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
        request,
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
