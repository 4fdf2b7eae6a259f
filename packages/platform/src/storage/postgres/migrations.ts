/**
 * The PostgreSQL schema, as numbered migrations per module (applied by `migrate` in `./connection.ts`, each in its
 * own transaction, the version reached kept in `schema_migrations`). A module's list only ever grows: never edit
 * a migration that has shipped, add the next one. The tables follow the SQLite ones (`../sqlite/`) column for
 * column; money, epoch-ms times and outbox positions are BIGINT.
 */
import { SNAPSHOTS } from './snapshots.js';

/** Module `core`: settings, sales units, test users, payments, their events (the outbox), idempotency keys, consents. */
export const CORE: readonly string[] = [
  // 1
  `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE sales_units (
     msn TEXT PRIMARY KEY,
     client_id TEXT NOT NULL UNIQUE,
     data TEXT NOT NULL
   );
   CREATE TABLE test_users (
     phone_number TEXT PRIMARY KEY,
     customer_token TEXT NOT NULL UNIQUE,
     data TEXT NOT NULL
   );
   CREATE TABLE consents (
     msn TEXT NOT NULL,
     phone_number TEXT NOT NULL,
     sub TEXT NOT NULL,
     scopes TEXT[] NOT NULL,
     granted_at BIGINT NOT NULL,
     PRIMARY KEY (msn, phone_number),
     UNIQUE (msn, sub)
   );
   CREATE TABLE payments (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     state TEXT NOT NULL,
     currency TEXT NOT NULL,
     value BIGINT NOT NULL,
     authorized BIGINT NOT NULL,
     captured BIGINT NOT NULL,
     refunded BIGINT NOT NULL,
     cancelled BIGINT NOT NULL,
     user_flow TEXT NOT NULL,
     payment_method TEXT NOT NULL,
     token TEXT NOT NULL UNIQUE,
     redirect_url TEXT,
     sub TEXT,
     authorized_by TEXT,
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     details TEXT NOT NULL,
     UNIQUE (msn, reference),
     CHECK (state <> 'AUTHORIZED' OR captured + cancelled <= authorized),
     CHECK (refunded <= captured)
   );
   CREATE INDEX payments_overdue ON payments (expires_at) WHERE state = 'CREATED';
   CREATE INDEX payments_newest ON payments (msn, id);
   -- Positions are taken from the sequence only under the outbox lock, held until commit (see PostgresStore).
   CREATE SEQUENCE payment_events_seq;
   CREATE TABLE payment_events (
     seq BIGINT PRIMARY KEY,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     psp_reference TEXT NOT NULL,
     name TEXT NOT NULL,
     currency TEXT NOT NULL,
     amount BIGINT NOT NULL,
     timestamp BIGINT NOT NULL,
     idempotency_key TEXT,
     success BOOLEAN NOT NULL
   );
   CREATE INDEX payment_events_payment ON payment_events (msn, reference, seq);
   -- Keys are scoped per sales unit, payment and operation (issue #9), as in SQLite.
   CREATE TABLE idempotency_keys (
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     operation TEXT NOT NULL,
     key TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     status INTEGER NOT NULL,
     body TEXT,
     PRIMARY KEY (msn, reference, operation, key)
   );`,
  // 2: the rate limits' fixed windows, shared by every process (SharedPort.hitRateLimit); times are epoch ms on
  // the platform clock.
  `CREATE TABLE rate_limits (id TEXT PRIMARY KEY, start BIGINT NOT NULL, count INTEGER NOT NULL);
   CREATE INDEX rate_limits_start ON rate_limits (start);`,
  // 3: events are inserted without a position and numbered after commit by the outbox's sequencer (issue #15,
  // PostgresStore). `id` is the insertion order the sequencer numbers by; rows that have a position keep it, and
  // get it as their id too, with new ids starting above every position ever handed out.
  `ALTER TABLE payment_events ADD COLUMN id BIGINT;
   UPDATE payment_events SET id = seq;
   ALTER TABLE payment_events DROP CONSTRAINT payment_events_pkey,
     ALTER COLUMN seq DROP NOT NULL,
     ALTER COLUMN id SET NOT NULL,
     ADD PRIMARY KEY (id);
   DO $$ BEGIN
     EXECUTE format('ALTER TABLE payment_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH %s)',
       (SELECT last_value + 1 FROM payment_events_seq));
   END $$;
   CREATE UNIQUE INDEX payment_events_position ON payment_events (seq);
   CREATE INDEX payment_events_unsequenced ON payment_events (id) WHERE seq IS NULL;`,
];

