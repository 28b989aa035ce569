/**
 * One browser-test session in the lane: the built page served on 127.0.0.1, Debian's Chromium with the origin
 * granted, and helpers to plug the simulator's pty in as the ispkit programmer.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { usbIdentity } from '@ispkit/boards';
import type { Browser, Page } from 'playwright-core';
import { serveSite, type SiteServer } from '../serve-site.js';
import { siteBuilt, siteDir } from '../site-dir.js';
import { launchChromium } from './browser.js';
import { assertInLane, plugSerialPort, type FakeDevice, type UsbIdentity } from './fake-devices.js';

export interface Lane {
  readonly server: SiteServer;
  readonly browser: Browser;
  /** A fresh page at the site, with console errors collected. */
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startLane(): Promise<Lane> {
  assertInLane();
  if (!siteBuilt()) throw new Error(`the page is not built (${siteDir()}): run pnpm --filter @ispkit/web build`);
  const server = await serveSite({ root: siteDir() });
  let browser: Browser;
  try {
    browser = await launchChromium(server.origin);
  } catch (err) {
    await server.close();
    throw err;
  }
  return {
    server,
    browser,
    async openPage() {
      const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
      await page.goto(`${server.origin}/`);
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The ispkit programmer's USB identity, as Chromium will report it for a plugged pty. */
export function programmerIdentity(serial = 'SIM'): UsbIdentity {
  return { vendorId: usbIdentity.vendorId, productId: usbIdentity.productId, label: 'ispkit ISP programmer', serial };
}

/** Plugs the simulator's pty in as an ispkit programmer (announced, like a real plug). */
export function plugProgrammer(pty: string, serial?: string): Promise<FakeDevice> {
  return plugSerialPort(pty, programmerIdentity(serial));
}

/** Where screenshots go (per run, not committed): test-output/ of this package. */
export function screenshotDir(packageRoot: string): string {
  const dir = join(packageRoot, 'test-output');
  mkdirSync(dir, { recursive: true });
  return dir;
}
