import { merchantConfigFromEnv } from './config.js';
import { createMerchant } from './server.js';

/**
 * Runs the reference merchant on its own, configured from the environment (see `MerchantConfig`: `MERCHANT_DB`,
 * `MERCHANT_PORT`, `VIPPS_BASE_URL`...): `node packages/merchant/dist/main.js`. Several such processes may share
 * one PostgreSQL database (`MERCHANT_DB=postgres://...`). Prints `merchant ready at <url>` on stdout once it
 * listens; SIGINT or SIGTERM closes it (in-flight requests and follow-ups finish, the store is closed).
 */
const config = merchantConfigFromEnv();
const merchant = await createMerchant(config);
const url = await merchant.listen();
process.stdout.write(`merchant ready at ${url}\n`);

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  merchant.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`closing the merchant failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
