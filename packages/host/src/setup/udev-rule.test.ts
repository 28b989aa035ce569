import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { installedUdevRule, modemManagerWarning, renderUdevRules, UDEV_RULE_FILE } from './udev-rule.js';

function root(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ispkit-root-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the udev rule', () => {
  const rules = renderUdevRules();
  const ruleLines = rules.split('\n').filter((l) => l.startsWith('SUBSYSTEMS'));
  test('covers the programmer, HalfKay, Caterina bootloaders and Arduino/SparkFun sketches', () => {
    const ids = ruleLines.map((l) => /idVendor}=="(\w+)", ATTRS{idProduct}=="(\w+)"/.exec(l)!.slice(1).join(':'));
    for (const id of ['16c0:0483', '16c0:0478', '2341:0036', '2341:0037', '2a03:0036', '1b4f:9205', '1b4f:9203', '2341:8036', '1b4f:9206']) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
  test('every device gets uaccess and the ModemManager ignore flag', () => {
    expect(ruleLines.length).toBeGreaterThan(8);
    for (const l of ruleLines) expect(l).toMatch(/TAG\+="uaccess", ENV\{ID_MM_DEVICE_IGNORE\}="1"$/);
  });
  test('sorts before systemd-logind\'s 73-seat-late.rules, which applies uaccess', () => {
    expect(Number(UDEV_RULE_FILE.slice(0, 2))).toBeLessThan(73);
  });
});

describe('the ModemManager warning of `ispkit list`', () => {
  const mm = { 'proc/1/comm': 'systemd\n', 'proc/812/comm': 'ModemManager\n', 'proc/self/comm': 'node\n' };
  test('warns when ModemManager runs and the rule is absent', () => {
    expect(modemManagerWarning(root(mm))).toMatch(/^ModemManager is running and ispkit's udev rule \(60-ispkit\.rules\) is not installed.*ispkit setup udev/);
  });
  test('is quiet when the rule is installed in any udev rules directory', () => {
    for (const dir of ['etc/udev/rules.d', 'usr/lib/udev/rules.d', 'lib/udev/rules.d']) {
      const r = root({ ...mm, [`${dir}/${UDEV_RULE_FILE}`]: renderUdevRules() });
      expect(installedUdevRule(r)).toBe(join(r, dir, UDEV_RULE_FILE));
      expect(modemManagerWarning(r)).toBeUndefined();
    }
  });
  test('is quiet without ModemManager, or without /proc', () => {
    expect(modemManagerWarning(root({ 'proc/1/comm': 'init\n' }))).toBeUndefined();
    expect(modemManagerWarning(root({}))).toBeUndefined();
  });
});
