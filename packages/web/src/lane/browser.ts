/**
 * Debian's Chromium (/usr/bin/chromium) driven by playwright-core; nothing here downloads a browser. The lane's
 * managed policy grants the page's origin every serial port and HID device, because requestPort() and
 * requestDevice() never settle without a person, and the grant also covers devices plugged in later.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { assertInLane } from './fake-devices.js';

export const CHROMIUM = process.env.ISPKIT_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const POLICY_DIR = '/etc/chromium/policies/managed';

/** Grants `origin` all serial ports and HID devices (inside the lane namespace's private /etc/chromium only). */
export function grantOrigin(origin: string): void {
  assertInLane();
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(
    `${POLICY_DIR}/ispkit-lane.json`,
    JSON.stringify({ SerialAllowAllPortsForUrls: [origin], WebHidAllowAllDevicesForUrls: [origin] }),
  );
}

/** Launches headless Chromium with the page's origin granted. */
export async function launchChromium(origin: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (tools/scripts/setup.sh does)`);
  grantOrigin(origin);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
