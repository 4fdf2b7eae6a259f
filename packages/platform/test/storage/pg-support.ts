/** The platform's PostgreSQL tests use the repository's shared helpers (test-support/postgres.ts). */
export {
  createTestDatabase,
  pgUnreachable,
  TEST_PG,
  type TestDatabase,
} from '../../../../test-support/postgres.js';
