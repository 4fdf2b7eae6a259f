import {
  AddCategoryRequestSchema,
  AddCategoryResponseSchema,
  CategoryV3Schema,
  GetCategoriesResponseSchema,
  ImageRequestSchema,
  ImageResponseSchema,
  OM_ID_PATTERN,
  OM_PAYMENT_TYPES,
  OmProblemSchema,
  OrderCategorySchema,
  OrderV1ResponseSchema,
  OrderV2ResponseSchema,
  ReceiptSchema,
  type AddCategoryRequest,
  type ImageRequest,
  type InvalidParam,
  type OmPaymentType,
  type OrderCategory,
  type Receipt,
} from '@betal/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../accesstoken/service.js';
import { ApiError } from '../../kernel/errors.js';
import type { OrderManagementService } from './service.js';
import { apiErrorHandler } from '../../http/errors.js';
import { authHook, salesUnitOf } from '../../http/auth.js';
import { readBodiesBySchema } from '../../http/body.js';

interface Deps {
  auth: AuthService;
  orders: OrderManagementService;
}

/** Sends a bare JSON string body (`"<uuid>"`), as the spec's 200/201 answers of category and receipt writes. */
function sendJsonString(reply: FastifyReply, status: number, value: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}

function validation(details: InvalidParam[]): ApiError {
  return ApiError.validation(details);
}

const ORDER_ID = new RegExp(OM_ID_PATTERN);

/**
 * The `{paymentType}` path segment: ECOM or RECURRING in any case (the seeds and older specs use `ecom`), with a
 * lint notice for a non-canonical case. Throws ApiError 400 naming `paymentType` otherwise. Contract 6.
 */
export function parsePaymentType(value: string, notices: string[]): OmPaymentType {
  const canonical = OM_PAYMENT_TYPES.find((t) => t === value.toUpperCase());
  if (!canonical) {
    throw validation([
      { name: 'paymentType', reason: `The value '${value}' is not valid. Valid values: ECOM, RECURRING.` },
    ]);
  }
  if (canonical !== value) {
    notices.push(`paymentType '${value}' was taken as '${canonical}'; spec 2.0 and later use upper case.`);
  }
  return canonical;
}

/** Checks an `{orderId}` path segment against the spec's pattern; throws OmError 400 naming `name`. */
function orderIdParam(value: string, name = 'orderId'): string {
  if (!ORDER_ID.test(value)) {
    throw validation([
      { name, reason: `The field ${name} must match the regular expression '${OM_ID_PATTERN}'.` },
    ]);
  }
  return value;
}

/** The `{paymentType}` and `{orderId}` path segments, checked before the body; paymentType made canonical. */
async function typeAndOrderHook(request: FastifyRequest): Promise<void> {
  const params = request.params as { paymentType: string; orderId: string };
  params.paymentType = parsePaymentType(params.paymentType, request.lintNotices);
  orderIdParam(params.orderId);
}

/** The deprecated v1 routes' `{transactionId}` path segment, checked before the body. */
async function transactionHook(request: FastifyRequest): Promise<void> {
  orderIdParam((request.params as { transactionId: string }).transactionId, 'transactionId');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function categoryIdParam(value: string): string {
  if (!UUID.test(value)) throw validation([{ name: 'categoryId', reason: 'The categoryId must be a UUID.' }]);
  return value.toLowerCase();
}

/**
 * The URL the app opens behind "See details" (or a v3 category's `url`): an absolute `https` URL. `http` is
 * accepted with a lint notice; any other scheme (`javascript:`, `data:`, ...) is refused with 400 naming
 * `field`, since the app would open it.
 */
function checkDetailsUrl(field: string, url: string, notices: string[]): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw validation([{ name: field, reason: `The field ${field} must be an absolute https URL.` }]);
  }
  if (parsed.protocol === 'http:') {
    notices.push(`${field} uses http://; the app opens it in a web view, use https.`);
  }
}

const problems = { 400: OmProblemSchema, 404: OmProblemSchema, 409: OmProblemSchema };
const typeAndOrder = {
  type: 'object',
  properties: {
    paymentType: {
      type: 'string',
      enum: ['ECOM', 'RECURRING'],
      description: 'ECOM or RECURRING (any case).',
    },
    orderId: {
      type: 'string',
      pattern: OM_ID_PATTERN,
      description: 'The order id (ePayment: the reference).',
    },
  },
  required: ['paymentType', 'orderId'],
} as const;
const transactionParams = {
  type: 'object',
  properties: { transactionId: { type: 'string', description: 'The order id (ePayment: the reference).' } },
  required: ['transactionId'],
} as const;
const categoryParams = {
  type: 'object',
  properties: { categoryId: { type: 'string', format: 'uuid' } },
  required: ['categoryId'],
} as const;
const jsonString = { type: 'string', description: 'A JSON string: the id of what was written (a UUID).' };

