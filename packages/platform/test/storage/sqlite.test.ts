import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StorageNotSupportedError, openStorage, redactDatabase } from '../../src/storage/open.js';
import { describeStorageConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'betal-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeStorageConformance('SQLite :memory:', () => openStorage({ database: ':memory:' }));
describeStorageConformance('SQLite file', () => openStorage({ database: join(dir, `s${++files}.sqlite`) }));

describe('openStorage', () => {
  it('answers a URL of a database it has no storage for clearly, without its password', async () => {
    const opening = openStorage({ database: 'mysql://betal:hunter2@db.example:3306/betal' });
    await expect(opening).rejects.toBeInstanceOf(StorageNotSupportedError);
    await expect(opening).rejects.toThrow(/No storage for database .*postgres:\/\/ URL/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
  });

  it('hides the password of a database URL in what it prints, and leaves paths alone', () => {
    expect(redactDatabase('postgres://betal:hunter2@db.example:5432/betal')).toBe(
      'postgres://betal:***@db.example:5432/betal',
    );
    expect(redactDatabase('postgres://db.example/betal')).toBe('postgres://db.example/betal');
    expect(redactDatabase('./data/platform.sqlite')).toBe('./data/platform.sqlite');
  });

  it('opens every :memory: database empty and migrated, apart from the others (copies of one template)', async () => {
    const first = await openStorage({ database: ':memory:' });
    await first.setSetting('clock_offset_ms', '600000');
    await first.inbox.add('4712345678', '123456', 'order-1', 1);
    const second = await openStorage({ database: ':memory:' });
    expect(await second.getSetting('clock_offset_ms')).toBeUndefined();
    expect(await second.inbox.has('4712345678', '123456', 'order-1')).toBe(false);
    expect(await second.latestEventSeq()).toBe(0);
    await second.setSetting('clock_offset_ms', '5');
    expect(await first.getSetting('clock_offset_ms')).toBe('600000');
    await first.close();
    await second.close();
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
