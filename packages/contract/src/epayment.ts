import { Type, type Static } from '@sinclair/typebox';
import { AmountSchema, IDEMPOTENCY_KEY_MAX_LENGTH, PhoneNumberSchema } from './common.js';
import { ReceiptSchema } from './receipt.js';
import { Nullable, StringEnum } from './schema-helpers.js';

/** Source of every schema here: contract 3 and `specs/epayment.v1.yaml` (ePayment 1.7.0). */

export const REFERENCE_PATTERN = '^[a-zA-Z0-9-]{8,64}$';
/** The merchant's id of a payment: 8-64 letters, digits and hyphens, unique per MSN. Contract 3.2. */
export const ReferenceSchema = Type.String({
  pattern: REFERENCE_PATTERN,
  minLength: 8,
  maxLength: 64,
  examples: ['acme-shop-123-order123abc'],
});

export const USER_FLOWS = ['PUSH_MESSAGE', 'NATIVE_REDIRECT', 'WEB_REDIRECT', 'QR'] as const;
export type UserFlow = (typeof USER_FLOWS)[number];

export const PAYMENT_METHOD_TYPES = ['WALLET', 'CARD'] as const;
export type PaymentMethodType = (typeof PAYMENT_METHOD_TYPES)[number];

export const PAYMENT_STATES = ['CREATED', 'ABORTED', 'EXPIRED', 'AUTHORIZED', 'TERMINATED'] as const;
/** The five states of contract 3.6. There is no CAPTURED state. */
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const PAYMENT_EVENT_NAMES = [
  'CREATED',
  'ABORTED',
  'EXPIRED',
  'CANCELLED',
  'CAPTURED',
  'REFUNDED',
  'AUTHORIZED',
  'TERMINATED',
] as const;
/** Names in the event log (contract 3.7) and the `name` of a webhook payload (contract 4.3). */
export type PaymentEventName = (typeof PAYMENT_EVENT_NAMES)[number];

export const QR_FORMATS = ['TEXT/TARGETURL', 'IMAGE/SVG+XML', 'IMAGE/PNG'] as const;
export type QrFormat = (typeof QR_FORMATS)[number];

export const PROFILE_SCOPES = ['name', 'address', 'email', 'phoneNumber', 'birthDate', 'nin'] as const;

/** Whether the customer is at the point of sale (`customerInteraction` of create; contract 3.2). */
export const CUSTOMER_INTERACTIONS = ['CUSTOMER_PRESENT', 'CUSTOMER_NOT_PRESENT'] as const;
export type CustomerInteraction = (typeof CUSTOMER_INTERACTIONS)[number];

/**
 * The customer: exactly one of `phoneNumber` (MSISDN, 10-15 digits), `personalQr` (5-255 characters) or
 * `customerToken`. The spec's `oneOf` matches any object, so "exactly one" is checked as a rule. Contract 3.2.
 */
const CustomerSchema = Type.Object(
  {
    phoneNumber: Type.Optional(PhoneNumberSchema),
    personalQr: Type.Optional(Type.String({ minLength: 5, maxLength: 255 })),
    customerToken: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type Customer = Static<typeof CustomerSchema>;

const PaymentMethodSchema = Type.Object(
  {
    type: StringEnum(PAYMENT_METHOD_TYPES),
    blockedSources: Type.Optional(Type.Array(StringEnum(['COMMERCIAL_CARDS'] as const))),
  },
  { additionalProperties: false },
);

const EXPIRES_AT_PATTERN =
  '^((?:(\\d{4}-\\d{2}-\\d{2})(T|t)(\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?))(Z|z|([+-](?:2[0-3]|[01][0-9]):[0-5][0-9])))$';

const AirlineDataSchema = Type.Object(
  {
    agencyInvoiceNumber: Type.String({ minLength: 1, maxLength: 6 }),
    airlineCode: Type.String({ minLength: 3, maxLength: 3 }),
    airlineDesignatorCode: Type.String({ minLength: 2, maxLength: 2 }),
    passengerName: Type.String({ minLength: 1, maxLength: 49 }),
    ticketNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 150 })),
  },
  { additionalProperties: false },
);

/**
 * Metadata: string to string, at most 5 pairs, key ≤ 100 and value ≤ 500 characters. The limits are checked as
 * domain rules (codes 4100-4130), not by the schema, so that they get their own codes.
 */
const MetadataSchema = Type.Record(Type.String(), Type.String());

