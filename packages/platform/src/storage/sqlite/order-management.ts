import type { OmPaymentType } from '@betal/contract';
import type { CategoryRecord, OrderManagementPort, ReceiptRecord, StoredImage } from '../ports.js';
import {
  categoryOfRow,
  imageOfRow,
  receiptOfRow,
  type CategoryRow,
  type ImageRow,
  type ReceiptRow,
} from '../rows.js';
import type { SqliteConnection } from './store.js';

/** The `order-management` module's migrations; append only. */
const MIGRATIONS: string[] = [
  `CREATE TABLE om_images (
     msn TEXT NOT NULL,
     image_id TEXT NOT NULL,
     media_type TEXT NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     bytes BLOB NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (msn, image_id)
   ) WITHOUT ROWID;
   CREATE TABLE om_categories (
     category_id TEXT PRIMARY KEY,
     msn TEXT NOT NULL,
     payment_type TEXT NOT NULL,
     order_id TEXT NOT NULL,
     type TEXT NOT NULL,
     url TEXT NOT NULL,
     image_id TEXT,
     source TEXT NOT NULL CHECK (source IN ('v2', 'v3')),
     seq INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX om_categories_v2 ON om_categories (msn, payment_type, order_id) WHERE source = 'v2';
   CREATE INDEX om_categories_order ON om_categories (msn, order_id, seq);
   CREATE TABLE om_receipts (
     msn TEXT NOT NULL,
     payment_type TEXT NOT NULL,
     order_id TEXT NOT NULL,
     receipt_id TEXT NOT NULL UNIQUE,
     receipt TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (msn, payment_type, order_id)
   ) WITHOUT ROWID;`,
];

const NEXT_SEQ = '(SELECT COALESCE(MAX(seq), 0) + 1 FROM om_categories)';

/**
 * {@link OrderManagementPort} in the platform's SQLite file: three tables of the `order-management` migration
 * module on the core store's connection. better-sqlite3 is synchronous, so each method is atomic on its own.
 */
export class SqliteOrderManagementStore implements OrderManagementPort {
  private readonly stmt;

