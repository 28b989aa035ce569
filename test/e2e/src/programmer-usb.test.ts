import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
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

/*
 * Issue 10: what real hosts and boards need from the USB function. Each of these failed with the hex before the fix:
 * the serial number was one fixed string, the interface declared AT commands, the reboot went at once and could not
 * be cancelled, and a 134-baud request rebooted a programmer in the middle of a session.
 */
describe.each(['teensy2', 'pro-micro'] as const)('ispkit firmware on %s, USB identity', (board) => {
  test('the serial number is the chip\'s signature-row serial, so two programmers get two names', async () => {
    const a = await harness(board, '--usb-serial', '0123456789ABCDEF0011').next('ready');
    const b = await harness(board, '--usb-serial', '5A3134393530FF071412').next('ready');
    expect((a.usb as Record<string, unknown>).serial).toBe('0123456789ABCDEF0011');
    expect((b.usb as Record<string, unknown>).serial).toBe('5A3134393530FF071412');
  }, 60_000);

  test('the CDC interface declares protocol 0 (no AT commands: ModemManager leaves it alone)', async () => {
    const ready = await harness(board).next('ready');
    expect((ready.usb as Record<string, unknown>).commProtocol).toBe(0);
  }, 60_000);
});

describe('reboot requests wait 250 ms and can be cancelled, as Arduino\'s core does', () => {
  test('Pro Micro: 1200 baud with DTR dropped reboots 250 ms later, not at once', async () => {
    const h = harness('pro-micro', '--bootloader-address', '0x7000');
    await h.next('ready');
    h.send('line 1200 0 0');
    const line = await h.next('line');
    const entry = await h.next('bootloader-entry');
    expect(Number(entry.simMs) - Number(line.simMs)).toBeGreaterThanOrEqual(250);
  }, 60_000);

  test('Pro Micro: DTR raised again within 250 ms cancels the reboot', async () => {
    const h = harness('pro-micro', '--bootloader-address', '0x7000');
    const ready = await h.next('ready');
    h.send('line 1200 0 0\nline 1200 1 1');
    await new Promise((r) => setTimeout(r, 1500)); // the harness runs 400 simulated ms after a line change
    expect(h.seen('bootloader-entry')).toBe(false);
    const run = await runAvrdude({ port: ready.port as string });
    expect(run.code, run.stderr).toBe(0);
    expect(h.seen('bootloader-entry')).toBe(false);
  }, 60_000);

  test('Teensy 2.0: a 134-baud request during a programming session is dropped; outside one it reboots', async () => {
    const h = harness('teensy2');
    const ready = await h.next('ready');
    const port = await open(ready.port as string, 'r+');
    try {
      const stk = async (bytes: number[], replyLength: number) => {
        await port.write(Buffer.from(bytes));
        const reply = Buffer.alloc(replyLength);
        for (let got = 0; got < replyLength; ) got += (await port.read(reply, got, replyLength - got)).bytesRead;
        return [...reply];
      };
      expect(await stk([0x30, 0x20], 2)).toEqual([0x14, 0x10]);
      expect(await stk([0x50, 0x20], 2)).toEqual([0x14, 0x10]); // programming mode on: the target is held in reset
      h.send('line 134 1 1'); // teensy_loader_cli -s aimed at the wrong 16C0:0483 device
      await new Promise((r) => setTimeout(r, 1500));
      expect(h.seen('bootloader-entry')).toBe(false);
      expect(await stk([0x51, 0x20], 2)).toEqual([0x14, 0x10]);
      expect(h.seen('bootloader-entry')).toBe(false);
    } finally {
      await port.close();
    }
    h.send('line 9600 1 1');
    h.send('line 134 1 1');
    expect((await h.next('bootloader-entry')).address).toBe(0x7e00);
  }, 60_000);
});
