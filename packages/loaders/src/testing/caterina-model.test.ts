import { describe, expect, it } from 'vitest';
import { CaterinaModel } from './caterina-model.js';

async function cmd(m: CaterinaModel, bytes: number[] | string, replyLength: number): Promise<number[]> {
  const data = typeof bytes === 'string' ? [...bytes].map((c) => c.charCodeAt(0)) : bytes;
  await m.stream.write(Uint8Array.from(data));
  return [...(await m.stream.read(replyLength, 100))];
}

const B = (len: number, data: number[]): number[] => [0x42, len >> 8, len & 0xff, 0x46, ...data];

describe('CaterinaModel', () => {
  it('answers the identification commands as Caterina does', async () => {
    const m = new CaterinaModel();
    expect(String.fromCharCode(...(await cmd(m, 'S', 7)))).toBe('CATERIN');
    expect(await cmd(m, 'b', 3)).toEqual([0x59, 0x00, 0x80]);
    expect(await cmd(m, 'a', 1)).toEqual([0x59]);
    expect(await cmd(m, 'p', 1)).toEqual([0x53]);
    expect(await cmd(m, 't', 2)).toEqual([0x44, 0x00]);
    expect(await cmd(m, 's', 3)).toEqual([0x87, 0x95, 0x1e]);
    expect(await cmd(m, 'X', 1)).toEqual([0x3f]);
  });

  it('takes a word address in A and erases the page before a block write', async () => {
    const m = new CaterinaModel();
    await cmd(m, [0x41, 0x00, 0x40], 1); // word 0x40 = byte 0x80
    expect(await cmd(m, B(4, [0x00, 0x0f, 0xf0, 0xff]), 1)).toEqual([0x0d]);
    await cmd(m, [0x41, 0x00, 0x40], 1);
    await cmd(m, B(4, [0xff, 0xf0, 0x0f, 0x00]), 1);
    // Second write erased the page first: no AND with the first data.
    expect([...m.flash.subarray(0x80, 0x84)]).toEqual([0xff, 0xf0, 0x0f, 0x00]);
    expect([...m.flash.subarray(0x84, 0x100)].every((b) => b === 0xff)).toBe(true);
    await cmd(m, [0x41, 0x00, 0x40], 1);
    expect(await cmd(m, [0x67, 0x00, 0x04, 0x46], 4)).toEqual([0xff, 0xf0, 0x0f, 0x00]);
  });

  it('only clears bits when a page is written without an erase (C/c/m)', async () => {
    const m = new CaterinaModel();
    await cmd(m, [0x41, 0x00, 0x00], 1);
    await cmd(m, B(2, [0x0f, 0xf0]), 1);
    await cmd(m, [0x41, 0x00, 0x00], 1);
    await cmd(m, [0x43, 0x3c], 1); // C: fill word 0 with 0x003c
    await cmd(m, [0x6d], 1); // m: write page without erase
    expect([m.flash[0], m.flash[1]]).toEqual([0x0f & 0x3c, 0xf0 & 0x00]);
  });

  it('ignores writes into its own section (lock bits) and counts them', async () => {
    const m = new CaterinaModel();
    const before = Uint8Array.from(m.flash.subarray(0x7000, 0x7080));
    await cmd(m, [0x41, 0x38, 0x00], 1); // word 0x3800 = byte 0x7000
    expect(await cmd(m, B(2, [0, 0]), 1)).toEqual([0x0d]);
    expect(m.flash.subarray(0x7000, 0x7080)).toEqual(before);
    expect(m.bootSectionWrites).toBe(2);
  });

  it('answers ? to a block with an unknown memory type and parses its data as commands', async () => {
    const m = new CaterinaModel();
    await m.stream.write(Uint8Array.of(0x42, 0x00, 0x01, 0x58, 0x53)); // type 'X', then "S"
    expect([...(await m.stream.read(8, 100))]).toEqual([0x3f, ...[...'CATERIN'].map((c) => c.charCodeAt(0))]);
  });

  it('erases only the application section with e', async () => {
    const flash = new Uint8Array(32768).fill(0x00);
    const m = new CaterinaModel({ flash });
    expect(await cmd(m, 'e', 1)).toEqual([0x0d]);
    expect(m.flash.subarray(0, 0x7000).every((b) => b === 0xff)).toBe(true);
    expect(m.flash.subarray(0x7000).every((b) => b === 0x00)).toBe(true);
  });

  it('times out after 8 s only while an application is present; B and g restart the count', async () => {
    const blank = new CaterinaModel();
    blank.clock.advance(60_000);
    expect(blank.left).toBeUndefined();

    const flash = CaterinaModel.blankFlash();
    flash[0] = 0x0c;
    const m = new CaterinaModel({ flash });
    m.clock.advance(7000);
    await cmd(m, [0x67, 0x00, 0x02, 0x46], 2);
    m.clock.advance(7000);
    expect(m.left).toBeUndefined();
    m.clock.advance(1100);
    expect(m.left?.reason).toBe('timeout');
    await expect(m.stream.write(Uint8Array.of(0x53))).rejects.toMatchObject({ code: 'closed' });
  });

  it('leaves about 500 ms after E when an application is present', async () => {
    const flash = CaterinaModel.blankFlash();
    flash[0] = 0x0c;
    const m = new CaterinaModel({ flash });
    expect(await cmd(m, 'E', 1)).toEqual([0x0d]);
    m.clock.advance(450);
    expect(m.left).toBeUndefined();
    m.clock.advance(100);
    expect(m.left?.reason).toBe('exit-command');
  });
});
