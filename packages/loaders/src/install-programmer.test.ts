import { describe, expect, it } from 'vitest';
import { installProgrammer, type InstallEvent, type InstallOptions, type ProgrammerBoard } from './install-programmer.js';
import { LoaderError } from './loader-error.js';
import { FakeProMicro, FakeTeensy2, ISPKIT_USB } from './testing/fake-boards.js';
import { FakeUsb } from './testing/fake-usb.js';

const PRO_MICRO: ProgrammerBoard = {
  id: 'pro-micro',
  name: 'Pro Micro',
  bootloader: 'caterina',
  bootloaderStart: 0x7000,
  firmwareUsb: { ...ISPKIT_USB, product: 'ispkit ISP programmer (Pro Micro)' },
};
const TEENSY2: ProgrammerBoard = {
  id: 'teensy2',
  name: 'Teensy 2.0',
  bootloader: 'halfkay',
  bootloaderStart: 0x7e00,
  firmwareUsb: { ...ISPKIT_USB, product: 'ispkit ISP programmer (Teensy 2.0)' },
};

/** Stand-in for the programmer hex: 5 KB with a jump at 0. */
const FIRMWARE = Uint8Array.from({ length: 5000 }, (_, i) => (i === 0 ? 0x0c : (i * 37 + 5) & 0xff));
const IMAGE = { segments: [{ address: 0, data: FIRMWARE }] };

function run(usb: FakeUsb, board: ProgrammerBoard, extra: Partial<InstallOptions> & { onAction?: (m: string) => void } = {}) {
  const events: InstallEvent[] = [];
  const { onAction, ...rest } = extra;
  const promise = installProgrammer({
    board,
    image: IMAGE,
    devices: usb,
    clock: usb.clock,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'action') onAction?.(e.message);
    },
    ...rest,
  });
  return { events, promise };
}

async function rejection(p: Promise<unknown>): Promise<LoaderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoaderError);
  return err as LoaderError;
}

