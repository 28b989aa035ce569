/**
 * The release tarball as a user gets it: `tools/scripts/pack.sh` (what `npm run pack` runs) packs the `ispkit`
 * package, plain npm installs it into an empty folder outside the repository, and every command runs from there
 * with a PATH holding only `node` — no pnpm, no workspace, no toolchain. The device commands flash and verify a
 * programmer running in simavr (started from the monorepo through @ispkit/sim), so a path into the workspace
 * hidden in the bundle would fail here.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, parseIntelHex } from '@ispkit/ihex';
import { CaterinaModel, VirtualClock } from '@ispkit/loaders/testing';
import { startPtyRelay, type PtyRelay } from '@ispkit/web/testing';
import { startSim, type Sim } from '@ispkit/sim';
import { randomImage, workspaceRoot } from '@ispkit/sim/testing';
import { serializeIntelHex } from '@ispkit/ihex';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const root = workspaceRoot();
const manifest = JSON.parse(readFileSync(join(root, 'packages/ispkit/package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
let work: string;
let app: string;
let tarball: string;
/** PATH with nothing but node on it. */
let bareEnv: NodeJS.ProcessEnv;

/** The installed CLI, as `npm install` linked it, with only node on PATH. */
function ispkit(args: string[], timeoutMs?: number): Promise<Run> {
  return exec(join(app, 'node_modules/.bin/ispkit'), args, { cwd: app, env: bareEnv, ...(timeoutMs ? { timeoutMs } : {}) });
}

