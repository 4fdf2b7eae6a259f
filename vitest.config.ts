import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const file = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));
const src = (pkg: string) => file(`${pkg}/src/index.ts`);

export default defineConfig({
  resolve: {
    alias: {
      // The subpaths first: an alias also matches what starts with its name and a slash.
      '@betal/contract/html': file('contract/src/html.ts'),
      '@betal/contract/web-assets': file('contract/src/web-assets.ts'),
      '@betal/contract': src('contract'),
      '@betal/platform/internal': file('platform/src/internal-entry.ts'),
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
