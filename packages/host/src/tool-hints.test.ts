import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findOnPath, installHint, missingToolchainCommand } from './tool-hints.js';

function binDir(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-path-'));
  for (const n of names) {
    writeFileSync(join(dir, n), '#!/bin/sh\n');
    chmodSync(join(dir, n), 0o755);
  }
  return dir;
}

describe('toolchain detection', () => {
  test('names the first missing command, in the order the build needs them', () => {
    expect(missingToolchainCommand({ PATH: binDir([]) }, 'linux')).toBe('avr-gcc');
    expect(missingToolchainCommand({ PATH: binDir(['avr-gcc']) }, 'linux')).toBe('avr-objcopy');
    expect(missingToolchainCommand({ PATH: binDir(['avr-gcc', 'avr-objcopy']) }, 'linux')).toBe('make');
    expect(missingToolchainCommand({ PATH: binDir(['avr-gcc', 'avr-objcopy', 'make']) }, 'linux')).toBeUndefined();
    expect(missingToolchainCommand({}, 'linux')).toBe('avr-gcc');
  });
  test('Windows PATH uses ; and PATHEXT', () => {
    const dir = binDir(['avr-gcc.EXE']);
    expect(findOnPath(['avr-gcc'], { Path: `C:\\nowhere;${dir}`, PATHEXT: '.COM;.EXE' }, 'win32')).toBe(join(dir, 'avr-gcc.EXE'));
    const nested = join(binDir([]), 'sub');
    mkdirSync(nested);
    expect(findOnPath(['avr-gcc'], { PATH: nested }, 'linux')).toBeUndefined();
  });
});

describe('install hints per OS', () => {
  test('Debian/Ubuntu packages on Linux, Homebrew on macOS, WSL on Windows', () => {
    expect(installHint('avr-toolchain', 'linux')).toMatch(/sudo apt install gcc-avr avr-libc binutils-avr make/);
    expect(installHint('avr-toolchain', 'darwin')).toMatch(/brew tap osx-cross\/avr && brew install avr-gcc/);
    expect(installHint('avr-toolchain', 'win32')).toMatch(/WSL.*wsl --install -d Ubuntu.*apt install gcc-avr/);
    expect(installHint('simavr', 'linux')).toMatch(/npm run setup.*simavr/);
    expect(installHint('simavr', 'darwin')).toMatch(/brew install simavr/);
    expect(installHint('simavr', 'win32')).toMatch(/WSL/);
  });
});
