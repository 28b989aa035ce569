import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { chromium } from 'playwright-core';
import { startSim } from '@ispkit/sim';
import { workspaceRoot } from '@ispkit/sim/testing';
import { CHROMIUM, CHROMIUM_ARGS } from '@ispkit/web/testing';

// SHIM LANE: `ispkit web --sim-port` relays `ispkit sim`'s pty to the page over a WebSocket, so a person can try the
// page without hardware in any Chromium. It does not test navigator.serial: packages/web's namespace lane does.
test('shim lane (WebSocket bridge, not Web Serial): `ispkit web --sim-port` lets the page use `ispkit sim`', { timeout: 180_000 }, async () => {
  console.log('shim lane: the page reaches the simulator through ispkit web\'s WebSocket bridge, not navigator.serial');
  const sim = await startSim({ board: 'teensy2', maxSimSeconds: 300 });
  const cli = spawn(process.execPath, [join(workspaceRoot(), 'packages/host/dist/cli.js'), 'web', '--http-port', '0', '--no-open', '--sim-port', sim.port], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  cli.stdout.on('data', (d) => (out += d));
  cli.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    // both lines: the URL and the bridge line can arrive in separate stdout chunks
    for (let i = 0; i < 300 && !/simulator bridge:/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /(http:\/\/127\.0\.0\.1:\d+\/\?bridge)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    expect(out).toContain(`simulator bridge: the page's steps 3 to 7 talk to ${sim.port} over a WebSocket (not Web Serial)`);
    const page = await browser.newPage();
    await page.goto(url!);
    expect(await page.locator('#support').innerText()).toMatch(/^Simulator bridge: .* not through Web Serial/);
    await page.getByRole('button', { name: 'Connect to the programmer' }).click();
    const log = page.getByRole('list', { name: 'Connect log' });
    await expect.poll(() => log.innerText(), { timeout: 60_000 }).toMatch(/target: ATmega32U4, signature 1E 95 87|error:/);
    const text = await log.innerText();
    expect(text).toMatch(/programmer: ispkit programmer .* on the simulator bridge/);
    expect(text).toMatch(/target: ATmega32U4, signature 1E 95 87/);
  } finally {
    await browser.close();
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    await sim.stop();
  }
});
