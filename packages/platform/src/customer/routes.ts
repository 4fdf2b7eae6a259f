import type { FastifyInstance } from 'fastify';
import { readBodiesBySchema } from '../http/body.js';
import type { Clock } from '../clock.js';
import type { CustomerService } from '../services/customer.js';
import type { CustomerAccess } from './access.js';
import { appApiRoutes } from './app-api.js';
import { customerAssets } from './assets.js';
import type { LiveStreams } from './live.js';
import { liveRoutes } from './live-routes.js';
import { customerPageRoutes } from './pages-routes.js';
import { qrRoutes } from './qr-routes.js';

/** What the customer's routes use, built in the composition root (server.ts). */
export interface CustomerRouteDeps {
  customer: CustomerService;
  /** Sessions, PINs and the admin token: who may act in which app (see CustomerAccess). */
  access: CustomerAccess;
  clock: Clock;
  /** The platform's public base URL (known once listening): the QR codes encode landing URLs on it. */
  publicBaseUrl: () => string;
}

/**
 * The customer's side of the platform (contract 3.3, 3.11-3.15), one concept per file:
 *
 * - pages: `/landing?token=` (the WEB_REDIRECT landing page), `/app` (choose a test user's app),
 *   `/app/open?token=` (the NATIVE_REDIRECT app link), `/app/u/{phoneNumber}` (the user's app),
 *   `/app/users/new` and `/app/users/{phoneNumber}/edit` (test users): pages-routes.ts;
 * - `/customer-assets/*`, the pages' stylesheet and scripts (the files of ./web/): assets.ts;
 * - `/qr/v1?token=&format=svg|png&size=`: the QR image of a payment, 404 once it has ended: qr-routes.ts;
 * - the app's JSON API under `/app/api` (what a person does in the pages, for automated tests), with sign-in
 *   and sign-out: outside dev mode a user's calls need their session (see CustomerAccess): app-api.ts;
 * - their live updates, Server-Sent Events: live-routes.ts;
 * - the test users API: `GET /betal/users`, `GET/PATCH/DELETE /betal/users/{phoneNumber}`, `POST /betal/users`
 *   (`nin` and `customerToken` only for the admin; outside dev mode changes need the admin token): internal/users.ts (registered with the other /betal routes).
 *
 * The JSON APIs' bodies are read by their route's schema (http/body.ts: unknown fields refused, no body read
 * as `{}`), after the route's own preHandler (who may act) and before the handler; their refusals are ApiErrors.
 * The services come built from the composition root, which also closes them.
 */
export async function customerRoutes(
  app: FastifyInstance,
  deps: CustomerRouteDeps & { live: LiveStreams },
): Promise<void> {
  readBodiesBySchema(app, 'refuse', 'empty');
  await app.register(customerAssets);
  customerPageRoutes(app, deps);
  qrRoutes(app, deps);
  appApiRoutes(app, deps);
  liveRoutes(app, deps);
}
