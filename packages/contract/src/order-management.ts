import { Type, type Static } from '@sinclair/typebox';
import { ReceiptSchema } from './receipt.js';
import { Nullable, StringEnum } from './schema-helpers.js';

/**
 * Schemas of the Order Management API (contract 6, `specs/order-management.v2.yaml` 2.1): images, categories
 * (v2 upsert and v3), receipts and the order view. Receipts reuse {@link ReceiptSchema}, shared with ePayment.
 */

/** Pattern of an `orderId` (= the ePayment `reference`) and of an `imageId`. Contract 6 (Path parameters). */
export const OM_ID_PATTERN = '^[0-9A-Za-z-_\\.]+$';

/** The `{paymentType}` path segment: ECOM (ePayment, eCom) or RECURRING. Contract 6. */
export const OM_PAYMENT_TYPES = ['ECOM', 'RECURRING'] as const;
export type OmPaymentType = (typeof OM_PAYMENT_TYPES)[number];
const OmPaymentTypeSchema = StringEnum(OM_PAYMENT_TYPES, {
  description: 'ECOM for ePayment and eCom payments, RECURRING for Recurring API charges.',
});

/** The kinds of category an order can have; the app shows the latest one. Contract 6 (`category`). */
export const OM_CATEGORIES = [
  'GENERAL',
  'RECEIPT',
  'ORDER_CONFIRMATION',
  'DELIVERY',
  'TICKET',
  'BOOKING',
] as const;
export type OmCategoryType = (typeof OM_CATEGORIES)[number];
const OmCategoryTypeSchema = StringEnum(OM_CATEGORIES);

/** The merchant's order id: letters, digits, `-`, `_` and `.`. Contract 6. */
const OrderIdSchema = Type.String({ minLength: 1, pattern: OM_ID_PATTERN });

/** Largest image, in bytes of the decoded file (2 MB). Contract 6 (`POST /v1/images`). */
export const OM_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
/** Smallest image height, in pixels. Contract 6. */
export const OM_IMAGE_MIN_HEIGHT = 167;
/** Longest `imageId`, in characters. Contract 6. */
const OM_IMAGE_ID_MAX_LENGTH = 128;

/** The id of an uploaded image: 1-128 characters of {@link OM_ID_PATTERN}, unique per MSN. Contract 6. */
const ImageIdSchema = Type.String({
  minLength: 1,
  maxLength: OM_IMAGE_ID_MAX_LENGTH,
  pattern: OM_ID_PATTERN,
});

/**
 * Body of `POST /order-management/v1/images`: the id, the PNG or JPEG file as base64 (not a URL) and
 * `type: "base64"`. The file rules (format, height ≥ 167 px, ≤ 2 MB) are checked after decoding. Contract 6.
 */
export const ImageRequestSchema = Type.Object(
  {
    imageId: ImageIdSchema,
    src: Type.String({ minLength: 1, description: 'The PNG or JPEG file, base64-encoded.' }),
    type: StringEnum(['base64'] as const),
  },
  { additionalProperties: false },
);
export type ImageRequest = Static<typeof ImageRequestSchema>;

/** 200 answer of `POST /v1/images`. Contract 6. */
export const ImageResponseSchema = Type.Object({ imageId: Type.String() }, {});
export type ImageResponse = Static<typeof ImageResponseSchema>;

/**
 * A category of an order as v2 sends and shows it (the spec's `Order`): the kind, the merchant's page behind
 * "See details" (`orderDetailsUrl`, an absolute http(s) URL) and an optional image. Contract 6.
 */
export const OrderCategorySchema = Type.Object(
  {
    category: OmCategoryTypeSchema,
    orderDetailsUrl: Type.String({ minLength: 1, format: 'uri' }),
    imageId: Type.Optional(Nullable(ImageIdSchema)),
  },
  { additionalProperties: false },
);
export type OrderCategory = Static<typeof OrderCategorySchema>;

/** Body of `POST /order-management/v3/categories`. Contract 6. */
export const AddCategoryRequestSchema = Type.Object(
  {
    orderId: OrderIdSchema,
    paymentType: OmPaymentTypeSchema,
    type: OmCategoryTypeSchema,
    url: Type.String({ minLength: 1, format: 'uri' }),
    imageId: Type.Optional(Nullable(ImageIdSchema)),
  },
  { additionalProperties: false },
);
export type AddCategoryRequest = Static<typeof AddCategoryRequestSchema>;

/** 201 answer of `POST /v3/categories`: the new category's UUID. Contract 6. */
export const AddCategoryResponseSchema = Type.Object({ categoryId: Type.String({ format: 'uuid' }) }, {});
export type AddCategoryResponse = Static<typeof AddCategoryResponseSchema>;

/** A category as v3 shows it. Contract 6. */
export const CategoryV3Schema = Type.Object(
  {
    categoryId: Type.String({ format: 'uuid' }),
    orderId: OrderIdSchema,
    paymentType: OmPaymentTypeSchema,
    type: OmCategoryTypeSchema,
    url: Type.String(),
    imageId: Type.Optional(ImageIdSchema),
  },
  {},
);
export type CategoryV3 = Static<typeof CategoryV3Schema>;

/** 200 answer of `GET /v3/categories?orderId=`. Contract 6. */
export const GetCategoriesResponseSchema = Type.Object({ categories: Type.Array(CategoryV3Schema) }, {});
export type GetCategoriesResponse = Static<typeof GetCategoriesResponseSchema>;

/**
 * 200 answer of `GET /order-management/v2/{paymentType}/{orderId}`: the latest category and the receipt, each
 * present only when there is one. Contract 6.
 */
export const OrderV2ResponseSchema = Type.Object(
  {
    category: Type.Optional(OrderCategorySchema),
    receipt: Type.Optional(ReceiptSchema),
  },
  {},
);
export type OrderV2Response = Static<typeof OrderV2ResponseSchema>;

/** One field at fault in an Order Management error. Contract 6 (Semantics). */
const InvalidParamSchema = Type.Object({ name: Type.String(), reason: Type.String() });
export type InvalidParam = Static<typeof InvalidParamSchema>;

/**
 * The error body of Order Management (400, 404, 409), `application/json`: unlike the ePayment Problem it has
 * `invalidParams` and no `extraDetails`, `status` or `traceId`. `instance` is the request's trace id, as in the
 * spec's example. Contract 6 (Semantics).
 */
export const OmProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    detail: Type.String(),
    instance: Type.String(),
    invalidParams: Type.Optional(Type.Array(InvalidParamSchema)),
  },
  {},
);

/** One image of the deprecated v1 order view. */
const OrderV1ImageSchema = Type.Object({ id: Type.String(), sortOrder: Type.Integer() }, {});

/** Body of the deprecated `GET /order-management/v1/orders/{transactionId}`. Contract 6 (deprecated v1). */
export const OrderV1ResponseSchema = Type.Object(
  {
    category: OmCategoryTypeSchema,
    orderDetailsUrl: Type.String(),
    imageIds: Type.Array(OrderV1ImageSchema),
  },
  {},
);
