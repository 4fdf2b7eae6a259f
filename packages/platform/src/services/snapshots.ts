import type { PlatformClock } from '../clock.js';
import { ApiError } from '../kernel/errors.js';
import type { SnapshotInfo, SnapshotsPort, SettingsPort } from '../storage/ports.js';

/** What a snapshot is listed as (`GET /betal/snapshots`): `createdAt` ISO 8601 on the platform clock. */
export interface SnapshotView {
  name: string;
  createdAt: string;
  /** The size of the saved rows, in bytes. */
  bytes: number;
  /** Rows per table (`payments`, `payment_events`, `webhook_deliveries`, `test_users`, ...). */
  counts: Record<string, number>;
}

/** What is kept with a snapshot besides the rows: where the platform clock stood. */
interface SnapshotMeta {
  clock: { offsetMs: number; frozenAt?: number };
}

/** A snapshot's name: 1 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function view(saved: SnapshotInfo): SnapshotView {
  return {
    name: saved.name,
    createdAt: new Date(saved.createdAt).toISOString(),
    bytes: saved.bytes,
    counts: saved.counts,
  };
}

/**
 * Snapshots of the whole platform (issue #13 item 2): `save` copies every stored thing (payments, events and the
 * outbox cursor, webhooks and deliveries, Order Management data, the customer inbox, consents, test users, sales
 * units, settings) and the platform clock under a name; `restore` puts all of it back exactly, clock included,
 * and forgets what is held in memory of the old state (sales units, the dispatcher's registrations, customer
 * sessions, rate-limit windows). Signing keys and the admin token are never changed by a restore, so tokens
 * issued before it stay valid.
 */
export class SnapshotService {
  constructor(
    private readonly deps: {
      snapshots: SnapshotsPort;
      settings: SettingsPort;
      clock: PlatformClock;
      /** Reads again what is held in memory of the stored state (the sales unit directory, the dispatcher, ...). */
      forget: () => Promise<void>;
      /** Settings a restore leaves as they are: signing keys, the admin token. */
      keepSettings: readonly string[];
    },
  ) {}

  /** Saves the whole state under `name`, replacing a snapshot of that name. ApiError 400 for a bad name. */
  async save(name: string): Promise<SnapshotView> {
    this.checkName(name);
    const meta: SnapshotMeta = {
      clock: {
        offsetMs: this.deps.clock.offset,
        ...(this.deps.clock.frozen ? { frozenAt: this.deps.clock.now() } : {}),
      },
    };
    return view(await this.deps.snapshots.save(name, this.deps.clock.now(), meta));
  }

  /** Every snapshot, oldest first. */
  async list(): Promise<SnapshotView[]> {
    return (await this.deps.snapshots.list()).map(view);
  }

  /**
   * Puts back the state saved under `name`, the clock included. ApiError 400 for a bad name, 404 when there is
   * no such snapshot (nothing changed then).
   */
  async restore(name: string): Promise<SnapshotView> {
    this.checkName(name);
    const restored = await this.deps.snapshots.restore(name, { keepSettings: this.deps.keepSettings });
    if (!restored) throw this.unknown(name);
    const clock = (restored.meta as Partial<SnapshotMeta> | null)?.clock;
    if (clock) {
      this.deps.clock.restoreTo(clock);
      await this.deps.settings.setSetting('clock_offset_ms', String(this.deps.clock.offset));
    }
    await this.deps.forget();
    return view(restored);
  }

  /** Deletes the snapshot. ApiError 400 for a bad name, 404 when there is none of that name. */
  async delete(name: string): Promise<void> {
    this.checkName(name);
    if (!(await this.deps.snapshots.delete(name))) throw this.unknown(name);
  }

  private checkName(name: string): void {
    if (!SNAPSHOT_NAME.test(name)) {
      throw ApiError.validation([
        {
          name: 'name',
          reason:
            'A snapshot name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
        },
      ]);
    }
  }

  private unknown(name: string): ApiError {
    return new ApiError(404, `There is no snapshot named ${name}.`, {
      fields: [{ name: 'name', reason: 'No snapshot has this name.' }],
    });
  }
}
