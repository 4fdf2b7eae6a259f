import {
  findOrderLineTaxError,
  OM_IMAGE_MAX_BYTES,
  OM_IMAGE_MIN_HEIGHT,
  type AddCategoryRequest,
  type CategoryV3,
  type ImageRequest,
  type OmCategoryType,
  type OmPaymentType,
  type OrderCategory,
  type OrderV2Response,
  type Receipt,
} from '@betal/contract';
import type { Clock } from '../../clock.js';
import { ApiError } from '../../kernel/errors.js';
import type { OrderDetailsSource } from '../../customer/order-details.js';
import type { IdSource } from '../../ids.js';
import type { CategoryRecord, OrderManagementPort, PlatformStore, StoredImage } from '../../storage/ports.js';

/** What the file header of an uploaded image says. */
export interface ImageInfo {
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the frame's size. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1] as number;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan before any frame header
    const length = bytes.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    if (JPEG_SOF.has(marker)) {
      if (i + 9 > bytes.length) return undefined;
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return undefined;
}

/**
 * Reads the format and size of an image from its header: PNG (signature, then the IHDR chunk's width and
 * height) or JPEG (SOI, then the first start-of-frame segment). Undefined for anything else or a header that
 * is cut short. Contract 6 (`POST /v1/images`: PNG or JPEG).
 */
export function inspectImage(bytes: Buffer): ImageInfo | undefined {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { mediaType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const size = jpegSize(bytes);
    return size && { mediaType: 'image/jpeg', ...size };
  }
  return undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes `src` of an image upload: standard base64 (whitespace and line breaks are ignored, as .NET's decoder
 * does). Throws ApiError 400 naming `src` for a URL, a data URL or anything that is not base64.
 */
export function decodeImageSource(src: string): Buffer {
  if (/^(?:https?:|data:)/i.test(src.trim())) {
    throw new ApiError(400, 'The image must be sent as base64 data, not as a URL.', {
      fields: [
        {
          name: 'src',
          reason: 'The field src must be the base64 of a PNG or JPEG file, not a URL or data URL.',
        },
      ],
    });
  }
  const compact = src.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) {
    throw new ApiError(400, 'The image data is not valid base64.', {
      fields: [{ name: 'src', reason: 'The field src is not a valid base64 string.' }],
    });
  }
  return Buffer.from(compact, 'base64');
}

/** Where the app loads an uploaded image from, relative to the platform's base URL. */
export function imagePath(msn: string, imageId: string): string {
  return `/betal/images/${encodeURIComponent(msn)}/${encodeURIComponent(imageId)}`;
}

/**
 * What the customer's app shows of an order (contract 6, Semantics): the latest ECOM category (its kind, the
 * "See details" URL, the image's platform URL) and the receipt, whichever of them exist.
 */
export interface OrderDetailsView {
  category?: { type: OmCategoryType; orderDetailsUrl: string; imageUrl?: string };
  receipt?: Receipt;
}

function categoryV3(record: CategoryRecord): CategoryV3 {
  return {
    categoryId: record.categoryId,
    orderId: record.orderId,
    paymentType: record.paymentType,
    type: record.type,
    url: record.url,
    ...(record.imageId !== undefined ? { imageId: record.imageId } : {}),
  };
}

/**
 * The Order Management API of contract 6. Data is kept per MSN and order (`{paymentType, orderId}`) whether or
 * not the payment exists yet: it may arrive before or after it. For ECOM, the order is the ePayment payment
 * with `reference` = `orderId`, so a receipt sent with ePayment create is the order's receipt.
 */
export class OrderManagementService {
  constructor(
    private readonly store: OrderManagementPort,
    private readonly payments: PlatformStore,
    private readonly clock: Clock,
    private readonly ids: Pick<IdSource, 'uuid'>,
  ) {}