describe('installProgrammer: Pro Micro (Caterina)', () => {
  it('touches the running ispkit firmware at 1200 baud, installs, reads back and sees the new sign-on', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const { events, promise } = run(usb, PRO_MICRO);
    const result = await promise;

    expect(usb.touches).toEqual([{ path: '/dev/ttyACM0', baudRate: 1200 }]);
    expect(result).toMatchObject({ alreadyInBootloader: false, readBack: true, signOn: 'AVR ISP', programmerPort: '/dev/ttyACM0' });
    expect(result.bytesWritten).toBe(40 * 128);
    expect(board.flash.subarray(0, FIRMWARE.length)).toEqual(FIRMWARE);
    expect(board.caterina?.left?.reason).toBe('exit-command');
    expect(board.caterina?.bootSectionWrites).toBe(0);
    expect(board.running).toBe('ispkit');
    expect(events.some((e) => e.type === 'action')).toBe(false);
    const traces = events.flatMap((e) => (e.type === 'trace' ? [e.message] : []));
    expect(traces.slice(0, 2)).toEqual(['> 53  (identifying the bootloader (S))', '< 43 41 54 45 52 49 4e  (identifying the bootloader (S))']);
    expect(traces).toContain('> 42 00 80 46 0c 2a 4f 74 … (132 bytes)  (writing flash at 0x0000 (B))');
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(last).toEqual({ type: 'progress', progress: { phase: 'verify', done: 5120, total: 5120 } });
  });

  it('proceeds when the board is already in its bootloader (no touch)', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE, bootloaderId: { vendorId: 0x2341, productId: 0x0036 } }).start();
    const { events, promise } = run(usb, PRO_MICRO);
    const result = await promise;
    expect(result.alreadyInBootloader).toBe(true);
    expect(usb.touches).toEqual([]);
    expect(board.running).toBe('ispkit');
    expect(events[0]).toEqual({ type: 'step', message: expect.stringContaining('already in its bootloader') });
  });

  it('finds a clone whose Caterina has unknown USB ids when it comes back on the same path', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE, bootloaderId: { vendorId: 0x1234, productId: 0x5678 } }).start();
    const seen: string[] = [];
    const result = await run(usb, PRO_MICRO, { onEvent: (e) => e.type === 'step' && seen.push(e.message) }).promise;
    expect(seen).toContain('Caterina is up on /dev/ttyACM0 (1234:5678 SparkFun SparkFun Pro Micro)');
    expect(result.bootloaderPath).toBe('/dev/ttyACM0');
    expect(board.running).toBe('ispkit');
  });

  it('asks for a double-tap of RESET when the touch does not work, then carries on', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'sketch', touchWorks: false, ispkitImage: FIRMWARE }).start();
    const actions: string[] = [];
    const { promise } = run(usb, PRO_MICRO, {
      onAction: (m) => {
        actions.push(m);
        board.doubleTapReset();
      },
    });
    const result = await promise;
    expect(actions).toEqual([expect.stringContaining('double-tap RESET')]);
    expect(usb.touches).toHaveLength(1);
    expect(result.signOn).toBe('AVR ISP');
    expect(board.bootloaderEntries).toBe(1);
  });

  it('fails with the list of what it saw when no board turns up', async () => {
    const usb = new FakeUsb();
    usb.plugSerial({ info: { vendorId: 0x0403, productId: 0x6001, manufacturer: 'FTDI' }, open: () => { throw new Error('unused'); } });
    const { promise, events } = run(usb, PRO_MICRO, { manualWaitMs: 5000 });
    const err = await rejection(promise);
    expect(err.code).toBe('no-board');
    expect(err.message).toContain('/dev/ttyACM0 (0403:6001 FTDI)');
    expect(err.message).toContain('double-tap RESET');
    expect(events.filter((e) => e.type === 'action')).toHaveLength(1);
  });

  it('refuses an image that would overwrite Caterina before touching the board', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const { promise } = run(usb, PRO_MICRO, { image: { segments: [{ address: 0x6000, data: new Uint8Array(0x1001) }] } });
    const err = await rejection(promise);
    expect(err.code).toBe('image-too-big');
    expect(err.message).toContain('0x7000');
    expect(usb.touches).toEqual([]);
    expect(board.running).toBe('ispkit');
  });

  it('reports a bootloader that times out mid-install as a failure, never as success', async () => {
    const usb = new FakeUsb();
    let stalled = false;
    const board = new FakeProMicro(usb, {
      running: 'ispkit',
      ispkitImage: FIRMWARE,
      // The host stalls 9 s in the middle of the verify pass (after page 0 is in, so Caterina's timer runs).
      caterina: {
        beforeCommand: (cmd, m) => {
          if (cmd === 'g' && m.commands.filter((c) => c === 'g').length === 20 && !stalled) {
            stalled = true;
            m.clock.advance(9000);
          }
        },
      },
    }).start();
    const { promise, events } = run(usb, PRO_MICRO);
    const err = await rejection(promise);
    expect(board.caterina?.left?.reason).toBe('timeout');
    expect(err.code).toBe('disconnected');
    expect(err.message).toMatch(/^install failed, the Pro Micro is not programmed: .*port closed while reading flash at 0x0a00 \(g\).*double-tap RESET/);
    expect(events.some((e) => e.type === 'step' && e.message.includes('verified'))).toBe(false);
  });

  it('reports the dialout group fix when the bootloader port may not be opened', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    usb.denied.add('/dev/ttyACM0');
    const err = await rejection(run(usb, PRO_MICRO).promise);
    expect(err.code).toBe('permission');
    expect(err.message).toContain('dialout');
  });

  it('retries opening a port whose permissions udev has not set yet', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    usb.denied.add('/dev/ttyACM0');
    usb.after(600, () => usb.denied.delete('/dev/ttyACM0'));
    const result = await run(usb, PRO_MICRO).promise;
    expect(result.signOn).toBe('AVR ISP');
  });

  it('fails the sign-on check when what was written is not ispkit', async () => {
    const usb = new FakeUsb();
    // The board only counts FIRMWARE as ispkit; installing something else leaves it without a programmer port.
    new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const other = { segments: [{ address: 0, data: Uint8Array.of(0x0c, 0x94, 1, 2) }] };
    const err = await rejection(run(usb, PRO_MICRO, { image: other }).promise);
    expect(err.code).toBe('sign-on-failed');
    expect(err.message).toContain('no ispkit programmer port (16c0:0483) appeared within 10 s');
  });

  it('asks to name the port when two candidate boards are plugged in', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    new FakeProMicro(usb, { running: 'sketch', ispkitImage: FIRMWARE }).start();
    const err = await rejection(run(usb, PRO_MICRO).promise);
    expect(err.code).toBe('no-board');
    expect(err.message).toContain('-P');
    expect(usb.touches).toEqual([]);
  });

  it("words the choice in the front end's terms when given its words (a page has no -P)", async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    new FakeProMicro(usb, { running: 'sketch', ispkitImage: FIRMWARE }).start();
    const words = { chooseOne: 'unplug one', runAgainWith: (p: string) => `pick ${p}`, checkProgrammer: 'connect' };
    const err = await rejection(run(usb, PRO_MICRO, { words }).promise);
    expect(err.code).toBe('no-board');
    expect(err.message).toMatch(/; unplug one$/);
    expect(err.message).not.toContain('-P');
  });

  it('tells its own ispkit programmer from another board running ispkit by the product string', async () => {
    const usb = new FakeUsb();
    const teensy = new FakeTeensy2(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const proMicro = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const result = await run(usb, PRO_MICRO).promise;
    expect(usb.touches).toEqual([{ path: '/dev/ttyACM1', baudRate: 1200 }]);
    expect(result.programmerPort).toBe('/dev/ttyACM1');
    expect(proMicro.bootloaderEntries).toBe(1);
    expect(teensy.bootloaderEntries).toBe(0);
  });

  it('does not reboot a Leonardo-id sketch unasked (it may be another board); it names it for -P', async () => {
    const usb = new FakeUsb();
    usb.plugSerial({ info: { vendorId: 0x2341, productId: 0x8036, manufacturer: 'Arduino LLC' }, open: () => { throw new Error('unused'); }, touch: () => { throw new Error('touched'); } });
    const board = new FakeProMicro(usb, { running: 'keyboard', ispkitImage: FIRMWARE }).start();
    const actions: string[] = [];
    const result = await run(usb, PRO_MICRO, {
      onAction: (m) => {
        actions.push(m);
        board.doubleTapReset();
      },
    }).promise;
    expect(usb.touches).toEqual([]);
    expect(actions[0]).toContain('if /dev/ttyACM0 is the board, run again with -P /dev/ttyACM0; otherwise: double-tap RESET now');
    expect(result.signOn).toBe('AVR ISP');
    expect(board.running).toBe('ispkit');
  });

  it("names the Leonardo-id sketch in the front end's terms when given its words", async () => {
    const usb = new FakeUsb();
    usb.plugSerial({ info: { vendorId: 0x2341, productId: 0x8036, manufacturer: 'Arduino LLC' }, open: () => { throw new Error('unused'); }, touch: () => { throw new Error('touched'); } });
    const board = new FakeProMicro(usb, { running: 'keyboard', ispkitImage: FIRMWARE }).start();
    const actions: string[] = [];
    await run(usb, PRO_MICRO, {
      words: { runAgainWith: (p) => `pick ${p} next time` },
      onAction: (m) => {
        actions.push(m);
        board.doubleTapReset();
      },
    }).promise;
    expect(actions[0]).toContain('if /dev/ttyACM0 is the board, pick /dev/ttyACM0 next time; otherwise: double-tap RESET now');
  });

  it('uses the port named with -P', async () => {
    const usb = new FakeUsb();
    const a = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const b = new FakeProMicro(usb, { running: 'sketch', ispkitImage: FIRMWARE }).start();
    const result = await run(usb, PRO_MICRO, { port: '/dev/ttyACM1' }).promise;
    expect(usb.touches).toEqual([{ path: '/dev/ttyACM1', baudRate: 1200 }]);
    expect(b.running).toBe('ispkit');
    expect(a.bootloaderEntries).toBe(0);
    expect(result.signOn).toBe('AVR ISP');
  });
});

