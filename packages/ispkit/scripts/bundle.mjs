#!/usr/bin/env node
/**
 * Builds the publishable `ispkit` package from the workspace:
 * - dist/cli.js: @ispkit/host's CLI with every @ispkit/* workspace package it imports bundled in (esbuild follows
 *   the imports, so a new workspace package is included without touching this file);
 * - everything else it imports (serialport, node-hid, commander, cli-progress) stays a real npm dependency: the
 *   native ones must install from their own prebuilt binaries. Each one must be listed in this package's
 *   `dependencies` at the version the importing workspace package pins, or the build fails naming the line to add;
 * - firmware/dist/*.hex: the committed programmer firmware, found by the CLI next to dist/;
 * - udev/60-ispkit.rules: the udev rule `ispkit setup udev` installs, rendered from the same id tables;
 * - dist/site: the built web page `ispkit web` serves (where @ispkit/web's siteDir() looks from dist/cli.js).
 *
 *   node scripts/bundle.mjs [--check]     (--check: verify the dependency list only, write nothing)
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const check = process.argv.includes('--check');

function fail(message) {
  process.stderr.write(`ispkit package: ${message}\n`);
  process.exit(1);
}

/** The workspace package linked into our node_modules (pnpm symlinks workspace:* dependencies). */
function linkedPackage(name) {
  const dir = join(pkgDir, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) fail(`${name} is not linked into packages/ispkit/node_modules; run pnpm install`);
  return dir;
}

/** package.json of the package that owns `file` (the nearest one above it). */
function owningManifest(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) return JSON.parse(readFileSync(p, 'utf8'));
    if (dirname(dir) === dir) return undefined;
  }
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** name → { version, importer } for every npm package the bundle leaves external. */
const externals = new Map();

const externalsPlugin = {
  name: 'ispkit-externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (builtins.has(args.path) || args.path.startsWith('node:')) return { path: args.path, external: true };
      const name = packageName(args.path);
      if (name.startsWith('@ispkit/')) return undefined; // bundle it
      const owner = owningManifest(args.importer);
      const version = owner?.dependencies?.[name];
      if (!version) fail(`${owner?.name ?? args.importer} imports ${name} but does not list it in its dependencies`);
      externals.set(name, { version, importer: owner.name });
      return { path: args.path, external: true };
    });
  },
};

const hostDir = linkedPackage('@ispkit/host');
const hostManifest = JSON.parse(readFileSync(join(hostDir, 'package.json'), 'utf8'));
const entry = join(hostDir, hostManifest.bin.ispkit);
if (!existsSync(entry)) fail(`${entry} is missing; build @ispkit/host first (turbo does: pnpm build)`);

const result = await build({
  entryPoints: [entry],
  outfile: join(pkgDir, 'dist', 'cli.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  write: !check,
  metafile: true,
  legalComments: 'inline',
  logLevel: 'warning',
  plugins: [externalsPlugin],
});

const problems = [];
for (const [name, { version, importer }] of [...externals].sort()) {
  const listed = manifest.dependencies?.[name];
  if (listed !== version) problems.push(`"${name}": "${version}" (imported by ${importer}${listed ? `; listed as ${listed}` : ''})`);
}
for (const name of Object.keys(manifest.dependencies ?? {})) {
  if (!externals.has(name)) problems.push(`remove "${name}" (nothing in the bundle imports it)`);
}
if (problems.length) fail(`packages/ispkit/package.json dependencies must match the bundle's imports: ${problems.join('; ')}`);

const bundled = [...new Set(Object.keys(result.metafile.inputs).map((f) => owningManifest(resolve(f))?.name).filter(Boolean))].sort();
if (check) {
  process.stdout.write(`ispkit package: dependencies match (${[...externals.keys()].sort().join(', ')}); bundles ${bundled.join(', ')}\n`);
  process.exit(0);
}

// The committed programmer hex files, where the CLI's firmwareDir() finds them (<package>/firmware/dist).
const firmwareDist = join(linkedPackage('@ispkit/firmware'), 'dist');
const hexOut = join(pkgDir, 'firmware', 'dist');
rmSync(join(pkgDir, 'firmware'), { recursive: true, force: true });
mkdirSync(hexOut, { recursive: true });
const hexes = readdirSync(firmwareDist).filter((f) => f.endsWith('.hex'));
if (hexes.length === 0) fail(`no programmer hex files in ${firmwareDist}`);
for (const f of hexes) copyFileSync(join(firmwareDist, f), join(hexOut, f));

// The web page (packages/web's vite build), next to the bundle where `ispkit web` finds it.
const siteSrc = join(linkedPackage('@ispkit/web'), 'dist', 'site');
if (!existsSync(join(siteSrc, 'index.html'))) fail(`the web page is not built (${siteSrc}); run pnpm build`);
rmSync(join(pkgDir, 'dist', 'site'), { recursive: true, force: true });
cpSync(siteSrc, join(pkgDir, 'dist', 'site'), { recursive: true });

// The udev rule, from the same tables `ispkit setup udev` uses.
const host = await import(pathToFileURL(join(hostDir, 'dist', 'index.js')).href);
mkdirSync(join(pkgDir, 'udev'), { recursive: true });
writeFileSync(join(pkgDir, 'udev', host.UDEV_RULE_FILE), host.renderUdevRules());

process.stdout.write(
  `ispkit package: dist/cli.js bundles ${bundled.join(', ')}; depends on ${[...externals.keys()].sort().join(', ')}; ` +
    `firmware ${hexes.join(', ')}; udev/${host.UDEV_RULE_FILE}; dist/site (the web page)\n`,
);