  /**
   * `POST /v1/images`: stores a PNG or JPEG (base64 in `src`) under `imageId` for this MSN and returns
   * `{imageId}`. 400 (naming `src`) when it is not base64, not PNG or JPEG, lower than 167 px or larger than
   * 2 MB decoded; 409 when the MSN already has an image with this id (images cannot be overwritten).
   */
  async uploadImage(msn: string, req: ImageRequest): Promise<{ imageId: string }> {
    const bytes = decodeImageSource(req.src);
    if (bytes.length > OM_IMAGE_MAX_BYTES) {
      throw new ApiError(400, 'The image is larger than 2 MB.', {
        fields: [
          {
            name: 'src',
            reason: `The image is ${bytes.length} bytes; the largest allowed is ${OM_IMAGE_MAX_BYTES} bytes (2 MB).`,
          },
        ],
      });
    }
    const info = inspectImage(bytes);
    if (!info) {
      throw new ApiError(400, 'The image must be a PNG or JPEG file.', {
        fields: [{ name: 'src', reason: 'The decoded data is not a PNG or JPEG image.' }],
      });
    }
    if (info.height < OM_IMAGE_MIN_HEIGHT) {
      throw new ApiError(400, `The image must be at least ${OM_IMAGE_MIN_HEIGHT} pixels high.`, {
        fields: [
          {
            name: 'src',
            reason: `The image is ${info.height} px high; the minimum height is ${OM_IMAGE_MIN_HEIGHT} px.`,
          },
        ],
      });
    }
    const image: StoredImage = { msn, imageId: req.imageId, ...info, bytes, createdAt: this.clock.now() };
    if (!(await this.store.insertImage(image))) {
      throw new ApiError(409, `An image with id '${req.imageId}' already exists and cannot be overwritten.`, {
        fields: [{ name: 'imageId', reason: 'Images cannot be overwritten; upload under a new imageId.' }],
      });
    }
    return { imageId: req.imageId };
  }

  /** A stored image of this MSN, for the app; undefined when there is none. */
  image(msn: string, imageId: string): Promise<StoredImage | undefined> {
    return this.store.findImage(msn, imageId);
  }

  private async requireImage(msn: string, imageId: string | null | undefined, status: 400 | 404) {
    if (imageId === undefined || imageId === null) return;
    if (!(await this.store.imageExists(msn, imageId))) {
      throw new ApiError(status, `No image with id '${imageId}' for this merchant. Upload it first.`, {
        fields: [
          {
            name: 'imageId',
            reason: `The image '${imageId}' was not found; upload it with POST /v1/images.`,
          },
        ],
      });
    }
  }

  /**
   * `PUT /v2/{paymentType}/categories/{orderId}`: the upsert of the order's category (the last write wins).
   * Returns the category's id (a UUID, the same on every upsert of this order). 404 naming `imageId` when the
   * image was not uploaded for this MSN.
   */
  async putCategory(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
    body: OrderCategory,
  ): Promise<string> {
    await this.requireImage(msn, body.imageId, 404);
    const now = this.clock.now();
    const saved = await this.store.upsertOrderCategory({
      categoryId: this.ids.uuid(),
      msn,
      paymentType,
      orderId,
      type: body.category,
      url: body.orderDetailsUrl,
      ...(body.imageId ? { imageId: body.imageId } : {}),
      source: 'v2',
      createdAt: now,
      updatedAt: now,
    });
    return saved.categoryId;
  }

  /**
   * `POST /v3/categories`: adds a category to the order, which becomes the one the app shows. Returns
   * `{categoryId}`. 400 naming `imageId` when the image was not uploaded for this MSN.
   */
  async addCategory(msn: string, body: AddCategoryRequest): Promise<{ categoryId: string }> {
    await this.requireImage(msn, body.imageId, 400);
    const now = this.clock.now();
    const categoryId = this.ids.uuid();
    await this.store.addCategory({
      categoryId,
      msn,
      paymentType: body.paymentType,
      orderId: body.orderId,
      type: body.type,
      url: body.url,
      ...(body.imageId ? { imageId: body.imageId } : {}),
      source: 'v3',
      createdAt: now,
      updatedAt: now,
    });
    return { categoryId };
  }

  /** `GET /v3/categories?orderId=`: the order id's categories of this MSN, oldest first (maybe none). */
  async listCategories(msn: string, orderId: string): Promise<{ categories: CategoryV3[] }> {
    return { categories: (await this.store.listCategories(msn, orderId)).map(categoryV3) };
  }

  /** `GET /v3/categories/{categoryId}`: one category; 404 when this MSN has none with that id. */
  async getCategory(msn: string, categoryId: string): Promise<CategoryV3> {
    const record = await this.store.findCategory(msn, categoryId);
    if (!record) throw this.categoryNotFound(categoryId);
    return categoryV3(record);
  }

  /** `DELETE /v3/categories/{categoryId}`; 404 when this MSN has none with that id. */
  async deleteCategory(msn: string, categoryId: string): Promise<void> {
    if (!(await this.store.deleteCategory(msn, categoryId))) throw this.categoryNotFound(categoryId);
  }

  private categoryNotFound(categoryId: string): ApiError {
    return new ApiError(404, `No category with id '${categoryId}' for this merchant.`, {
      fields: [{ name: 'categoryId', reason: 'Category not found.' }],
    });
  }

