import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { harnessPath } from '@ispkit/sim';
import { runAvrdude, workspaceRoot } from '@ispkit/sim/testing';

/*
 * Issue 7's firmware conventions, checked on the committed programmer hex in the harness: it attaches however it
 * is entered (Caterina leaves USB enabled and detached), and a host's reboot request (1200 baud + DTR dropped on
 * a Pro Micro, 134 baud on a Teensy) takes it into the board's bootloader.
 */
type Event = Record<string, unknown> & { event: string };

interface Run {
  next(event: string, timeoutMs?: number): Promise<Event>;
  send(line: string): void;
  seen(event: string): boolean;
  stop(): Promise<void>;
}

let running: Run[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.stop()));
  running = [];
});

function harness(board: 'teensy2' | 'pro-micro', ...extra: string[]): Run {
  const hex = join(workspaceRoot(), 'firmware/dist', board === 'teensy2' ? 'ispkit-teensy2-b0.hex' : 'ispkit-pro-micro-b6.hex');
  const args = ['run', '--firmware', hex, '--reset-pin', board === 'teensy2' ? 'B0' : 'B6', '--max-sim-seconds', '30', ...extra];
  const child = spawn(harnessPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: Event[] = [];
  const waiters: { event: string; resolve: (e: Event) => void }[] = [];
  let stderr = '';
  let buf = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // a harness that already exited (bootloader entry) reads no more commands
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const ev = JSON.parse(buf.slice(0, nl)) as Event;
      buf = buf.slice(nl + 1);
      events.push(ev);
      for (const w of waiters.filter((x) => x.event === ev.event)) w.resolve(ev);
    }
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const run: Run = {
    next(event, timeoutMs = 20_000) {
      const seen = events.find((e) => e.event === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms; seen ${JSON.stringify(events)}; stderr: ${stderr}`)), timeoutMs);
        waiters.push({ event, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    seen: (event) => events.some((e) => e.event === event),
    send(line) {
      if (child.exitCode === null) child.stdin.write(`${line}\n`);
    },
    async stop() {
      run.send('quit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  running.push(run);
  return run;
}

describe.each(['teensy2', 'pro-micro'] as const)('ispkit firmware on %s, USB life cycle', (board) => {
  test('started the way Caterina leaves the chip (USB enabled, detached), it attaches and enumerates as 16C0:0483', async () => {
    const ready = await harness(board, '--start-detached').next('ready');
    expect(ready.usb).toMatchObject({ vid: 0x16c0, pid: 0x0483 });
  }, 60_000);
});

describe('reboot into the board bootloader on the host\'s request', () => {
  // A watchdog reset goes where BOOTRST points; on a Pro Micro (Caterina fuses) that is 0x7000.
  test('Pro Micro: 1200 baud with DTR dropped detaches USB and reaches Caterina at 0x7000 by watchdog reset', async () => {
    const h = harness('pro-micro', '--bootloader-address', '0x7000');
    await h.next('ready');
    h.send('line 1200 0 0');
    const entry = await h.next('bootloader-entry');
    expect(entry).toMatchObject({ address: 0x7000, via: 'watchdog-reset', usbDetached: true });
    expect((await h.next('exit')).reason).toBe('bootloader-entry');
  }, 60_000);

  test('Teensy 2.0: 134 baud reaches HalfKay at 0x7E00', async () => {
    const h = harness('teensy2');
    await h.next('ready');
    h.send('line 134 1 1');
    const entry = await h.next('bootloader-entry');
    expect(entry).toMatchObject({ address: 0x7e00, usbDetached: true });
    expect((await h.next('exit')).reason).toBe('bootloader-entry');
  }, 60_000);

  test('Pro Micro: other line settings keep the programmer running; only 1200 baud with DTR dropped reboots it', async () => {
    const h = harness('pro-micro', '--bootloader-address', '0x7000');
    const ready = await h.next('ready');
    h.send('line 1200 1 1'); // a port opened at 1200 baud and kept open (DTR up)
    h.send('line 9600 0 0'); // DTR dropped at another rate
    const run = await runAvrdude({ port: ready.port as string });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/device signature = 0x1e9587/i);
    expect(h.seen('bootloader-entry')).toBe(false);
    h.send('line 1200 0 0');
    expect((await h.next('bootloader-entry')).address).toBe(0x7000);
  }, 60_000);
});
