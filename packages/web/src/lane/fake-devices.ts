/**
 * Describes a pty as a USB device to Chromium, inside the lane's namespace (see enter-namespace.sh): a sysfs
 * entry libudev enumerates, a udev database record with the USB ids, and a plug or unplug event on the udev
 * netlink group (uevent.py). Each device is a made-up stand-in for what the kernel and udevd would create for a
 * real USB serial port or hidraw node; the bytes then flow through the real pty the simulator or a model serves.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const PTS_MAJOR = 136;

export interface UsbIdentity {
  vendorId: number;
  productId: number;
  /** What the browser's chooser would show. */
  label: string;
  serial: string;
}

export interface FakeDevice {
  /** The sysfs name (ttyISPn / hidrawN). */
  readonly name: string;
  /** Sends the unplug event and removes the entries. Safe to call twice. */
  unplug(): Promise<void>;
}

/** Throws unless this process runs inside the lane's namespace. */
export function assertInLane(): void {
  if (process.env.ISPKIT_WEB_LANE !== 'namespace' || !existsSync('/run/udev/control')) {
    throw new Error('not inside the web lane namespace: run the browser tests through src/lane/enter-namespace.sh');
  }
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** udev's encoding of a string property (ID_MODEL_ENC): spaces and odd characters as \xNN. */
function udevEncode(s: string): string {
  return s.replace(/[^A-Za-z0-9#+\-.:=@_]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function ptyMinor(pty: string): number {
  const real = realpathSync(pty);
  const m = /^\/dev\/pts\/(\d+)$/.exec(real);
  if (!m) throw new Error(`not a /dev/pts pty: ${pty} (${real})`);
  const rdev = statSync(real).rdev;
  const minor = Number(m[1]);
  // Linux dev_t: major in bits 8-19, minor in bits 0-7 and 20-31.
  const major = (rdev >> 8) & 0xfff;
  if (major !== PTS_MAJOR) throw new Error(`${real} has major ${major}, expected ${PTS_MAJOR}`);
  return minor;
}

export function sendUevent(props: Record<string, string | number>): Promise<void> {
  const args = [join(here, 'uevent.py'), ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    execFile('python3', args, (err, _stdout, stderr) => {
      if (err) reject(new Error(stderr.trim() || err.message));
      else resolve();
    });
  });
}

function udevRecord(id: UsbIdentity, extra: string[] = []): string {
  return [
    'E:ID_BUS=usb',
    `E:ID_VENDOR_ID=${hex4(id.vendorId)}`,
    `E:ID_MODEL_ID=${hex4(id.productId)}`,
    `E:ID_MODEL_ENC=${udevEncode(id.label)}`,
    `E:ID_MODEL=${id.label.replace(/\s/g, '_')}`,
    `E:ID_SERIAL_SHORT=${id.serial}`,
    ...extra,
    '',
  ].join('\n');
}

/**
 * Makes `pty` (e.g. the simulator's /dev/pts/N) a USB serial port with `id`, and announces it. `announce: false`
 * only writes the entries: for a port that should already be there when the browser starts.
 */
export async function plugSerialPort(pty: string, id: UsbIdentity, opts: { announce?: boolean } = {}): Promise<FakeDevice> {
  assertInLane();
  const minor = ptyMinor(pty);
  // Named after the pty (unique while it exists); an entry left by an earlier run for a reused pty is replaced.
  const name = `ttyISP${minor}`;
  const dir = join('/sys/class/tty', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'uevent'), `MAJOR=${PTS_MAJOR}\nMINOR=${minor}\nDEVNAME=pts/${minor}\n`);
  writeFileSync(join(dir, 'dev'), `${PTS_MAJOR}:${minor}\n`);
  symlinkSync('../../../class/tty', join(dir, 'subsystem'));
  const dbFile = `/run/udev/data/c${PTS_MAJOR}:${minor}`;
  writeFileSync(dbFile, udevRecord(id));
  const event = (action: string) =>
    sendUevent({
      ACTION: action,
      DEVPATH: `/class/tty/${name}`,
      SUBSYSTEM: 'tty',
      DEVNAME: `/dev/pts/${minor}`,
      MAJOR: PTS_MAJOR,
      MINOR: minor,
      ID_BUS: 'usb',
      ID_VENDOR_ID: hex4(id.vendorId),
      ID_MODEL_ID: hex4(id.productId),
      ID_MODEL_ENC: udevEncode(id.label),
      ID_SERIAL_SHORT: id.serial,
    });
  if (opts.announce !== false) await event('add');
  let gone = false;
  return {
    name,
    async unplug() {
      if (gone) return;
      gone = true;
      await event('remove');
      rmSync(dir, { recursive: true, force: true });
      rmSync(dbFile, { force: true });
    },
  };
}

export interface HidIdentity {
  vendorId: number;
  productId: number;
  /** HID_NAME: the product name the page sees. */
  name: string;
  serial: string;
  /** The HID report descriptor the browser parses (report sizes, usage page). */
  reportDescriptor: Uint8Array;
}

let hidCounter = 0;

/**
 * Makes `pty` a hidraw node of a USB HID device: a parent `hid` device (HID_ID, HID_NAME, HID_UNIQ,
 * report_descriptor) under /sys/devices/virtual/misc with its hidraw child, /sys/class/hidraw/<name> pointing
 * at it, the udev record, and an add event.
 */
export async function plugHidDevice(pty: string, id: HidIdentity): Promise<FakeDevice> {
  assertInLane();
  const minor = ptyMinor(pty);
  const n = ++hidCounter;
  const name = `hidraw${1000 + minor}`;
  rmSync(join('/sys/class/hidraw', name), { force: true });
  const hidName = `0003:${hex4(id.vendorId).toUpperCase()}:${hex4(id.productId).toUpperCase()}.${n.toString(16).toUpperCase().padStart(4, '0')}`;
  const usbDir = join('/sys/devices/virtual/misc', `ispkit-usb${process.pid}-${n}`);
  const hidDir = join(usbDir, hidName);
  const rawDir = join(hidDir, 'hidraw', name);
  mkdirSync(rawDir, { recursive: true });
  writeFileSync(
    join(hidDir, 'uevent'),
    [
      'DRIVER=hid-generic',
      `HID_ID=0003:0000${hex4(id.vendorId).toUpperCase()}:0000${hex4(id.productId).toUpperCase()}`,
      `HID_NAME=${id.name}`,
      `HID_PHYS=usb-ispkit-lane-${n}/input0`,
      `HID_UNIQ=${id.serial}`,
      `MODALIAS=hid:b0003g0001v0000${hex4(id.vendorId).toUpperCase()}p0000${hex4(id.productId).toUpperCase()}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(hidDir, 'report_descriptor'), id.reportDescriptor);
  symlinkSync('../../../../bus/hid', join(hidDir, 'subsystem'));
  writeFileSync(join(rawDir, 'uevent'), `MAJOR=${PTS_MAJOR}\nMINOR=${minor}\nDEVNAME=pts/${minor}\n`);
  writeFileSync(join(rawDir, 'dev'), `${PTS_MAJOR}:${minor}\n`);
  symlinkSync('../../../../../../../class/hidraw', join(rawDir, 'subsystem'));
  const classLink = join('/sys/class/hidraw', name);
  symlinkSync(`../../devices/virtual/misc/ispkit-usb${process.pid}-${n}/${hidName}/hidraw/${name}`, classLink);
  const dbFile = `/run/udev/data/c${PTS_MAJOR}:${minor}`;
  writeFileSync(dbFile, 'E:ID_BUS=usb\n');
  const devpath = `/devices/virtual/misc/ispkit-usb${process.pid}-${n}/${hidName}/hidraw/${name}`;
  const event = (action: string) =>
    sendUevent({ ACTION: action, DEVPATH: devpath, SUBSYSTEM: 'hidraw', DEVNAME: `/dev/pts/${minor}`, MAJOR: PTS_MAJOR, MINOR: minor });
  await event('add');
  let gone = false;
  return {
    name,
    async unplug() {
      if (gone) return;
      gone = true;
      await event('remove');
      rmSync(classLink, { force: true });
      rmSync(usbDir, { recursive: true, force: true });
      rmSync(dbFile, { force: true });
    },
  };
}
