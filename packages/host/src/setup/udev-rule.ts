/**
 * ispkit's udev rule for Linux: access for the logged-in user (`TAG+="uaccess"`, applied by systemd-logind's
 * 73-seat-late.rules, so the file's number must be lower) and `ID_MM_DEVICE_IGNORE` so ModemManager does not open
 * the programmer or a bootloader and write `AT` probes into it in the seconds after plug-in. Rendered from the same
 * id tables the CLI classifies ports with; no I/O here except the read-only checks that take a root directory
 * (so tests use a temporary tree).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usbIdentity } from '@ispkit/boards';
import { caterinaBootloaderIds, caterinaSketchIds, halfKayId } from '@ispkit/loaders';

export const UDEV_RULE_FILE = '60-ispkit.rules';
/** Where `ispkit setup udev` writes the rule (below the root). */
export const UDEV_RULE_DIR = 'etc/udev/rules.d';
/** Every directory udev reads rules from: a rule with our name in any of them counts as installed. */
const RULE_DIRS = ['etc/udev/rules.d', 'run/udev/rules.d', 'usr/lib/udev/rules.d', 'lib/udev/rules.d', 'usr/local/lib/udev/rules.d'];

interface RuleId {
  vendorId: number;
  productId: number;
  name: string;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

/** The devices the rule covers, in the order the file lists them. */
export function udevRuleIds(): RuleId[] {
  const ids: RuleId[] = [
    { ...usbIdentity, name: 'ispkit programmer (also QMK\'s ISP hex and Teensyduino USB Serial)' },
    { ...halfKayId },
    ...caterinaBootloaderIds,
    ...caterinaSketchIds,
  ];
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = `${hex4(id.vendorId)}:${hex4(id.productId)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function renderUdevRules(): string {
  const lines = [
    `# ${UDEV_RULE_FILE}: written by \`ispkit setup udev\` (ispkit's udev rule).`,
    '# Lets the logged-in user open the ispkit programmer and the Caterina / HalfKay bootloaders, and keeps',
    '# ModemManager from probing them. Install: copy to /etc/udev/rules.d/, then',
    '#   sudo udevadm control --reload-rules && sudo udevadm trigger',
    '',
  ];
  for (const id of udevRuleIds()) {
    lines.push(`# ${id.name}`);
    lines.push(`SUBSYSTEMS=="usb", ATTRS{idVendor}=="${hex4(id.vendorId)}", ATTRS{idProduct}=="${hex4(id.productId)}", TAG+="uaccess", ENV{ID_MM_DEVICE_IGNORE}="1"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where ispkit's rule (or any file of that name) is installed under `root`, or undefined. */
export function installedUdevRule(root: string): string | undefined {
  for (const dir of RULE_DIRS) {
    const path = join(root, dir, UDEV_RULE_FILE);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Whether a ModemManager process runs (Linux /proc under `root`). */
export function modemManagerRunning(root: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync(join(root, 'proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return false;
  }
  for (const pid of pids) {
    try {
      if (readFileSync(join(root, 'proc', pid, 'comm'), 'utf8').trim() === 'ModemManager') return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}

/** The warning `ispkit list` prints on Linux, or undefined when there is nothing to warn about. */
export function modemManagerWarning(root: string): string | undefined {
  if (!modemManagerRunning(root) || installedUdevRule(root) !== undefined) return undefined;
  return (
    `ModemManager is running and ispkit's udev rule (${UDEV_RULE_FILE}) is not installed: it may open the programmer ` +
    'or a bootloader and send AT commands into it; run `ispkit setup udev` (or `ispkit setup udev --print`)'
  );
}

/** The permission-denied advice every serial/HID open shares on Linux. */
export function permissionHint(): string {
  return (
    `install ispkit's udev rule (\`ispkit setup udev\` writes /${UDEV_RULE_DIR}/${UDEV_RULE_FILE}), then unplug and replug; ` +
    "or add yourself to the dialout group ('sudo usermod -aG dialout $USER', then log in again)"
  );
}