/** One line on stderr, no stack trace. */
function expectOneLineError(r: Run, exitCode: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(exitCode);
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ispkit: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ispkit-package-'));
  expect(work.startsWith(root)).toBe(false);
  const packed = await exec('bash', [join(root, 'tools/scripts/pack.sh'), '--no-build', work], { cwd: root });
  expect(packed.code, packed.stderr).toBe(0);
  tarball = join(work, `ispkit-${manifest.version}.tgz`);
  expect(existsSync(tarball), packed.stdout).toBe(true);

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ispkit-install-check', private: true }));
  const installed = await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app, timeoutMs: 280_000 });
  expect(installed.code, installed.stderr).toBe(0);

  const bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  // automatic chip backups (before flash, erase, …) go into the work folder, not the user's data folder
  bareEnv = { PATH: bin, HOME: process.env['HOME'] ?? work, LANG: 'C', ISPKIT_BACKUP_DIR: join(work, 'backups') };
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed ispkit package', () => {
  test('holds the bundle, the programmer hex and the udev rule, depends only on npm packages, and names no workspace path', () => {
    const pkgDir = join(app, 'node_modules/ispkit');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
    expect(pkg.engines.node).toBe('>=20');
    // Nothing that only builds it in the monorepo: no scripts, no devDependencies on unpublished workspace packages.
    expect(pkg).not.toHaveProperty('scripts');
    expect(pkg).not.toHaveProperty('devDependencies');
    expect(pkg.dependencies).toEqual(manifest.dependencies);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@noble/hashes', 'cli-progress', 'commander', 'node-hid', 'serialport', 'ws']);
    expect(readdirSync(join(pkgDir, 'firmware/dist')).sort()).toEqual(['ispkit-pro-micro-3v3-b6.hex', 'ispkit-pro-micro-b6.hex', 'ispkit-teensy2-b0.hex']);
    for (const f of readdirSync(join(pkgDir, 'firmware/dist'))) {
      expect(readFileSync(join(pkgDir, 'firmware/dist', f), 'utf8')).toBe(readFileSync(join(root, 'firmware/dist', f), 'utf8'));
    }
    expect(readFileSync(join(pkgDir, 'udev/60-ispkit.rules'), 'utf8')).toMatch(/ATTRS\{idVendor\}=="16c0", ATTRS\{idProduct\}=="0483", TAG\+="uaccess", ENV\{ID_MM_DEVICE_IGNORE\}="1"/);
    const bundle = readFileSync(join(pkgDir, 'dist/cli.js'), 'utf8');
    expect(bundle.startsWith('#!/usr/bin/env node')).toBe(true);
    expect(bundle).not.toContain(root);
    expect(bundle).not.toMatch(/from ["']@ispkit\//);
    expect(bundle).not.toMatch(/import\(["']@ispkit\//);
    expect(existsSync(join(app, 'node_modules/@ispkit'))).toBe(false);
    // The native parts came from their prebuilt binaries (npm ran no compiler: there is no build/ directory).
    expect(existsSync(join(app, 'node_modules/@serialport/bindings-cpp/build'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/node-hid/build'))).toBe(false);
  });

  test('ispkit web serves the page shipped in the package', async () => {
    const cli = spawn(join(app, 'node_modules/.bin/ispkit'), ['web', '--http-port', '0', '--no-open'], { cwd: app, env: bareEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d) => (out += d));
    cli.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/http:\/\/127\.0\.0\.1:\d+\//.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      expect(url, out).toBeDefined();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('ispkit: revive a keyboard from the browser');
    } finally {
      cli.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });

  test('npx ispkit --version prints the package version', async () => {
    const r = await exec('npx', ['--no-install', 'ispkit', '--version'], { cwd: app });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(manifest.version);
  });

  test('offline commands: hex info, merge, fuses decode, list, setup udev', async () => {
    writeFileSync(join(app, 'fw.hex'), serializeIntelHex(randomImage(2048, 7)));
    writeFileSync(join(app, 'boot.hex'), serializeIntelHex(randomImage(1024, 8, 0x7000)));
    const info = await ispkit(['hex', 'info', 'fw.hex']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^fw\.hex: 2 KB in 1 range/m);
    const merged = await ispkit(['merge', 'fw.hex', 'boot.hex', '-o', 'merged.hex']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(parseIntelHex(readFileSync(join(app, 'merged.hex'), 'utf8')).byteCount).toBe(3072);
    const fuses = await ispkit(['fuses', 'decode', '--low', '5E', '--high', '99', '--ext', 'F3']);
    expect(fuses.code, fuses.stderr).toBe(0);
    expect(fuses.stdout).toMatch(/CKDIV8/);
    const list = await ispkit(['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string }).some((e) => e.event === 'result')).toBe(true);
    const printed = await ispkit(['setup', 'udev', '--print']);
    expect(printed.stdout).toBe(readFileSync(join(app, 'node_modules/ispkit/udev/60-ispkit.rules'), 'utf8'));
    const written = await ispkit(['setup', 'udev', '--yes', '--root', 'sysroot']);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(join(app, 'sysroot/etc/udev/rules.d/60-ispkit.rules'), 'utf8')).toBe(printed.stdout);
  });

  test('programmer build and sim say in one line what is missing and how to get it', async () => {
    expectOneLineError(await ispkit(['programmer', 'build', '--board', 'teensy2']), 1, /avr-gcc is not on PATH; on Debian\/Ubuntu: `sudo apt install gcc-avr avr-libc binutils-avr make`/);
    expectOneLineError(await ispkit(['sim']), 1, /ispkit sim needs the simulator harness.*npm run setup/);
  });

  test('programmer install with a port that does not exist says so in one line', async () => {
    expectOneLineError(await ispkit(['programmer', 'install', '--board', 'pro-micro', '-P', join(work, 'no-such-port')]), 3, /no-such-port/);
  });
});

describe('the installed CLI against the simulated programmer', () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ board: 'teensy2', maxSimSeconds: 600 });
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
  });

  test('info, flash, verify, read, eeprom, fuses, lock, erase', async () => {
    const P = ['-P', sim.port];
    const image = randomImage(4096, 12);
    writeFileSync(join(app, 'app.hex'), serializeIntelHex(image));

    const info = await ispkit([...P, 'info']);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/1E 95 87/);

    const flash = await ispkit([...P, 'flash', 'app.hex', '--fuses', 'qmk-dfu']);
    expect(flash.code, flash.stderr).toBe(0);
    const verify = await ispkit([...P, 'verify', 'app.hex']);
    expect(verify.code, verify.stderr).toBe(0);

    const read = await ispkit([...P, 'read', 'flash', '-o', 'back.hex']);
    expect(read.code, read.stderr).toBe(0);
    const back = parseIntelHex(readFileSync(join(app, 'back.hex'), 'utf8')).toBinary({ start: 0, end: 4096 });
    expect(Buffer.from(back).equals(Buffer.from(image.toBinary({ start: 0, end: 4096 })))).toBe(true);

    writeFileSync(join(app, 'ee.hex'), serializeIntelHex(randomImage(64, 3)));
    const eew = await ispkit([...P, 'eeprom', 'write', 'ee.hex']);
    expect(eew.code, eew.stderr).toBe(0);
    const eer = await ispkit([...P, 'eeprom', 'read', '-o', 'ee-back.hex']);
    expect(eer.code, eer.stderr).toBe(0);
    expect(parseIntelHex(readFileSync(join(app, 'ee-back.hex'), 'utf8')).toBinary({ start: 0, end: 64 })).toEqual(randomImage(64, 3).toBinary({ start: 0, end: 64 }));

    const fuses = await ispkit([...P, 'fuses', 'read', '--json']);
    expect(fuses.code, fuses.stderr).toBe(0);
    expect(fuses.stdout).toMatch(/"low":(94|"5E")/i);
    const lock = await ispkit([...P, 'lock', 'read']);
    expect(lock.code, lock.stderr).toBe(0);

    const erase = await ispkit([...P, 'erase']);
    expect(erase.code, erase.stderr).toBe(0);
    const mismatch = await ispkit([...P, 'verify', 'app.hex']);
    expect(mismatch.code).toBe(5);
  }, 300_000);

  test('-P through a symlink (as /dev/serial/by-id/… is) works; a typo is one line listing what exists', async () => {
    const link = join(work, 'usb-ispkit_ISP_programmer-if00');
    symlinkSync(sim.port, link);
    const viaLink = await ispkit(['-P', link, 'info']);
    expect(viaLink.code, viaLink.stderr).toBe(0);
    expectOneLineError(await ispkit(['-P', `${link}-typo`, 'info']), 3, /^ispkit: error: cannot open .*-typo: no such port; (ports here: |no serial ports are listed)/);
  });
});

/**
 * A Pro Micro already in Caterina on a port the USB listing does not show: @ispkit/loaders' Caterina model behind a
 * pty (a shim for the board's USB CDC port — the listing has no USB identity for it), named through a symlink the
 * way /dev/serial/by-id names a board. When Caterina leaves, the link is pointed at simavr running exactly the
 * bytes the installed CLI wrote, as the board's port coming back on the same path.
 */
describe('the installed CLI installs the programmer through a bootloader on an unlisted port', () => {
  let relay: PtyRelay | undefined;
  let sim: Sim | undefined;
  let ticker: NodeJS.Timeout | undefined;
  afterAll(async () => {
    if (ticker) clearInterval(ticker);
    await relay?.close();
    await sim?.stop();
  });

  test('programmer install -P <link to a pty running the Caterina model, a stand-in for a Pro Micro> writes, verifies, and confirms the firmware on the same path', async () => {
    const clock = new VirtualClock();
    const model = new CaterinaModel({ clock });
    const stream = model.open();
    let last = Date.now();
    ticker = setInterval(() => {
      const now = Date.now();
      clock.advance(now - last);
      last = now;
    }, 20);
    let queue = Promise.resolve();
    relay = await startPtyRelay((chunk) => {
      queue = queue.then(async () => {
        await stream.write(chunk).catch(() => undefined);
        for (;;) {
          const b = await stream.read(1, 0).catch(() => undefined);
          if (!b) return;
          relay?.send(b);
        }
      });
    });
    const link = join(work, 'usb-SparkFun_Pro_Micro-if00');
    symlinkSync(relay.pty, link);
    const left = new Promise<void>((resolve) => model.onLeave(() => resolve()));
    const cli = ispkit(['programmer', 'install', '--board', 'pro-micro', '-P', link], 90_000);

    await left;
    clearInterval(ticker);
    await relay.close();
    relay = undefined;
    let end = 0x7000;
    while (end > 0 && model.flash[end - 1] === 0xff) end--;
    const installed = join(work, 'installed.hex');
    writeFileSync(installed, serializeIntelHex(MemoryImage.fromBinary(model.flash.subarray(0, end))));
    sim = await startSim({ board: 'pro-micro', firmware: installed, maxSimSeconds: 120 });
    const next = `${link}.new`;
    symlinkSync(sim.port, next);
    renameSync(next, link);

    const r = await cli;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${link} is not in the USB listing; it answers as a bootloader ("CATERIN")`);
    expect(r.stderr).toContain(`the new firmware answers on ${link}, the port you named`);
    expect(r.stdout).toContain(`ispkit programmer ready: Pro Micro 5 V (16 MHz) on ${link} (signs on as "AVR ISP"), firmware verified by read-back`);
    expect(model.left?.reason).toBe('exit-command');
    const committed = parseIntelHex(readFileSync(join(root, 'firmware/dist/ispkit-pro-micro-b6.hex'), 'utf8'));
    expect(Buffer.from(model.flash.subarray(0, end)).equals(Buffer.from(committed.toBinary({ start: 0, end })))).toBe(true);
  }, 120_000);
});
