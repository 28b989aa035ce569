import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { boards, renderWiringTable } from '@ispkit/boards';
import { workspaceRoot } from '@ispkit/sim/testing';

// The top-level README is what a new user reads first: its promises are checked against the code they describe.
const root = workspaceRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

test('the README starts with exactly the two commands, and package.json defines both', () => {
  const block = /^# ispkit\n\n```sh\n([^`]*)```/.exec(readme);
  expect(block, 'a sh block right after the title').not.toBeNull();
  const commands = block![1]!.trim().split('\n').map((l) => l.replace(/\s+#.*$/, ''));
  expect(commands).toEqual(['npm run demo', 'npm test']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.demo).toMatch(/setup\.sh/);
  expect(pkg.scripts.test).toMatch(/setup\.sh/);
});

test('the wiring table is the one generated from the board table', () => {
  expect(readme).toContain(renderWiringTable(boards));
});

test('the benchmark table is the committed bench/results.md', () => {
  expect(readme).toContain(readFileSync(join(root, 'bench/results.md'), 'utf8').trim());
});

test('every ispkit command the README names exists in the CLI', () => {
  // `pnpm ispkit <command>` in code and the first word of each row of the command table.
  const named = new Set([
    ...[...readme.matchAll(/(?:^|`)pnpm ispkit (?:-P <port> )?([a-z]+)/gm)].map((m) => m[1]!),
    ...[...readme.matchAll(/^\| `([a-z]+)[ `]/gm)].map((m) => m[1]!),
  ]);
  const help = execFileSync(process.execPath, [join(root, 'packages/host/dist/cli.js'), '--help'], { encoding: 'utf8' });
  const commands = new Set([...help.split('Commands:')[1]!.matchAll(/^  ([a-z]+)/gm)].map((m) => m[1]!));
  expect(named.size).toBeGreaterThan(5);
  for (const name of named) expect(commands, `ispkit ${name}`).toContain(name);
});
