import type { ForceApproveRequest } from '@betal/contract';
import { requireForceApprove, type PaymentService } from './apis/epayment/service.js';
import { requireTestClock } from './internal/core.js';
import type { SalesUnit } from './domain/sales-unit.js';
import { ApiError } from './kernel/errors.js';
import type { CrowdService } from './services/crowd.js';
import type { SalesUnitDirectory } from './services/directory.js';
import type { FaultService } from './services/faults.js';
import type { NewSandbox, SandboxService } from './services/sandboxes.js';
import type { SeedOutcome } from './services/seed.js';
import type { SnapshotService, SnapshotView } from './services/snapshots.js';

/**
 * The test controls of a platform, called from code (README "Testing against Betal"): what the `/betal` admin
 * endpoints do over HTTP, without the HTTP. Refusals are the same as the endpoints' (ApiError with the status the
 * endpoint answers: 400 for a bad field, 404 for an unknown MSN or snapshot; DomainError for a force approve the
 * ePayment API refuses).
 */
export interface PlatformAdmin {
  /**
   * `POST /betal/merchants`: a sandbox, a sales unit with a fresh MSN and fresh credentials (`clientId`,
   * `clientSecret`, two `subscriptionKeys`). Rejects with ApiError 400 naming a bad field.
   */
  createSandbox(input: NewSandbox): Promise<SalesUnit>;
  /** `DELETE /betal/merchants/{msn}`: the unit and all its data, in one transaction. */
  deleteSandbox(msn: string): Promise<void>;
  /** Every sales unit with its credentials (`GET /betal/merchants`). */
  sandboxes(): SalesUnit[];
  /**
   * `POST /betal/reset`: with `msn` that sales unit's data (the unit and its credentials kept), else everything,
   * back to the dev seed in dev mode and to the start's seed. The clock is not moved back.
   */
  reset(options?: { msn?: string }): Promise<void>;
  /**
   * `POST /betal/snapshots`: saves the whole state (every stored thing and the clock) under `name`, replacing a
   * snapshot of that name. Rejects with ApiError 400 for a bad name (1 to 64 of letters, digits, `.`, `_`, `-`).
   */
  snapshot(name: string): Promise<SnapshotView>;
  /**
   * `POST /betal/snapshots/{name}/restore`: puts back the state saved under `name` exactly, the clock included;
   * customer sessions and rate-limit windows are forgotten. Rejects with ApiError 404 when there is no such
   * snapshot, 400 for a bad name.
   */
  restore(name: string): Promise<SnapshotView>;
  /** `GET /betal/snapshots` (oldest first) and `DELETE /betal/snapshots/{name}` (ApiError 404 if none). */
  snapshots: Pick<SnapshotService, 'list' | 'delete'>;
  /** Fault rules (`/betal/faults`): refusals, delays, resets, lost answers and webhook faults on purpose. */
  faults: Pick<FaultService, 'add' | 'list' | 'get' | 'remove' | 'clear'>;
  /** The crowd of customers (`/betal/crowd`): test users that approve, reject or abandon by themselves. */
  crowd: Pick<CrowdService, 'set' | 'clear' | 'view' | 'runDue'>;
  /**
   * `POST /epayment/v1/test/payments/{reference}/approve` as the sales unit `msn` (contract 3.10): approves as
   * the customer in `request`, else the payment's own. Rejects with ApiError 404 for an unknown MSN and with the
   * API's DomainError otherwise (10010, 10030, 7010; 10020 outside dev mode or when the payment is not CREATED).
   */
  approve(msn: string, reference: string, request?: ForceApproveRequest): Promise<void>;
  /**
   * `POST /betal/clock/advance`: moves the platform clock forward by `ms` (finite, >= 0; RangeError otherwise),
   * keeps its offset, expires what became overdue and sends the webhook retries that became due. Resolves with
   * the number of payments expired. Rejects with ApiError 403 outside dev mode.
   */
  advanceClock(ms: number): Promise<number>;
  /** What the start's seed (`--seed FILE`, `startPlatform({seed})`) made; undefined without one. */
  readonly seeded: SeedOutcome | undefined;
}

/** What {@link platformAdmin} works with: the composed services (server.ts). */
export interface PlatformAdminDeps {
  devMode: boolean;
  directory: SalesUnitDirectory;
  payments: PaymentService;
  sandboxes: SandboxService;
  snapshots: SnapshotService;
  faults: FaultService;
  crowd: CrowdService;
  /** Moves the clock and does what follows from it (the same function as `POST /betal/clock/advance`). */
  advanceClock: (ms: number) => Promise<number>;
  seeded: SeedOutcome | undefined;
}

/** The admin facade over the composed services: each member delegates to the service that owns it. */
export function platformAdmin(deps: PlatformAdminDeps): PlatformAdmin {
  const { sandboxes, snapshots, faults, crowd } = deps;
  return {
    createSandbox: (input) => sandboxes.create(input),
    deleteSandbox: (msn) => sandboxes.delete(msn),
    sandboxes: () => deps.directory.list(),
    reset: (options) => sandboxes.reset(options),
    snapshot: (name) => snapshots.save(name),
    restore: (name) => snapshots.restore(name),
    snapshots: { list: () => snapshots.list(), delete: (name) => snapshots.delete(name) },
    faults: {
      add: (rule) => faults.add(rule),
      list: () => faults.list(),
      get: (id) => faults.get(id),
      remove: (id) => faults.remove(id),
      clear: () => faults.clear(),
    },
    crowd: {
      set: (input) => crowd.set(input),
      clear: (options) => crowd.clear(options),
      view: () => crowd.view(),
      runDue: () => crowd.runDue(),
    },
    async approve(msn, reference, request = {}) {
      requireForceApprove(deps.devMode);
      const unit = deps.directory.byMsn(msn);
      if (!unit) throw new ApiError(404, `There is no sales unit with MSN ${msn}.`);
      await deps.payments.forceApprove(unit, reference, request);
    },
    async advanceClock(ms) {
      requireTestClock(deps.devMode);
      return deps.advanceClock(ms);
    },
    seeded: deps.seeded,
  };
}
