// The browser's files (scripts checked by tsc with tsconfig.web.json, stylesheets) are served as they are: `npm run
// build` copies each package's folder of them next to its compiled code, where the server reads them and `npm pack`
// ships them (dist is in each package's `files`).
import { cpSync, rmSync } from 'node:fs';

const root = new URL('../packages/', import.meta.url);
const folders = [
  ['platform/src/customer/web/', 'platform/dist/customer/web/'],
  ['platform/src/web/', 'platform/dist/web/'],
  ['merchant/src/web/static/', 'merchant/dist/web/static/'],
];
for (const [from, to] of folders) {
  rmSync(new URL(to, root), { recursive: true, force: true });
  cpSync(new URL(from, root), new URL(to, root), { recursive: true });
}
