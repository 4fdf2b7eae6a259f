import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageNotSupportedError, openStorage } from '../../src/storage/open.js';
import { describeStorageConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'betal-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeStorageConformance('SQLite :memory:', () => openStorage({ database: ':memory:' }));
describeStorageConformance('SQLite file', () => openStorage({ database: join(dir, `s${++files}.sqlite`) }));

describe('openStorage', () => {
  it('answers a PostgreSQL URL with a clear "not supported yet", without its password', async () => {
    const opening = openStorage({ database: 'postgres://betal:hunter2@db.example:5432/betal' });
    await expect(opening).rejects.toBeInstanceOf(StorageNotSupportedError);
    await expect(opening).rejects.toThrow(/PostgreSQL storage is not supported yet/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
    await expect(openStorage({ database: 'postgresql://localhost/betal' })).rejects.toThrow(
      /not supported yet/,
    );
  });

  it('keeps what a SQLite file holds across a reopen', async () => {
    const database = join(dir, 'reopen.sqlite');
    const first = await openStorage({ database });
    await first.setSetting('clock_offset_ms', '600000');
    await first.inbox.add('4712345678', '123456', 'order-1', 1);
    await first.close();
    const second = await openStorage({ database });
    expect(await second.getSetting('clock_offset_ms')).toBe('600000');
    expect(await second.inbox.has('4712345678', '123456', 'order-1')).toBe(true);
    await second.close();
  });
});
