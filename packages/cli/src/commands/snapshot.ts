import { Command } from 'commander';
import { processIo, type Io } from './io.js';
import { formatFields, formatTable } from './table.js';
import { verb, type Outcome } from './verb.js';

/** A snapshot as `/betal/snapshots` answers it: `createdAt` on the platform clock, `bytes`, rows per table. */
export interface SnapshotView {
  name: string;
  createdAt: string;
  bytes: number;
  counts: Record<string, number>;
}

/** `12.3 kB`: a size for people. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function snapshotOutcome(snapshot: SnapshotView, done: string): Outcome {
  const c = snapshot.counts;
  return {
    json: snapshot,
    text: formatFields([
      ['snapshot', `${snapshot.name} ${done}`],
      ['created', snapshot.createdAt],
      ['size', formatBytes(snapshot.bytes)],
      ['payments', c.payments ?? 0],
      ['events', c.payment_events ?? 0],
      ['webhooks', c.webhook_registrations ?? 0],
      ['deliveries', c.webhook_deliveries ?? 0],
      ['merchants', c.sales_units ?? 0],
      ['test users', c.test_users ?? 0],
    ]),
  };
}

/**
 * `betal snapshot save|restore|list|delete`: snapshots of the platform's whole state (`/betal/snapshots`, admin
 * outside dev mode): save once after seeding, restore before each test.
 */
export function registerSnapshot(program: Command, io: Io = processIo()): void {
  const snapshot = program
    .command('snapshot')
    .alias('snapshots')
    .description("save and restore the platform's whole state under a name");
  verb(
    snapshot
      .command('save <name>')
      .description('save the whole state (payments, webhooks, users, merchants, the clock) under a name'),
    io,
    'betal snapshot save seeded\nbetal snapshot save seeded --json',
    async ({ http }, [name]) =>
      snapshotOutcome(await http.betal<SnapshotView>('POST', '/betal/snapshots', { name }), 'saved'),
  );
  verb(
    snapshot.command('restore <name>').description('put the saved state back exactly, the clock included'),
    io,
    'betal snapshot restore seeded',
    async ({ http }, [name]) =>
      snapshotOutcome(
        await http.betal<SnapshotView>(
          'POST',
          `/betal/snapshots/${encodeURIComponent(name as string)}/restore`,
        ),
        'restored',
      ),
  );
  verb(
    snapshot.command('list').description('list the snapshots, oldest first'),
    io,
    'betal snapshot list\nbetal snapshot list --json',
    async ({ http }) => {
      const answer = await http.betal<{ snapshots: SnapshotView[] }>('GET', '/betal/snapshots');
      return {
        json: answer,
        text:
          answer.snapshots.length === 0
            ? 'No snapshots. Save one with `betal snapshot save <name>`.'
            : formatTable(
                ['NAME', 'CREATED', 'SIZE', 'PAYMENTS', 'EVENTS', 'DELIVERIES', 'MERCHANTS'],
                answer.snapshots.map((s) => [
                  s.name,
                  s.createdAt,
                  formatBytes(s.bytes),
                  s.counts.payments ?? 0,
                  s.counts.payment_events ?? 0,
                  s.counts.webhook_deliveries ?? 0,
                  s.counts.sales_units ?? 0,
                ]),
              ),
      };
    },
  );
  verb(
    snapshot.command('delete <name>').description('delete a snapshot'),
    io,
    'betal snapshot delete seeded',
    async ({ http }, [name]) => {
      await http.betal('DELETE', `/betal/snapshots/${encodeURIComponent(name as string)}`);
      return { json: { deleted: name }, text: `snapshot ${name as string} deleted` };
    },
  );
}
