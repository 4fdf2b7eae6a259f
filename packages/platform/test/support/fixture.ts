import { afterAll, beforeAll } from 'vitest';

/**
 * Something a whole test file shares (a platform, a browser world): opened with `open` in a `beforeAll` and closed
 * in an `afterAll`, registered where this is called (so before the file's own hooks that come after the call).
 * What it answers stands for the opened thing: its properties and methods are the opened one's, bound to it;
 * using it before `beforeAll` has run throws.
 */
export function openForFile<T extends { close(): Promise<void> }>(open: () => Promise<T>): T {
  let opened: T | undefined;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(() => opened?.close());
  return new Proxy({} as T, {
    get(_target, key) {
      if (!opened) throw new Error('opened in beforeAll: use it in a hook or a test');
      const value: unknown = Reflect.get(opened, key, opened);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(opened) : value;
    },
  });
}
