import type { OmPaymentType } from '@betal/contract';
import type pg from 'pg';
import type { CategoryRecord, OrderManagementPort, ReceiptRecord, StoredImage } from '../ports.js';
import {
  categoryOfRow,
  imageOfRow,
  receiptOfRow,
  type CategoryRow,
  type ImageRow,
  type ReceiptRow,
} from '../rows.js';

const CATEGORY_COLUMNS =
  'category_id, msn, payment_type, order_id, type, url, image_id, source, created_at, updated_at';

/**
 * {@link OrderManagementPort} on PostgreSQL (module `order-management`). Every method is one statement, so atomic
 * on its own; the unique keys do the conflict checks (`ON CONFLICT DO NOTHING` answers false), and the v2 upsert is
 * one `INSERT … ON CONFLICT DO UPDATE` on the order's partial unique index. "Latest written" is the order of the
 * `om_categories_seq` sequence, drawn again on every write.
 */
export class PostgresOrderManagementStore implements OrderManagementPort {
  constructor(private readonly pool: pg.Pool) {}

  private async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  async insertImage(image: StoredImage): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO om_images (msn, image_id, media_type, width, height, bytes, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (msn, image_id) DO NOTHING`,
      [image.msn, image.imageId, image.mediaType, image.width, image.height, image.bytes, image.createdAt],
    );
    return result.rowCount === 1;
  }

  async findImage(msn: string, imageId: string): Promise<StoredImage | undefined> {
    const [row] = await this.rows<ImageRow>('SELECT * FROM om_images WHERE msn = $1 AND image_id = $2', [
      msn,
      imageId,
    ]);
    return row && imageOfRow(row);
  }

  async imageExists(msn: string, imageId: string): Promise<boolean> {
    const rows = await this.rows('SELECT 1 FROM om_images WHERE msn = $1 AND image_id = $2', [msn, imageId]);
    return rows.length > 0;
  }

  async upsertOrderCategory(record: CategoryRecord): Promise<CategoryRecord> {
    const [row] = await this.rows<CategoryRow>(
      `INSERT INTO om_categories (${CATEGORY_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'v2', $8, $9)
       ON CONFLICT (msn, payment_type, order_id) WHERE source = 'v2' DO UPDATE
         SET type = excluded.type, url = excluded.url, image_id = excluded.image_id,
           updated_at = excluded.updated_at, seq = nextval('om_categories_seq')
       RETURNING ${CATEGORY_COLUMNS}`,
      [
        record.categoryId,
        record.msn,
        record.paymentType,
        record.orderId,
        record.type,
        record.url,
        record.imageId ?? null,
        record.createdAt,
        record.updatedAt,
      ],
    );
    if (!row) throw new Error('the category upsert returned no row');
    return { ...record, categoryId: row.category_id, createdAt: row.created_at, source: 'v2' };
  }

  async addCategory(record: CategoryRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO om_categories (${CATEGORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, 'v3', $8, $9)`,
      [
        record.categoryId,
        record.msn,
        record.paymentType,
        record.orderId,
        record.type,
        record.url,
        record.imageId ?? null,
        record.createdAt,
        record.updatedAt,
      ],
    );
  }

  async latestCategory(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<CategoryRecord | undefined> {
    const [row] = await this.rows<CategoryRow>(
      `SELECT ${CATEGORY_COLUMNS} FROM om_categories WHERE msn = $1 AND payment_type = $2 AND order_id = $3
       ORDER BY seq DESC LIMIT 1`,
      [msn, paymentType, orderId],
    );
    return row && categoryOfRow(row);
  }

  async listCategories(msn: string, orderId: string): Promise<CategoryRecord[]> {
    const rows = await this.rows<CategoryRow>(
      `SELECT ${CATEGORY_COLUMNS} FROM om_categories WHERE msn = $1 AND order_id = $2 ORDER BY seq`,
      [msn, orderId],
    );
    return rows.map(categoryOfRow);
  }

  async findCategory(msn: string, categoryId: string): Promise<CategoryRecord | undefined> {
    const [row] = await this.rows<CategoryRow>(
      `SELECT ${CATEGORY_COLUMNS} FROM om_categories WHERE msn = $1 AND category_id = $2`,
      [msn, categoryId],
    );
    return row && categoryOfRow(row);
  }

  async deleteCategory(msn: string, categoryId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM om_categories WHERE msn = $1 AND category_id = $2', [
      msn,
      categoryId,
    ]);
    return result.rowCount === 1;
  }

  async insertReceipt(record: ReceiptRecord): Promise<boolean> {
    const result = await this.pool.query(
      `INSERT INTO om_receipts (msn, payment_type, order_id, receipt_id, receipt, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (msn, payment_type, order_id) DO NOTHING`,
      [
        record.msn,
        record.paymentType,
        record.orderId,
        record.receiptId,
        JSON.stringify(record.receipt),
        record.createdAt,
      ],
    );
    return result.rowCount === 1;
  }

  async findReceipt(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<ReceiptRecord | undefined> {
    const [row] = await this.rows<ReceiptRow>(
      'SELECT * FROM om_receipts WHERE msn = $1 AND payment_type = $2 AND order_id = $3',
      [msn, paymentType, orderId],
    );
    return row && receiptOfRow(row);
  }
}
