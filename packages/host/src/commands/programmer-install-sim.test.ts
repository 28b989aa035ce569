import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryImage, parseIntelHex, serializeIntelHex } from '@ispkit/ihex';
import { FakeProMicro, FakeTeensy2, FakeUsb } from '@ispkit/loaders/testing';
import { startSim, type Sim } from '@ispkit/sim';
import { afterEach, describe, expect, test } from 'vitest';
import { Reporter } from '../output/reporter.js';
import { SerialStream } from '../serial/serial-stream.js';
import { firmwareDir } from './programmer-board.js';
import { runProgrammerInstall } from './programmer-install.js';

const sims: Sim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

function committed(name: string): Uint8Array {
  return parseIntelHex(readFileSync(join(firmwareDir(), 'dist', name), 'utf8')).toBinary({ start: 0 });
}

/** Run what the bootloader model now holds below `limit` in simavr and hand back a real serial stream to it. */
function simulatedApp(board: 'pro-micro' | 'teensy2', limit: number) {
  return async (flash: Uint8Array) => {
    let end = limit;
    while (end > 0 && flash[end - 1] === 0xff) end--;
    const file = join(mkdtempSync(join(tmpdir(), 'ispkit-installed-')), 'installed.hex');
    writeFileSync(file, serializeIntelHex(MemoryImage.fromBinary(flash.subarray(0, end))));
    const sim = await startSim({ board, firmware: file, maxSimSeconds: 120 });
    sims.push(sim);
    return SerialStream.open(sim.port, { baudRate: 115200 });
  };
}

function reporter(): { out: Reporter; text: () => string } {
  let text = '';
  const sink = { write: (s: string) => void (text += s) };
  return { out: new Reporter({ json: false, verbose: 0, quiet: false, stdout: sink, stderr: sink }), text: () => text };
}

describe('ispkit programmer install: the installed bytes run in simavr and sign on', () => {
  test('Pro Micro through the Caterina model', async () => {
    const usb = new FakeUsb();
    new FakeProMicro(usb, {
      running: 'bootloader',
      ispkitImage: committed('ispkit-pro-micro-b6.hex'),
      appStream: simulatedApp('pro-micro', 0x7000),
    }).start();
    const { out, text } = reporter();
    await runProgrammerInstall({ out, global: { json: false, verbose: 0, quiet: false }, cwd: process.cwd() }, { board: 'pro-micro' }, { devices: usb, clock: usb.clock });
    expect(text()).toContain('ispkit programmer ready: Pro Micro 5 V (16 MHz) on /dev/ttyACM0 (signs on as "AVR ISP"), firmware verified by read-back');
    expect(sims).toHaveLength(1);
  }, 90_000);

  test('Teensy 2.0 through the HalfKay model', async () => {
    const usb = new FakeUsb();
    new FakeTeensy2(usb, { running: 'bootloader', ispkitImage: committed('ispkit-teensy2-b0.hex'), appStream: simulatedApp('teensy2', 0x7e00) }).start();
    const { out, text } = reporter();
    await runProgrammerInstall({ out, global: { json: false, verbose: 0, quiet: false }, cwd: process.cwd() }, { board: 'teensy2' }, { devices: usb, clock: usb.clock });
    expect(text()).toContain('ispkit programmer ready: Teensy 2.0 on /dev/ttyACM0 (signs on as "AVR ISP")');
    expect(sims).toHaveLength(1);
    expect(sims[0]!.usb).toMatchObject({ vid: 0x16c0, pid: 0x0483 });
  }, 90_000);

  test('Pro Micro already in Caterina on a port the USB listing does not show: probed, installed, confirmed on the same -P path', async () => {
    const usb = new FakeUsb();
    usb.hideListing = true;
    new FakeProMicro(usb, {
      running: 'bootloader',
      ispkitImage: committed('ispkit-pro-micro-b6.hex'),
      appStream: simulatedApp('pro-micro', 0x7000),
    }).start();
    const { out, text } = reporter();
    await runProgrammerInstall(
      { out, global: { json: false, verbose: 0, quiet: false, port: '/dev/ttyACM0' }, cwd: process.cwd() },
      { board: 'pro-micro' },
      { devices: usb, clock: usb.clock },
    );
    expect(text()).toContain('/dev/ttyACM0 is not in the USB listing; it answers as a bootloader ("CATERIN")');
    expect(text()).toContain('the new firmware answers on /dev/ttyACM0, the port you named');
    expect(text()).toContain('ispkit programmer ready: Pro Micro 5 V (16 MHz) on /dev/ttyACM0 (signs on as "AVR ISP"), firmware verified by read-back');
    expect(usb.touches).toEqual([]);
    expect(sims).toHaveLength(1);
  }, 90_000);
});