/**
 * The merchant's legal links (October 2026, "Merchant terms"; not in `specs/epayment.v1.yaml`): the URLs of the
 * terms of sale and of the privacy policy, which the app shows on an acceptance screen before the payment. Both
 * are required when the object is given; each must be an absolute `https` URL (checked as a domain rule, 4090,
 * so that dev mode can accept `http` with a lint notice as it does for returnUrl).
 */
export const MerchantLegalLinksSchema = Type.Object(
  {
    termsOfSaleUrl: Type.String({ minLength: 1, maxLength: 2048 }),
    privacyPolicyUrl: Type.String({ minLength: 1, maxLength: 2048 }),
  },
  { additionalProperties: false },
);
export type MerchantLegalLinks = Static<typeof MerchantLegalLinksSchema>;

/**
 * Body of `POST /epayment/v1/payments`. Required: amount, paymentMethod, reference, userFlow. The conditional
 * rules (PUSH_MESSAGE needs customer, WEB_REDIRECT needs returnUrl, expiresAt only with PUSH_MESSAGE or QR and a
 * receipt, ...) are domain rules. `shipping` (Express) is accepted by shape and refused with a 400 (code 5020)
 * whose detail names the field and says Express is not supported yet. `merchantLegalLinks` is October 2026.
 * Contract 3.2.
 */