  constructor(core: SqliteConnection) {
    core.migrate('order-management', MIGRATIONS);
    const db = core.db;
    this.stmt = {
      insertImage: db.prepare(
        `INSERT INTO om_images (msn, image_id, media_type, width, height, bytes, created_at)
         VALUES (@msn, @image_id, @media_type, @width, @height, @bytes, @created_at)
         ON CONFLICT (msn, image_id) DO NOTHING`,
      ),
      image: db.prepare<[string, string], ImageRow>('SELECT * FROM om_images WHERE msn = ? AND image_id = ?'),
      imageExists: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one FROM om_images WHERE msn = ? AND image_id = ?',
      ),
      v2Category: db.prepare<[string, string, string], CategoryRow>(
        `SELECT * FROM om_categories WHERE msn = ? AND payment_type = ? AND order_id = ? AND source = 'v2'`,
      ),
      updateCategory: db.prepare(
        `UPDATE om_categories SET type = @type, url = @url, image_id = @image_id, updated_at = @updated_at,
           seq = ${NEXT_SEQ}
         WHERE category_id = @category_id`,
      ),
      insertCategory: db.prepare(
        `INSERT INTO om_categories (category_id, msn, payment_type, order_id, type, url, image_id, source, seq,
           created_at, updated_at)
         VALUES (@category_id, @msn, @payment_type, @order_id, @type, @url, @image_id, @source, ${NEXT_SEQ},
           @created_at, @updated_at)`,
      ),
      latestCategory: db.prepare<[string, string, string], CategoryRow>(
        `SELECT * FROM om_categories WHERE msn = ? AND payment_type = ? AND order_id = ?
         ORDER BY seq DESC LIMIT 1`,
      ),
      categoriesOfOrder: db.prepare<[string, string], CategoryRow>(
        'SELECT * FROM om_categories WHERE msn = ? AND order_id = ? ORDER BY seq',
      ),
      category: db.prepare<[string, string], CategoryRow>(
        'SELECT * FROM om_categories WHERE msn = ? AND category_id = ?',
      ),
      deleteCategory: db.prepare('DELETE FROM om_categories WHERE msn = ? AND category_id = ?'),
      insertReceipt: db.prepare(
        `INSERT INTO om_receipts (msn, payment_type, order_id, receipt_id, receipt, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (msn, payment_type, order_id) DO NOTHING`,
      ),
      receipt: db.prepare<[string, string, string], ReceiptRow>(
        'SELECT * FROM om_receipts WHERE msn = ? AND payment_type = ? AND order_id = ?',
      ),
    };
    this.upsertTx = db.transaction((record: CategoryRecord): CategoryRecord => {
      const existing = this.stmt.v2Category.get(record.msn, record.paymentType, record.orderId);
      if (existing) {
        this.stmt.updateCategory.run({
          category_id: existing.category_id,
          type: record.type,
          url: record.url,
          image_id: record.imageId ?? null,
          updated_at: record.updatedAt,
        });
        return { ...record, categoryId: existing.category_id, createdAt: existing.created_at, source: 'v2' };
      }
      this.insert({ ...record, source: 'v2' });
      return { ...record, source: 'v2' };
    });
  }

  private readonly upsertTx: (record: CategoryRecord) => CategoryRecord;

  private insert(record: CategoryRecord): void {
    this.stmt.insertCategory.run({
      category_id: record.categoryId,
      msn: record.msn,
      payment_type: record.paymentType,
      order_id: record.orderId,
      type: record.type,
      url: record.url,
      image_id: record.imageId ?? null,
      source: record.source,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
  }

  async insertImage(image: StoredImage): Promise<boolean> {
    const result = this.stmt.insertImage.run({
      msn: image.msn,
      image_id: image.imageId,
      media_type: image.mediaType,
      width: image.width,
      height: image.height,
      bytes: image.bytes,
      created_at: image.createdAt,
    });
    return result.changes > 0;
  }

  async findImage(msn: string, imageId: string): Promise<StoredImage | undefined> {
    const row = this.stmt.image.get(msn, imageId);
    return row && imageOfRow(row);
  }

  async imageExists(msn: string, imageId: string): Promise<boolean> {
    return this.stmt.imageExists.get(msn, imageId) !== undefined;
  }

  async upsertOrderCategory(record: CategoryRecord): Promise<CategoryRecord> {
    return this.upsertTx(record);
  }

  async addCategory(record: CategoryRecord): Promise<void> {
    this.insert({ ...record, source: 'v3' });
  }

  async latestCategory(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<CategoryRecord | undefined> {
    const row = this.stmt.latestCategory.get(msn, paymentType, orderId);
    return row && categoryOfRow(row);
  }

  async listCategories(msn: string, orderId: string): Promise<CategoryRecord[]> {
    return this.stmt.categoriesOfOrder.all(msn, orderId).map(categoryOfRow);
  }

  async findCategory(msn: string, categoryId: string): Promise<CategoryRecord | undefined> {
    const row = this.stmt.category.get(msn, categoryId);
    return row && categoryOfRow(row);
  }

  async deleteCategory(msn: string, categoryId: string): Promise<boolean> {
    return this.stmt.deleteCategory.run(msn, categoryId).changes > 0;
  }

  async insertReceipt(record: ReceiptRecord): Promise<boolean> {
    const result = this.stmt.insertReceipt.run(
      record.msn,
      record.paymentType,
      record.orderId,
      record.receiptId,
      JSON.stringify(record.receipt),
      record.createdAt,
    );
    return result.changes > 0;
  }

  async findReceipt(
    msn: string,
    paymentType: OmPaymentType,
    orderId: string,
  ): Promise<ReceiptRecord | undefined> {
    const row = this.stmt.receipt.get(msn, paymentType, orderId);
    return row && receiptOfRow(row);
  }
}
