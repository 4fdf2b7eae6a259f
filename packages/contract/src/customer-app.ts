import { Type, type Static } from '@sinclair/typebox';
import { PHONE_NUMBER_PATTERN } from './common.js';
import { MerchantLegalLinksSchema } from './epayment.js';
import { Nullable, StringEnum } from './schema-helpers.js';

/**
 * Betal's own API, not Vipps': the JSON API of the simulated customer's app and landing page under `/app/api`
 * (README "The app's JSON API"). What a person does in the pages, for automated tests: confirm a number on the
 * landing page, open a payment in a test user's app, list their requests, approve, reject, refuse consent, pay
 * later, sign in and out. A request's `id` is the payment's token (the `token` of its redirectUrl). Refusals are
 * Problem JSON (ProblemSchema) with `extraDetails: [{name: 'CustomerError', reason}]` (CUSTOMER_ERROR_REASONS)
 * or the ePayment `ErrorCode` (7010, 10010).
 */

/** A test user's PIN for signing in to the app outside dev mode: 4 to 8 digits. */
export const PIN_PATTERN = '^\\d{4,8}$';

/** Where a payment stands on the customer's side: before the landing step, in the app, postponed, or ended. */
export const CUSTOMER_STAGES = [
  'LANDING',
  'IN_APP',
  'POSTPONED',
  'AUTHORIZED',
  'ABORTED',
  'EXPIRED',
  'TERMINATED',
] as const;
export type CustomerStage = (typeof CUSTOMER_STAGES)[number];

/** The `reason` of a refusal's `CustomerError` extra detail (README "The app's JSON API", "Threat model"). */
export const CUSTOMER_ERROR_REASONS = [
  'UNKNOWN_PAYMENT',
  'UNKNOWN_USER',
  'PAYMENT_ENDED',
  'NO_LANDING_STEP',
  'NOT_IN_THIS_APP',
  'NOT_LONG_LIVING',
  'CONSENT_REQUIRED',
  'TERMS_NOT_ACCEPTED',
  'NO_SCOPES_TO_CONSENT',
  'APP_NOT_INSTALLED',
  'CANNOT_PAY_BUSINESSES',
  'UNDER_15',
  'UNDER_MINIMUM_AGE',
  'SIGN_IN_REQUIRED',
  'SIGN_IN_FAILED',
  'SIGN_IN_LOCKED',
  'NOT_YOUR_APP',
  'ADMIN_ONLY',
] as const;
export type CustomerErrorReason = (typeof CUSTOMER_ERROR_REASONS)[number];

/** Body of `POST /app/api/landing/{id}/confirm`: the number typed on the landing page. */
export const ConfirmLandingRequestSchema = Type.Object(
  {
    phoneNumber: Type.String({
      pattern: PHONE_NUMBER_PATTERN,
      description: 'The number typed on the landing page.',
    }),
  },
  { additionalProperties: false },
);
export type ConfirmLandingRequest = Static<typeof ConfirmLandingRequestSchema>;

/** Body of `POST /app/api/users/{phoneNumber}/open`: the payment to open (app switch, QR scan). */
export const OpenInAppRequestSchema = Type.Object(
  { id: Type.String({ minLength: 1, description: "The payment's token, from its redirectUrl." }) },
  { additionalProperties: false },
);
export type OpenInAppRequest = Static<typeof OpenInAppRequestSchema>;