/** Module `webhooks`: registrations, the outbox cursor, deliveries with their attempt log. */
export const WEBHOOKS: readonly string[] = [
  // 1
  `CREATE TABLE webhook_registrations (
     id TEXT PRIMARY KEY,
     msn TEXT NOT NULL,
     url TEXT NOT NULL,
     events TEXT[] NOT NULL,
     secret TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     from_seq BIGINT NOT NULL,
     failing_since BIGINT,
     deleted_at BIGINT,
     deleted_reason TEXT
   );
   CREATE INDEX webhook_registrations_live ON webhook_registrations (msn, created_at) WHERE deleted_at IS NULL;
   CREATE TABLE webhook_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL);
   INSERT INTO webhook_cursor (id, seq) VALUES (1, 0);
   CREATE TABLE webhook_deliveries (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     registration_id TEXT NOT NULL REFERENCES webhook_registrations (id),
     seq BIGINT NOT NULL,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     event_type TEXT NOT NULL,
     body TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL,
     next_attempt_at BIGINT,
     first_attempt_at BIGINT,
     finished_at BIGINT,
     attempt_log JSONB NOT NULL DEFAULT '[]',
     UNIQUE (registration_id, seq)
   );
   CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (registration_id, seq) WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_payment ON webhook_deliveries (registration_id, msn, reference, seq)
     WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
   CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';`,
  // 2: a dispatcher's claim on a delivery it is sending (epoch ms on the database's clock; see claimDueHeads).
  `ALTER TABLE webhook_deliveries ADD COLUMN claimed_until BIGINT;`,
];

/** Module `order-management`: images, categories, receipts. */
export const ORDER_MANAGEMENT: readonly string[] = [
  // 1
  `CREATE TABLE om_images (
     msn TEXT NOT NULL,
     image_id TEXT NOT NULL,
     media_type TEXT NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     bytes BYTEA NOT NULL,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (msn, image_id)
   );
   -- The order in which categories were written: the latest of an order is the one the app shows.
   CREATE SEQUENCE om_categories_seq;
   CREATE TABLE om_categories (
     category_id TEXT PRIMARY KEY,
     msn TEXT NOT NULL,
     payment_type TEXT NOT NULL,
     order_id TEXT NOT NULL,
     type TEXT NOT NULL,
     url TEXT NOT NULL,
     image_id TEXT,
     source TEXT NOT NULL CHECK (source IN ('v2', 'v3')),
     seq BIGINT NOT NULL DEFAULT nextval('om_categories_seq'),
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE UNIQUE INDEX om_categories_v2 ON om_categories (msn, payment_type, order_id) WHERE source = 'v2';
   CREATE INDEX om_categories_order ON om_categories (msn, order_id, seq);
   CREATE TABLE om_receipts (
     msn TEXT NOT NULL,
     payment_type TEXT NOT NULL,
     order_id TEXT NOT NULL,
     receipt_id TEXT NOT NULL UNIQUE,
     receipt TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     PRIMARY KEY (msn, payment_type, order_id)
   );`,
];

/** Module `customer`: the customer inbox. */
export const CUSTOMER: readonly string[] = [
  // 1
  `CREATE TABLE customer_inbox (
     phone_number TEXT NOT NULL,
     msn TEXT NOT NULL,
     reference TEXT NOT NULL,
     added_at BIGINT NOT NULL,
     PRIMARY KEY (phone_number, msn, reference)
   );
   CREATE INDEX customer_inbox_newest ON customer_inbox (phone_number, added_at);`,
];

/** Every module, in the order they are migrated. */
export const MODULES: ReadonlyArray<{ module: string; migrations: readonly string[] }> = [
  { module: 'core', migrations: CORE },
  { module: 'webhooks', migrations: WEBHOOKS },
  { module: 'order-management', migrations: ORDER_MANAGEMENT },
  { module: 'customer', migrations: CUSTOMER },
  { module: 'snapshots', migrations: SNAPSHOTS },
];
