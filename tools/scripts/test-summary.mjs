// Sums the vitest JSON reports (test-results.json) that every workspace package writes, and prints
// "N passed, N failed" as the final line. Exits non-zero when a package ran no test or any test failed.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'test', 'firmware', 'tools'];
const dirs = [];
for (const root of roots) {
  if (!existsSync(root)) continue;
  if (existsSync(join(root, 'package.json'))) dirs.push(root);
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(root, entry.name, 'package.json'))) dirs.push(join(root, entry.name));
  }
}

let passed = 0;
let failed = 0;
let problems = 0;
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = join(dir, 'test-results.json');
  if (!existsSync(report)) {
    console.log(`${pkg.name}: no test report (the package's tests did not run to completion)`);
    problems++;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const p = r.numPassedTests ?? 0;
  const f = (r.numFailedTests ?? 0) + (r.numTodoTests ?? 0) + (r.numPendingTests ?? 0);
  if (p + f === 0) {
    console.log(`${pkg.name}: ran no test`);
    problems++;
  }
  console.log(`${pkg.name}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed + problems} failed`);
process.exit(failed + problems > 0 ? 1 : 0);
