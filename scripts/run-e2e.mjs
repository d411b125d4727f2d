// Runs the browser tests when Debian's Chromium is present. Outside CI they are skipped with a
// one-line notice; in CI (CI=true) a missing Chromium is a failure.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  if (process.env.CI === 'true') {
    console.error(`Browser tests need Chromium at ${chromium} (apt-get install -y chromium).`);
    process.exit(1);
  }
  console.log(`Skipping browser tests: no Chromium at ${chromium} (apt-get install -y chromium).`);
  process.exit(0);
}
const result = spawnSync('npx', ['mocha', '--config', 'test/example-app/browser/.mocharc.json'], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
