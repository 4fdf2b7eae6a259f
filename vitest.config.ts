import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      // The subpath first: an alias also matches what starts with its name and a slash.
      '@betal/contract/html': fileURLToPath(new URL('./packages/contract/src/html.ts', import.meta.url)),
      '@betal/contract': src('contract'),
      '@betal/platform': src('platform'),
      '@betal/client': src('client'),
      '@betal/merchant': src('merchant'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
