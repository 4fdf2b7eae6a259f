import type { SalesUnit } from '../domain/sales-unit.js';
import type { PlatformStore } from '../storage/ports.js';

/**
 * The sales units, held in memory for the per-request look-ups (subscription key, MSN) and written through to
 * the store. Source: contract 1 (credentials of a sales unit). On a store several processes share, the platform
 * reloads it before a request whenever another process changed the sales units (`ProcessSync`).
 */
export class SalesUnitDirectory {
  private byMsnMap = new Map<string, SalesUnit>();
  private byKeyMap = new Map<string, SalesUnit>();

  private constructor(private readonly store: PlatformStore) {}

  static async open(store: PlatformStore): Promise<SalesUnitDirectory> {
    const directory = new SalesUnitDirectory(store);
    for (const unit of await store.listSalesUnits()) directory.index(unit);
    return directory;
  }

  private index(unit: SalesUnit): void {
    const old = this.byMsnMap.get(unit.msn);
    if (old) for (const k of old.subscriptionKeys) this.byKeyMap.delete(k);
    this.byMsnMap.set(unit.msn, unit);
    for (const k of unit.subscriptionKeys) this.byKeyMap.set(k, unit);
  }

  /** Creates or replaces a sales unit; a subscription key may belong to one unit only (throws otherwise). */
  async save(unit: SalesUnit): Promise<void> {
    for (const k of unit.subscriptionKeys) {
      const owner = this.byKeyMap.get(k);
      if (owner && owner.msn !== unit.msn)
        throw new Error(`subscription key already belongs to MSN ${owner.msn}`);
    }
    await this.store.saveSalesUnit(unit);
    this.index(unit);
  }

  /** Forgets a sales unit (its subscription keys and tokens stop working at once); the store is the caller's. */
  remove(msn: string): void {
    const old = this.byMsnMap.get(msn);
    if (!old) return;
    for (const k of old.subscriptionKeys) this.byKeyMap.delete(k);
    this.byMsnMap.delete(msn);
  }

  /**
   * Reads every sales unit from the store again (after a reset, or when another process changed them). The
   * look-ups answer from the old set until the new one is read, then from the new one: never from an empty one.
   */
  async reload(): Promise<void> {
    const units = await this.store.listSalesUnits();
    this.byMsnMap = new Map();
    this.byKeyMap = new Map();
    for (const unit of units) this.index(unit);
  }

  byMsn(msn: string): SalesUnit | undefined {
    return this.byMsnMap.get(msn);
  }

  bySubscriptionKey(key: string): SalesUnit | undefined {
    return this.byKeyMap.get(key);
  }

  list(): SalesUnit[] {
    return [...this.byMsnMap.values()];
  }
}