export const CreatePaymentRequestSchema = Type.Object(
  {
    amount: AmountSchema,
    customer: Type.Optional(CustomerSchema),
    minimumUserAge: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100, examples: [18] }))),
    customerInteraction: Type.Optional(StringEnum(CUSTOMER_INTERACTIONS)),
    industryData: Type.Optional(
      Type.Object({ airlineData: Type.Optional(AirlineDataSchema) }, { additionalProperties: false }),
    ),
    paymentMethod: PaymentMethodSchema,
    profile: Type.Optional(
      Type.Object({ scope: Type.Optional(Type.String()) }, { additionalProperties: false }),
    ),
    reference: ReferenceSchema,
    returnUrl: Type.Optional(
      Type.String({
        maxLength: 2048,
        examples: ['https://example.com/redirect?orderId=acme-shop-123-order123abc'],
      }),
    ),
    userFlow: StringEnum(USER_FLOWS, { examples: ['WEB_REDIRECT'] }),
    expiresAt: Type.Optional(Nullable(Type.String({ pattern: EXPIRES_AT_PATTERN }))),
    qrFormat: Type.Optional(
      Nullable(
        Type.Object(
          {
            format: StringEnum(QR_FORMATS),
            size: Type.Optional(Nullable(Type.Integer({ minimum: 100, maximum: 2000, examples: [1024] }))),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    paymentDescription: Type.Optional(
      Type.String({ minLength: 3, maxLength: 100, examples: ['One pair of socks'] }),
    ),
    receipt: Type.Optional(ReceiptSchema),
    metadata: Type.Optional(Nullable(MetadataSchema)),
    receiptUrl: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
    merchantLegalLinks: Type.Optional(MerchantLegalLinksSchema),
    shipping: Type.Optional(
      Type.Unknown({ description: 'Express checkout; not supported on this platform yet (400, 5020).' }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePaymentRequest = Static<typeof CreatePaymentRequestSchema>;

/** 201 answer to create: `redirectUrl` for every userFlow but PUSH_MESSAGE. Contract 3.3. */
export const CreatePaymentResponseSchema = Type.Object(
  { redirectUrl: Type.Optional(Type.String({ format: 'uri' })), reference: ReferenceSchema },
  {},
);
export type CreatePaymentResponse = Static<typeof CreatePaymentResponseSchema>;

/** The four running sums of a payment, each in the payment's currency. Contract 3.6. */
const AggregateSchema = Type.Object(
  {
    authorizedAmount: AmountSchema,
    cancelledAmount: AmountSchema,
    capturedAmount: AmountSchema,
    refundedAmount: AmountSchema,
  },
  {},
);
export type Aggregate = Static<typeof AggregateSchema>;

const PaymentStateSchema = StringEnum(PAYMENT_STATES);
export const PaymentEventNameSchema = StringEnum(PAYMENT_EVENT_NAMES);

/**
 * A postal address in `userDetails.addresses` (profile sharing with the `address` scope): the address lines, the
 * post code, the city and the ISO 3166-1 alpha-2 country. Not in the 1.7.0 spec; the names follow the address
 * of the Express `shippingDetails`.
 */
const UserDetailsAddressSchema = Type.Object(
  {
    addressLine1: Type.String(),
    addressLine2: Type.Optional(Nullable(Type.String())),
    city: Type.String(),
    country: Type.String({ minLength: 2, maxLength: 2 }),
    postCode: Type.String(),
  },
  {},
);

/**
 * What the user shared with profile sharing (ePayment v1.8.1, September 2025), on GET payment and the
 * AUTHORIZED webhook once the payment is AUTHORIZED: only the fields of the payment's consented scopes. `name`
 * gives `firstName` and `lastName`, `email` gives `email`, `phoneNumber` gives `mobileNumber` (an MSISDN
 * string), `address` gives `addresses` and `birthDate` gives `birthDate` (`YYYY-MM-DD`). `nin` is only
 * released by the Userinfo API. Not in the 1.7.0 spec.
 */
export const UserDetailsSchema = Type.Object(
  {
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    mobileNumber: Type.Optional(Type.String()),
    birthDate: Type.Optional(Type.String()),
    addresses: Type.Optional(Type.Array(UserDetailsAddressSchema)),
  },
  {},
);
export type UserDetails = Static<typeof UserDetailsSchema>;

/**
 * `captureGuaranteedUntil` (August 2026): until when a capture of the payment is guaranteed to succeed, an
 * RFC 3339 date-time with offset (`2026-09-01T07:53:44.812+00:00`). Not in the 1.7.0 spec.
 */
export const CaptureGuaranteedUntilSchema = Type.String({ format: 'date-time' });

/** Answer to `GET /epayment/v1/payments/{reference}`. Contract 3.4. */
export const GetPaymentResponseSchema = Type.Object(
  {
    aggregate: AggregateSchema,
    amount: AmountSchema,
    state: PaymentStateSchema,
    paymentMethod: Type.Object({
      type: StringEnum(PAYMENT_METHOD_TYPES),
      cardBin: Type.Optional(Type.String()),
    }),
    profile: Type.Object({ sub: Type.Optional(Type.String()) }),
    pspReference: Type.String(),
    redirectUrl: Type.Optional(Type.String({ format: 'uri' })),
    reference: ReferenceSchema,
    metadata: Type.Optional(Nullable(MetadataSchema)),
    /** The legal links given on create, as given (October 2026; not in the 1.7.0 spec). */
    merchantLegalLinks: Type.Optional(MerchantLegalLinksSchema),
    /** With profile sharing, once AUTHORIZED: the consented fields (v1.8.1; not in the 1.7.0 spec). */
    userDetails: Type.Optional(UserDetailsSchema),
    /** Once AUTHORIZED: until when a capture is guaranteed (August 2026; not in the 1.7.0 spec). */
    captureGuaranteedUntil: Type.Optional(CaptureGuaranteedUntilSchema),
  },
  {},
);
export type GetPaymentResponse = Static<typeof GetPaymentResponseSchema>;

/** One entry of the event log; every event has its own pspReference. Contract 3.7. */
const PaymentEventSchema = Type.Object(
  {
    reference: ReferenceSchema,
    pspReference: Type.String(),
    name: PaymentEventNameSchema,
    amount: AmountSchema,
    timestamp: Type.String({ format: 'date-time' }),
    idempotencyKey: Nullable(Type.String({ maxLength: IDEMPOTENCY_KEY_MAX_LENGTH })),
    success: Type.Boolean(),
  },
  {},
);
export type PaymentEvent = Static<typeof PaymentEventSchema>;
export const PaymentEventLogSchema = Type.Array(PaymentEventSchema);

/** Body of capture and refund: the amount of this operation. Contract 3.1. */
export const ModificationRequestSchema = Type.Object(
  { modificationAmount: AmountSchema },
  { additionalProperties: false },
);
export type ModificationRequest = Static<typeof ModificationRequestSchema>;

/** Optional body of cancel. Contract 3.1 and 3.6 (`cancelTransactionOnly`). */
export const CancelRequestSchema = Type.Object(
  { cancelTransactionOnly: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** Answer to capture, refund and cancel: the payment after the operation. Contract 3.5. */
export const ModificationResponseSchema = Type.Object(
  {
    amount: AmountSchema,
    state: PaymentStateSchema,
    aggregate: AggregateSchema,
    pspReference: Type.String(),
    reference: ReferenceSchema,
  },
  {},
);
export type ModificationResponse = Static<typeof ModificationResponseSchema>;

/** Body of the test-only force approve: a customer and/or the redirectUrl token. Contract 3.10. */
export const ForceApproveRequestSchema = Type.Object(
  { customer: Type.Optional(CustomerSchema), token: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);
export type ForceApproveRequest = Static<typeof ForceApproveRequestSchema>;