/** Images travel as base64 in JSON: 2 MB of file is about 2.8 MB of body. */
const IMAGE_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The Order Management API (contract 6) at `/order-management`: v1 images, v2 categories, receipts and the order
 * view, v3 categories, the deprecated v1 orders and receipts (mapped onto ECOM); the customer's app loads the uploaded
 * images from `GET /betal/images/...` (internal/images.ts). Every error is in the OM shape (http/apis.ts), the
 * 401 and 403 of the credentials included (a bad subscription key's 401 also has the gateway's `statusCode` and
 * `message`).
 */
export async function orderManagementRoutes(app: FastifyInstance, { auth, orders }: Deps): Promise<void> {
  const tags = ['Order Management'];

  app.setErrorHandler(apiErrorHandler('order-management'));

  // The merchant's calls: authenticated, Merchant-Serial-Number required, Vipps-System-* up to 100 characters.
  await app.register(async (api) => {
    api.addHook('preValidation', authHook(auth, { msnRequired: true, systemHeaders: 100 }));
    readBodiesBySchema(api, 'ignore');
    api.post(
      '/order-management/v1/images',
      {
        bodyLimit: IMAGE_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Upload an image (PNG or JPEG, at least 167 px high, at most 2 MB; cannot be overwritten)',
          body: ImageRequestSchema,
          response: { 200: ImageResponseSchema, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const req = request.body as ImageRequest;
        const result = await orders.uploadImage(unit.msn, req);
        return reply.code(200).type('application/json; charset=utf-8').send(result);
      },
    );

    api.put<{ Params: { paymentType: string; orderId: string } }>(
      '/order-management/v2/:paymentType/categories/:orderId',
      {
        preHandler: typeAndOrderHook,
        schema: {
          tags,
          summary: "Add or replace an order's category (upsert; the last write is shown in the app)",
          params: typeAndOrder,
          body: OrderCategorySchema,
          response: { 200: jsonString, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const paymentType = request.params.paymentType as OmPaymentType;
        const orderId = request.params.orderId;
        const category = request.body as OrderCategory;
        checkDetailsUrl('orderDetailsUrl', category.orderDetailsUrl, request.lintNotices);
        const id = await orders.putCategory(unit.msn, paymentType, orderId, category);
        return sendJsonString(reply, 200, id);
      },
    );

    api.post<{ Params: { paymentType: string; orderId: string } }>(
      '/order-management/v2/:paymentType/receipts/:orderId',
      {
        preHandler: typeAndOrderHook,
        schema: {
          tags,
          summary: 'Attach a receipt to an order (immutable: a second receipt is a conflict)',
          params: typeAndOrder,
          body: ReceiptSchema,
          response: { 201: jsonString, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const paymentType = request.params.paymentType as OmPaymentType;
        const orderId = request.params.orderId;
        const receipt = request.body as Receipt;
        const id = await orders.addReceipt(unit.msn, paymentType, orderId, receipt);
        return sendJsonString(reply, 201, id);
      },
    );

    api.get<{ Params: { paymentType: string; orderId: string } }>(
      '/order-management/v2/:paymentType/:orderId',
      {
        preHandler: typeAndOrderHook,
        schema: {
          tags,
          summary: "Get an order's category and receipt",
          params: typeAndOrder,
          response: { 200: OrderV2ResponseSchema, 404: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const paymentType = request.params.paymentType as OmPaymentType;
        const orderId = request.params.orderId;
        const order = await orders.getOrder(unit.msn, paymentType, orderId);
        return reply.type('application/json; charset=utf-8').send(order);
      },
    );

    api.post(
      '/order-management/v3/categories',
      {
        schema: {
          tags,
          summary: 'Add a category to an order (the latest is shown in the app)',
          body: AddCategoryRequestSchema,
          response: { 201: AddCategoryResponseSchema, 400: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const req = request.body as AddCategoryRequest;
        checkDetailsUrl('url', req.url, request.lintNotices);
        const result = await orders.addCategory(unit.msn, req);
        return reply.code(201).type('application/json; charset=utf-8').send(result);
      },
    );

    api.get<{ Querystring: { orderId?: string } }>(
      '/order-management/v3/categories',
      {
        schema: {
          tags,
          summary: 'List the categories of an order id',
          querystring: {
            type: 'object',
            properties: { orderId: { type: 'string', pattern: OM_ID_PATTERN } },
            required: ['orderId'],
          },
          response: { 200: GetCategoriesResponseSchema, 400: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const raw = request.query.orderId;
        if (typeof raw !== 'string' || raw === '') {
          throw validation([{ name: 'orderId', reason: 'The orderId query parameter is required.' }]);
        }
        const result = await orders.listCategories(unit.msn, orderIdParam(raw));
        return reply.type('application/json; charset=utf-8').send(result);
      },
    );

    api.get<{ Params: { categoryId: string } }>(
      '/order-management/v3/categories/:categoryId',
      {
        schema: {
          tags,
          summary: 'Get a category',
          params: categoryParams,
          response: { 200: CategoryV3Schema, 400: OmProblemSchema, 404: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const result = await orders.getCategory(unit.msn, categoryIdParam(request.params.categoryId));
        return reply.type('application/json; charset=utf-8').send(result);
      },
    );

    api.delete<{ Params: { categoryId: string } }>(
      '/order-management/v3/categories/:categoryId',
      {
        schema: {
          tags,
          summary: 'Delete a category',
          params: categoryParams,
          response: { 200: { type: 'null', description: 'Deleted; no body.' }, 404: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        await orders.deleteCategory(unit.msn, categoryIdParam(request.params.categoryId));
        return reply.code(200).send();
      },
    );

    // Deprecated v1 endpoints, still in the spec: the transaction id is the ECOM order id.
    const deprecated = ['Order Management (deprecated v1)'];

    api.put<{ Params: { transactionId: string } }>(
      '/order-management/v1/orders/:transactionId',
      {
        preHandler: transactionHook,
        schema: {
          tags: deprecated,
          summary: 'Add info to an order (deprecated: use PUT /v2/{paymentType}/categories/{orderId})',
          params: transactionParams,
          body: OrderCategorySchema,
          response: { 200: { type: 'null' }, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const orderId = request.params.transactionId;
        const category = request.body as OrderCategory;
        checkDetailsUrl('orderDetailsUrl', category.orderDetailsUrl, request.lintNotices);
        await orders.putCategory(unit.msn, 'ECOM', orderId, category);
        return reply.code(200).send();
      },
    );

    api.get<{ Params: { transactionId: string } }>(
      '/order-management/v1/orders/:transactionId',
      {
        preHandler: transactionHook,
        schema: {
          tags: deprecated,
          summary: 'Get info for an order (deprecated: use GET /v2/{paymentType}/{orderId})',
          params: transactionParams,
          response: { 200: OrderV1ResponseSchema, 404: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const orderId = request.params.transactionId;
        const order = await orders.getOrder(unit.msn, 'ECOM', orderId);
        if (!order.category) throw new ApiError(404, `No category for order '${orderId}' of this merchant.`);
        const { category, orderDetailsUrl, imageId } = order.category;
        return reply.type('application/json; charset=utf-8').send({
          category,
          orderDetailsUrl,
          imageIds: imageId ? [{ id: imageId, sortOrder: 1 }] : [],
        });
      },
    );

    api.get<{ Params: { transactionId: string } }>(
      '/order-management/v1/receipts/:transactionId',
      {
        preHandler: transactionHook,
        schema: {
          tags: deprecated,
          summary: "Get an order's receipt (deprecated: use GET /v2/{paymentType}/{orderId})",
          params: transactionParams,
          response: { 200: ReceiptSchema, 404: OmProblemSchema },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const orderId = request.params.transactionId;
        const receipt = await orders.receiptOf(unit.msn, 'ECOM', orderId);
        if (!receipt) throw new ApiError(404, `No receipt for order '${orderId}' of this merchant.`);
        return reply.type('application/json; charset=utf-8').send(receipt);
      },
    );

    api.post<{ Params: { transactionId: string } }>(
      '/order-management/v1/receipts/:transactionId',
      {
        preHandler: transactionHook,
        schema: {
          tags: deprecated,
          summary: 'Attach a receipt (deprecated: use POST /v2/{paymentType}/receipts/{orderId})',
          params: transactionParams,
          body: ReceiptSchema,
          response: { 200: { type: 'null' }, ...problems },
        },
      },
      async (request, reply) => {
        const unit = salesUnitOf(request);
        const orderId = request.params.transactionId;
        const receipt = request.body as Receipt;
        await orders.addReceipt(unit.msn, 'ECOM', orderId, receipt);
        return reply.code(200).send();
      },
    );
  });
}