/** Body of `POST /app/api/users/{phoneNumber}/requests/{id}/approve`. */
export const ApproveRequestSchema = Type.Object(
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
export type ApproveRequest = Static<typeof ApproveRequestSchema>;

/** Body of the calls that take none: landing cancel, reject, refuse-consent, pay-later (`{}` or no body). */
export const EmptyRequestSchema = Type.Object({}, { additionalProperties: false });

/** Body of `POST /app/api/sign-in`. */
export const SignInRequestSchema = Type.Object(
  {
    phoneNumber: Type.String({ pattern: PHONE_NUMBER_PATTERN, description: "The test user's phone number." }),
    pin: Type.String({ pattern: PIN_PATTERN, description: "The test user's PIN: 4 to 8 digits." }),
  },
  { additionalProperties: false },
);
export type SignInRequest = Static<typeof SignInRequestSchema>;

/** Answer 200 of `POST /app/api/sign-in` (the session cookie is set too). */
export const SignInResponseSchema = Type.Object({
  phoneNumber: Type.String(),
  token: Type.String({ description: 'The session token: send it as Authorization: Bearer.' }),
  expiresAt: Type.String(),
});
export type SignInResponse = Static<typeof SignInResponseSchema>;

/**
 * A payment request as the app and the landing page show it. Amounts are minor units; times ISO 8601. Open to
 * more fields (`receipt`, `orderDetails`, ...), which the platform may add.
 */
export const AppRequestSchema = Type.Object(
  {
    id: Type.String({ description: "The request's id in the app: the payment's token." }),
    merchant: Type.Object({
      msn: Type.String(),
      name: Type.String(),
      market: Type.String(),
      brand: Type.String(),
    }),
    reference: Type.String(),
    amount: Type.Object({ currency: Type.String(), value: Type.Integer({ description: 'Minor units.' }) }),
    description: Type.Optional(Type.String()),
    state: Type.String({ description: 'The payment state (contract 3.6).' }),
    stage: StringEnum(CUSTOMER_STAGES, { description: 'LANDING, IN_APP, POSTPONED, or the final state.' }),
    userFlow: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String({
      description:
        'When the payment last changed: its latest event or the pay-later choice (ISO 8601, platform clock). The history is ordered by it.',
    }),
    expiresAt: Type.String(),
    secondsLeft: Type.Integer(),
    longLiving: Type.Boolean({ description: 'A long-living payment (expiresAt): it can be paid later.' }),
    receiptUrl: Type.Optional(Type.String()),
    consent: Nullable(
      Type.Object({ requested: Type.Array(Type.String()), missing: Type.Array(Type.String()) }),
    ),
    legalLinks: Type.Optional(MerchantLegalLinksSchema),
    refusal: Type.Optional(Type.Object({ reason: Type.String(), minimumAge: Type.Optional(Type.Integer()) })),
    returnUrl: Type.Optional(Type.String()),
    holder: Type.Optional(Type.Object({ phoneNumber: Type.String(), via: Type.String() })),
    postponedAt: Type.Optional(Type.String()),
    endedBy: Type.Optional(StringEnum(['REJECTED', 'CONSENT_REFUSED'] as const)),
    authorizedBy: Type.Optional(Type.String()),
    aggregate: Type.Object({
      authorized: Type.Integer(),
      captured: Type.Integer(),
      refunded: Type.Integer(),
      cancelled: Type.Integer(),
    }),
  },
  { additionalProperties: true, description: 'A payment request as the app shows it (see the README).' },
);
export type AppRequest = Static<typeof AppRequestSchema>;

/** Answer 200 of `GET /app/api/users/{phoneNumber}/requests`: waiting in the app, Activities, history. */
export const AppRequestListsSchema = Type.Object({
  requests: Type.Array(AppRequestSchema),
  activities: Type.Array(AppRequestSchema),
  history: Type.Array(AppRequestSchema),
});
export type AppRequestLists = Static<typeof AppRequestListsSchema>;

/** Answer 200 of the landing calls: the request, the number to pre-fill and the platform clock now. */
export const LandingViewSchema = Type.Intersect(
  [
    AppRequestSchema,
    Type.Object({
      prefillPhoneNumber: Type.Optional(Type.String()),
      now: Type.String({ description: 'The platform clock now (ISO 8601).' }),
    }),
  ],
  { description: "The landing page's view of a payment." },
);
export type LandingView = Static<typeof LandingViewSchema>;
