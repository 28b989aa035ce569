import { MemoryImage, serializeIntelHex } from '@ispkit/ihex';
import { seededBytes } from '@ispkit/ihex/testing';
import { describe, expect, test } from 'vitest';
import { IspkitError } from '../errors.js';
import { parseFuseRequest } from '../fuse-policy.js';
import { recordFlow } from '../testing/record-flow.js';
import { flash } from './flash.js';


const factory = { low: 0x5e, high: 0x99, ext: 0xf3 };
const firmwareBytes = seededBytes(4096, 1);
const firmware = { name: 'keyboard.hex', bytes: serializeIntelHex(MemoryImage.fromBinary(firmwareBytes, 0)) };
const bootData = seededBytes(4096 - 256, 7);
for (let k = 0; k < 16; k++) bootData.set([0x0c, 0x94, 0x00, 0x38], k * 4);
const bootloader = { name: 'caterina.hex', bytes: new TextEncoder().encode(serializeIntelHex(MemoryImage.fromBinary(bootData, 0x7000))) };

async function failure(p: Promise<unknown>): Promise<IspkitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IspkitError);
  return err as IspkitError;
}

describe('flash flow (in-memory fake programmer)', () => {
  test('factory chip: steps in order, byte progress, chip states, merged image and preset fuses on the chip', async () => {
    const r = recordFlow({ target: { fuses: factory } });
    const data = await flash(r.ctx, r.link, { firmware, bootloader, fuses: parseFuseRequest({ fuses: 'caterina-5v' }, undefined) });
    const t = r.programmer.target;
    expect(t.flash.subarray(0, 4096)).toEqual(firmwareBytes);
    expect(t.flash.subarray(0x7000, 0x7000 + bootData.length)).toEqual(bootData);
    expect(t.fuses).toEqual({ low: 0xff, high: 0xd8, ext: 0xfb });
    expect(data).toMatchObject({ verified: true, clockTrick: true, bytesWritten: 4096 + 3840 });
    const steps = r.of('step').map((s) => s.step);
    expect(steps).toEqual(['connect', 'identify', 'prepare', 'speed', 'erase', 'write', 'verify', 'fuses', 'done']);
    const writing = r.of('progress').filter((p) => p.task === 'writing flash');
    expect(writing[0]).toMatchObject({ phase: 'start', done: 0, total: 7936 });
    expect(writing.at(-1)).toMatchObject({ phase: 'finish', done: 7936, total: 7936 });
    expect(writing.filter((p) => p.phase === 'update').map((p) => p.done)).toEqual([...writing.filter((p) => p.phase === 'update').map((p) => p.done)].sort((a, b) => a - b));
    const states = r.of('chip-state').map((s) => s.text);
    expect(states[0]).toMatch(/low fuse is temporarily DE/);
    expect(states.at(-1)).toMatch(/the ext, high, low fuses were written/);
    const result = r.of('result')[0]!;
    expect(result.command).toBe('flash');
    expect(result.lines[0]).toMatch(/^flashed 7\.8 KB to ATmega32U4 and verified in /);
    expect(r.events.at(-1)).toBe(result);
  });

  test('wrong chip: refused before anything is erased (exit 4), naming both parts', async () => {
    const r = recordFlow({ target: { signature: [0x1e, 0x95, 0x0f] } });
    const err = await failure(flash(r.ctx, r.link, { firmware, part: 'atmega32u4' }));
    expect(err.exitCode).toBe(4);
    expect(err.code).toBe('wrong-signature');
    expect(err.message).toBe('found ATmega328P (1E 95 0F), expected ATmega32U4 (1E 95 87)');
    expect(r.programmer.target.stats.chipErases).toBe(0);
    expect(r.of('chip-state')).toEqual([]);
  });

  test('no target: exit 4 with the wiring lines as info messages', async () => {
    const r = recordFlow({ target: { presence: 'absent-high' } });
    const err = await failure(flash(r.ctx, r.link, { firmware }));
    expect(err.exitCode).toBe(4);
    expect(err.code).toBe('no-target');
    expect(err.hint).toMatch(/check the wiring/);
    expect(r.of('message').some((m) => m.level === 'info' && /→ RESET, .* → SCK/.test(m.text))).toBe(true);
  });

  test('programmer unplugged mid-write: exit 3, the error and the last chip-state say the chip is erased and half written', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } }, disconnectAfterBytes: 3000 });
    const err = await failure(flash(r.ctx, r.link, { firmware }));
    expect(err.exitCode).toBe(3);
    expect(err.code).toBe('disconnected');
    expect(err.message).toMatch(/^the programmer on \/dev\/fake0 disconnected while writing flash at 0x[0-9A-F]{4}: the chip is erased and only \d+ of 4096 bytes are written \(it will not run\); its fuses are unchanged; reconnect and run `ispkit flash fw\.hex` again$/);
    const last = r.of('chip-state').at(-1)!;
    expect(last.state.erased).toBe(true);
    expect(last.state.flashBytesWritten).toBeLessThan(4096);
    expect(err.message).toContain(last.text);
    expect(r.of('progress').at(-1)).toMatchObject({ task: 'writing flash', phase: 'abort' });
  });

  test('verify mismatch: exit 5 naming the first differing address; the chip is written but not verified', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 }, flipReadAt: 0x123 } });
    const err = await failure(flash(r.ctx, r.link, { firmware }));
    expect(err.exitCode).toBe(5);
    expect(err.code).toBe('verify-mismatch');
    expect(err.message).toMatch(/^verify failed: 1 byte of flash differs, the first at 0x0123 .*: all 4096 bytes are written but not verified good; its fuses are unchanged; run `ispkit flash fw\.hex` again$/);
    expect(err.details).toMatchObject({ firstAddress: 0x123, count: 1 });
  });

  test('dangerous fuses: refused (exit 6) before the chip is touched', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } });
    const err = await failure(flash(r.ctx, r.link, { firmware, fuses: parseFuseRequest({ hfuse: 'B9' }, undefined) }));
    expect(err.exitCode).toBe(6);
    expect(err.code).toBe('dangerous-fuses');
    expect(err.message).toMatch(/^refusing to write the high fuse: /);
    expect(r.programmer.target.stats.chipErases).toBe(0);
    expect(r.programmer.target.fuses.high).toBe(0x99);
  });

  test('a bad file fails before the programmer is spoken to', async () => {
    const r = recordFlow();
    const err = await failure(flash(r.ctx, r.link, { firmware: { name: 'bad.hex', bytes: ':10000000FFFF\n' } }));
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/bad\.hex/);
    expect(err.hint).toBe('check the file (see `ispkit hex info <file>`)');
    expect(r.programmer.stats.frames).toBe(0);
    expect(r.events).toEqual([]);
  });
});

describe('flash flow on another front end', () => {
  test('the page\'s words reach the hint; the message and exit code stay the CLI\'s', async () => {
    const r = recordFlow({ target: { fuses: { low: 0xde, high: 0x99, ext: 0xf3 } } }, { words: { forceDangerousFuses: 'tick "Write dangerous fuses anyway"' }, rerun: 'Flash' });
    const err = await failure(flash(r.ctx, r.link, { firmware, fuses: parseFuseRequest({ hfuse: 'B9' }, undefined) }));
    expect(err.exitCode).toBe(6);
    expect(err.message).toMatch(/^refusing to write the high fuse: /);
    expect(err.hint).toBe('tick "Write dangerous fuses anyway"');
  });
});
