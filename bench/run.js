// `npm run bench`: every benchmark of the project, one after the other, each in its own process.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = ['core.js', 'webhooks.js', 'reset.js', 'snapshot.js', 'postgres.js'].filter((f) =>
  existsSync(new URL(`./${f}`, import.meta.url)),
);
for (const file of benches) {
  console.log(`\n=== bench/${file} ===`);
  const r = spawnSync(process.execPath, [new URL(`./${file}`, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
