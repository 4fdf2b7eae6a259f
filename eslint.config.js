import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The browser's scripts (the customer's pages, the merchant's pages): plain scripts in a browser, not Node. */
const browserScripts = [
  'packages/platform/src/customer/web/**/*.js',
  'packages/merchant/src/web/static/**/*.js',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'test-artifacts/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    ignores: browserScripts,
    languageOptions: {
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'Buffer',
          'fetch',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    files: browserScripts,
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'console',
          'fetch',
          'URL',
          'URLSearchParams',
          'Intl',
          'EventSource',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          // The element classes the scripts check DOM lookups against (`instanceof`).
          'HTMLElement',
          'HTMLAnchorElement',
          'HTMLButtonElement',
          'HTMLFormElement',
          'HTMLIFrameElement',
          'HTMLInputElement',
          'HTMLSelectElement',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
);
