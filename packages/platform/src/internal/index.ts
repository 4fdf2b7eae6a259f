import type { FastifyInstance } from 'fastify';
import type { PlatformClock } from '../clock.js';
import type { PlatformConfig } from '../config.js';
import type { CustomerAccess } from '../customer/access.js';
import type { WebhookService } from '../delivery/service.js';
import type { CrowdService } from '../services/crowd.js';
import type { CustomerService } from '../services/customer.js';
import type { SalesUnitDirectory } from '../services/directory.js';
import type { FaultService } from '../services/faults.js';
import type { OrderManagementService } from '../apis/order-management/service.js';
import type { PaymentService } from '../apis/epayment/service.js';
import type { SandboxService } from '../services/sandboxes.js';
import type { SnapshotService } from '../services/snapshots.js';
import type { PlatformStore } from '../storage/ports.js';
import { readBodiesBySchema } from '../http/body.js';
import { adminGuard, betalSection } from './admin-guard.js';
import { betalCheckRoutes } from './check.js';
import { betalRoutes, betalSandboxRoutes } from './core.js';
import { betalCrowdRoutes } from './crowd.js';
import { dashboardRoutes } from './dashboard.js';
import { betalDeliveryRoutes } from './deliveries.js';
import { betalFaultRoutes } from './faults.js';
import { betalImageRoutes } from './images.js';
import { betalPaymentRoutes } from './payments.js';
import { betalSnapshotRoutes } from './snapshots.js';
import { usersApiRoutes } from './users.js';

export { isAdminRequest } from './admin-guard.js';

/**
 * The sections of `/betal` (the first segment after `/betal/`) that are open without the admin token outside dev
 * mode, on purpose: liveness, readiness, the clock (reading it; moving it is refused outside dev mode by its own
 * route) and the Order Management images the customer's app loads. Every other `/betal` route is admin.
 */
export const OPEN_BETAL_SECTIONS: readonly string[] = ['health', 'ready', 'clock', 'images'];

/**
 * True when `path` (a request path or a route pattern, `%`-encoded or not) is under `/betal` and outside the open
 * sections ({@link OPEN_BETAL_SECTIONS}): a path that needs the admin token outside dev mode. The server does not
 * decide by it: the admin routes are guarded by being registered in the guarded part of {@link betalApi}, and a
 * test holds this function to the registered routes.
 */
export function isAdminPath(path: string): boolean {
  const section = betalSection(path.split('?', 1)[0] ?? '');
  return section !== undefined && !OPEN_BETAL_SECTIONS.includes(section);
}

/** What the `/betal` routes need, built by the composition root (server.ts). */
export interface BetalApiDeps {
  /** Dev mode, the admin token and the public URL decide the guard; the webhook hosts the receiver check. */
  config: PlatformConfig;
  clock: PlatformClock;
  store: PlatformStore;
  payments: PaymentService;
  directory: SalesUnitDirectory;
  sandboxes: SandboxService;
  snapshots: SnapshotService;
  faults: FaultService;
  webhooks: WebhookService;
  orders: OrderManagementService;
  customer: CustomerService;
  access: CustomerAccess;
  crowd: CrowdService;
  /** The test clock's advance, with the expiry sweep and the dispatcher woken (`ProcessSync.advanceTestClock`). */
  advanceClock: (ms: number) => Promise<number>;
}

/**
 * Every `/betal` route of the platform, in two parts:
 *
 * - open: health, readiness, the clock and the Order Management images ({@link OPEN_BETAL_SECTIONS});
 * - admin: everything else (the dashboard, the delivery log, the test users, the sales units and reset,
 *   snapshots, faults, the webhook receiver check, the payment list, the crowd), registered inside one
 *   encapsulated context whose one `onRequest` hook is the admin guard (internal/admin-guard.ts): outside dev mode
 *   401 Problem with `WWW-Authenticate: Bearer realm="betal-admin"` without the admin token. A new admin route is
 *   guarded by being registered there.
 *
 * A request that matches no route but names an admin section (`/betal/dashboard/nothing`, say) gets the guard's answer
 * as well, so that what exists there is not revealed before the token. Registered without encapsulation of its
 * own (`skip-override`) for that one root hook; the two parts are encapsulated.
 */
export async function betalApi(app: FastifyInstance, deps: BetalApiDeps): Promise<void> {
  const { config } = deps;
  const guard = adminGuard(config);
  const routeDeps = { ...deps, devMode: config.devMode };
  const adminSections = new Set<string>();

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== undefined) return;
    const section = betalSection(request.url.split('?', 1)[0] ?? '');
    if (section !== undefined && adminSections.has(section)) return guard.call(app, request, reply);
  });

  await app.register(async (open) => {
    await open.register(betalRoutes, routeDeps);
    await open.register(betalImageRoutes, { orders: deps.orders });
  });

  await app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      const section = betalSection(route.url);
      if (section !== undefined) adminSections.add(section);
    });
    admin.addHook('onRequest', guard);
    await admin.register(betalSandboxRoutes, routeDeps);
    await admin.register(dashboardRoutes, routeDeps);
    await admin.register(betalDeliveryRoutes, routeDeps);
    await admin.register(async (users) => {
      // The test users' bodies are read as the customer side reads them (an empty body is no body).
      readBodiesBySchema(users, 'refuse', 'empty');
      usersApiRoutes(users, deps);
    });
    await admin.register(betalSnapshotRoutes, routeDeps);
    await admin.register(betalFaultRoutes, routeDeps);
    await admin.register(betalCheckRoutes, {
      clock: deps.clock,
      devMode: config.devMode,
      ...(config.allowWebhookHosts ? { allowHosts: config.allowWebhookHosts } : {}),
    });
    await admin.register(betalPaymentRoutes, routeDeps);
    await admin.register(betalCrowdRoutes, {
      crowd: deps.crowd,
      knownMsn: (msn) => deps.directory.byMsn(msn) !== undefined,
    });
  });
}
// The root hook above must reach the requests that match no route (fastify-plugin's `skip-override`).
Object.assign(betalApi, { [Symbol.for('skip-override')]: true });