describe('installProgrammer: Teensy 2.0 (HalfKay)', () => {
  it('reboots running ispkit firmware with 134 baud, writes through HalfKay, boots and signs on', async () => {
    const usb = new FakeUsb();
    const board = new FakeTeensy2(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const { promise, events } = run(usb, TEENSY2);
    const result = await promise;
    expect(usb.touches).toEqual([{ path: '/dev/ttyACM0', baudRate: 134 }]);
    expect(result).toMatchObject({ alreadyInBootloader: false, readBack: false, signOn: 'AVR ISP', bootloaderPath: '/dev/hidraw0' });
    expect(board.halfkay?.booted).toBeDefined();
    expect(board.halfkay?.bootloaderWrites).toBe(0);
    expect(board.flash.subarray(0, FIRMWARE.length)).toEqual(FIRMWARE);
    expect(board.flash.subarray(FIRMWARE.length, 0x7e00).every((b) => b === 0xff)).toBe(true);
    expect(events.filter((e) => e.type === 'progress').at(-1)).toEqual({ type: 'progress', progress: { phase: 'write', done: 5120, total: 5120 } });
  });

  it('asks for the pushbutton when no running Teensy answers, and proceeds when HalfKay shows up', async () => {
    const usb = new FakeUsb();
    const board = new FakeTeensy2(usb, { running: 'keyboard', ispkitImage: FIRMWARE }).start();
    const actions: string[] = [];
    const result = await run(usb, TEENSY2, {
      onAction: (m) => {
        actions.push(m);
        board.pressButton();
      },
    }).promise;
    expect(actions).toEqual([expect.stringContaining('press the pushbutton')]);
    expect(result.signOn).toBe('AVR ISP');
  });

  it('does not reboot a Teensyduino/QMK serial port unasked (it may be the current programmer)', async () => {
    const usb = new FakeUsb();
    usb.plugSerial({ info: { vendorId: 0x16c0, productId: 0x0483, manufacturer: 'Teensyduino', product: 'USB Serial' }, open: () => { throw new Error('unused'); } });
    const board = new FakeTeensy2(usb, { running: 'keyboard', ispkitImage: FIRMWARE }).start();
    const actions: string[] = [];
    const result = await run(usb, TEENSY2, {
      onAction: (m) => {
        actions.push(m);
        board.pressButton();
      },
    }).promise;
    expect(usb.touches).toEqual([]);
    expect(actions[0]).toContain('if /dev/ttyACM0 is the board, run again with -P /dev/ttyACM0; otherwise: press the pushbutton');
    expect(result.signOn).toBe('AVR ISP');
  });

  it('proceeds when HalfKay is already there', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    const result = await run(usb, TEENSY2).promise;
    expect(result.alreadyInBootloader).toBe(true);
    expect(usb.touches).toEqual([]);
  });

  it('refuses an image past 32256 bytes before rebooting the board', async () => {
    const usb = new FakeUsb();
    const board = new FakeTeensy2(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const err = await rejection(run(usb, TEENSY2, { image: { segments: [{ address: 0, data: new Uint8Array(32257) }] } }).promise);
    expect(err.code).toBe('image-too-big');
    expect(err.message).toContain('32256 bytes');
    expect(usb.touches).toEqual([]);
    expect(board.running).toBe('ispkit');
  });

  it('reports a Teensy that drops off mid-install, without claiming success', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: FIRMWARE, halfkay: { failAfterBlocks: { count: 10, mode: 'disconnect' } } }).start();
    const { promise, events } = run(usb, TEENSY2);
    const err = await rejection(promise);
    expect(err.code).toBe('disconnected');
    expect(err.message).toMatch(/^install failed, the Teensy 2.0 is not programmed: .*0x0500.*press the pushbutton/);
    expect(events.some((e) => e.type === 'step' && e.message.startsWith('wrote'))).toBe(false);
  });

  it('reports a HalfKay that stops answering mid-install as a timeout', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: FIRMWARE, halfkay: { failAfterBlocks: { count: 10, mode: 'hang' } } }).start();
    const err = await rejection(run(usb, TEENSY2).promise);
    expect(err.code).toBe('timeout');
    expect(err.address).toBe(0x500);
  });

  it('gives the udev rule hint when the HID device may not be opened', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    usb.denied.add('/dev/hidraw0');
    const err = await rejection(run(usb, TEENSY2).promise);
    expect(err.code).toBe('permission');
    expect(err.message).toContain('60-ispkit.rules');
  });

  it('stops at once when interrupted while waiting for the user', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'keyboard', ispkitImage: FIRMWARE }).start();
    const ac = new AbortController();
    const start = usb.clock.now();
    const err = await rejection(run(usb, TEENSY2, { signal: ac.signal, onAction: () => ac.abort() }).promise);
    expect(err.message).toBe('interrupted');
    expect(usb.clock.now() - start).toBeLessThan(1000);
  });

  it('stops writing when interrupted mid-install and does not claim success', async () => {
    const usb = new FakeUsb();
    const board = new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    const ac = new AbortController();
    const { promise } = run(usb, PRO_MICRO, {
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && e.progress.phase === 'write' && e.progress.done === 1280) ac.abort();
      },
    });
    const err = await rejection(promise);
    expect(err.message).toBe('interrupted; the Pro Micro is not programmed');
    expect(board.caterina?.commands.filter((c) => c === 'B')).toHaveLength(10);
  });

  it('says what it saw when neither a Teensy nor HalfKay turns up', async () => {
    const usb = new FakeUsb();
    const { promise } = run(usb, TEENSY2, { manualWaitMs: 3000 });
    const err = await rejection(promise);
    expect(err.code).toBe('no-board');
    expect(err.message).toContain('no USB serial ports or HID devices at all');
  });
});