  /** The receipt sent with ePayment create for an ECOM order, if the payment exists and had one. */
  private async paymentReceipt(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<Receipt | undefined> {
    if (paymentType !== 'ECOM') return undefined;
    return (await this.payments.findPayment(msn, orderId))?.details.receipt;
  }

  /** The order's receipt: the one sent through Order Management, else the one sent with ePayment create. */
  async receiptOf(msn: string, paymentType: OmPaymentType, orderId: string): Promise<Receipt | undefined> {
    const stored = await this.store.findReceipt(msn, paymentType, orderId);
    return stored?.receipt ?? (await this.paymentReceipt(msn, paymentType, orderId));
  }

  /**
   * `POST /v2/{paymentType}/receipts/{orderId}`: attaches the order lines and bottom line. Returns the
   * receipt's id (a UUID). 400 naming the order line when it has neither or both of `taxRate` and
   * `taxPercentage`; 409 when the order already has a receipt, sent here or with ePayment create (receipts are
   * immutable).
   */
  async addReceipt(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
    receipt: Receipt,
  ): Promise<string> {
    const taxError = findOrderLineTaxError(receipt);
    if (taxError) {
      throw new ApiError(400, 'An order line has no valid tax.', {
        fields: [{ name: `orderLines[${taxError.index}]`, reason: taxError.reason }],
      });
    }
    const conflict = () =>
      new ApiError(409, `The order '${orderId}' already has a receipt; a receipt cannot be changed.`, {
        fields: [{ name: 'orderId', reason: 'A receipt already exists for this order.' }],
      });
    if (await this.paymentReceipt(msn, paymentType, orderId)) throw conflict();
    const receiptId = this.ids.uuid();
    const inserted = await this.store.insertReceipt({
      receiptId,
      msn,
      paymentType,
      orderId,
      receipt,
      createdAt: this.clock.now(),
    });
    if (!inserted) throw conflict();
    return receiptId;
  }

  /**
   * `GET /v2/{paymentType}/{orderId}`: `{category?, receipt?}` with the latest category and the receipt;
   * 404 when the order has neither.
   */
  async getOrder(msn: string, paymentType: OmPaymentType, orderId: string): Promise<OrderV2Response> {
    const [category, receipt] = await Promise.all([
      this.store.latestCategory(msn, paymentType, orderId),
      this.receiptOf(msn, paymentType, orderId),
    ]);
    if (!category && !receipt) {
      throw new ApiError(404, `No order data for ${paymentType} order '${orderId}' of this merchant.`, {
        fields: [{ name: 'orderId', reason: 'Order not found.' }],
      });
    }
    return {
      ...(category
        ? {
            category: {
              category: category.type,
              orderDetailsUrl: category.url,
              imageId: category.imageId ?? null,
            },
          }
        : {}),
      ...(receipt ? { receipt } : {}),
    };
  }

  /**
   * The app's view of an ePayment payment's order (ECOM, `orderId` = `reference`); undefined when the merchant
   * sent neither a category nor a receipt. `imageUrl` is a platform path (see {@link imagePath}).
   */
  async orderDetails(msn: string, reference: string): Promise<OrderDetailsView | undefined> {
    const [category, receipt] = await Promise.all([
      this.store.latestCategory(msn, 'ECOM', reference),
      this.receiptOf(msn, 'ECOM', reference),
    ]);
    if (!category && !receipt) return undefined;
    return {
      ...(category
        ? {
            category: {
              type: category.type,
              orderDetailsUrl: category.url,
              ...(category.imageId !== undefined ? { imageUrl: imagePath(msn, category.imageId) } : {}),
            },
          }
        : {}),
      ...(receipt ? { receipt } : {}),
    };
  }
}

/**
 * The customer's app's view of Order Management ({@link OrderDetailsSource}): the latest ECOM category of the
 * payment's order (`orderId` = `reference`), with the image's platform path as `imageUrl`, and the order's
 * receipt. Undefined when the merchant sent neither. Contract 6 (Semantics: "See details" opens
 * `orderDetailsUrl`).
 */
export function orderDetailsSource(orders: OrderManagementService): OrderDetailsSource {
  return {
    async find(msn, reference) {
      const view = await orders.orderDetails(msn, reference);
      if (!view) return undefined;
      const category = view.category;
      return {
        ...(category ? { category: category.type, orderDetailsUrl: category.orderDetailsUrl } : {}),
        ...(category?.imageUrl !== undefined ? { imageUrl: category.imageUrl } : {}),
        ...(view.receipt ? { receipt: view.receipt } : {}),
      };
    },
  };
}