describe('installProgrammer: -P names a port the USB listing does not show (pty, no USB identity, failed listing)', () => {
  const steps = (events: InstallEvent[]): string[] => events.flatMap((e) => (e.type === 'step' ? [e.message] : []));

  it('Caterina already running there answers the AVR109 identifier: installed without a touch, confirmed on the same path', async () => {
    const usb = new FakeUsb();
    usb.hideListing = true;
    const board = new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    const { events, promise } = run(usb, PRO_MICRO, { port: '/dev/ttyACM0', probeMs: 50 });
    const result = await promise;
    expect(result).toMatchObject({ alreadyInBootloader: true, bootloaderPath: '/dev/ttyACM0', programmerPort: '/dev/ttyACM0', signOn: 'AVR ISP', readBack: true });
    expect(usb.touches).toEqual([]);
    expect(board.running).toBe('ispkit');
    expect(steps(events)).toContain('/dev/ttyACM0 is not in the USB listing; it answers as a bootloader ("CATERIN")');
    expect(steps(events)).toContain('the new firmware answers on /dev/ttyACM0, the port you named');
  });

  it('an application there (silent to the identifier query) gets the 1200-baud touch; the bootloader comes back on the same path', async () => {
    const usb = new FakeUsb();
    usb.hideListing = true;
    const board = new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const { events, promise } = run(usb, PRO_MICRO, { port: '/dev/ttyACM0', probeMs: 50 });
    const result = await promise;
    expect(usb.touches).toEqual([{ path: '/dev/ttyACM0', baudRate: 1200 }]);
    expect(result).toMatchObject({ alreadyInBootloader: false, bootloaderPath: '/dev/ttyACM0', programmerPort: '/dev/ttyACM0' });
    expect(board.bootloaderEntries).toBe(1);
    expect(steps(events).slice(0, 2)).toEqual(['/dev/ttyACM0 is not in the USB listing and does not answer as a bootloader; rebooting it into Caterina (1200-baud touch)', 'the bootloader is up on /dev/ttyACM0']);
  });

  it('Teensy: the unlisted port gets the 134-baud request, HalfKay is found over HID, the firmware confirmed on the same path', async () => {
    const usb = new FakeUsb();
    usb.hideListing = true;
    new FakeTeensy2(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    const { promise } = run(usb, TEENSY2, { port: '/dev/ttyACM0', probeMs: 50 });
    const result = await promise;
    expect(usb.touches).toEqual([{ path: '/dev/ttyACM0', baudRate: 134 }]);
    expect(result).toMatchObject({ programmerPort: '/dev/ttyACM0', signOn: 'AVR ISP' });
  });

  it('a port that does not exist is a no-board error listing the ports that do', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'ispkit', ispkitImage: FIRMWARE }).start();
    for (const board of [PRO_MICRO, TEENSY2]) {
      const err = await rejection(run(usb, board, { port: '/dev/ttyACM7', probeMs: 50 }).promise);
      expect(err.code).toBe('no-board');
      expect(err.message).toMatch(/^no serial port \/dev\/ttyACM7 \(.*seen: \/dev\/ttyACM0 \(16c0:0483 ispkit/);
    }
    expect(usb.touches).toEqual([]);
  });

  it('a /dev/serial/by-id link whose target is listed is matched through portTarget and handled as the listed port', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, { running: 'bootloader', ispkitImage: FIRMWARE }).start();
    const link = '/dev/serial/by-id/usb-SparkFun_Pro_Micro-if00';
    const { events, promise } = run(usb, PRO_MICRO, { port: link, portTarget: '/dev/ttyACM0', probeMs: 50 });
    const result = await promise;
    expect(result).toMatchObject({ alreadyInBootloader: true, bootloaderPath: '/dev/ttyACM0', programmerPort: '/dev/ttyACM0' });
    expect(steps(events).some((m) => m.includes('not in the USB listing'))).toBe(false);
  });
});
