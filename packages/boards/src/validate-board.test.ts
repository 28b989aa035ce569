import { describe, expect, it } from 'vitest';
import { boards } from './board-list.js';
import { teensy2 } from './boards/teensy2.js';
import { proMicro } from './boards/pro-micro.js';
import { BoardError, validateBoard } from './validate-board.js';

function problemsOf(input: unknown): readonly string[] {
  try {
    validateBoard(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BoardError);
    return (e as BoardError).problems;
  }
  throw new Error('expected validateBoard to throw');
}

describe('validateBoard', () => {
  it('accepts every built-in board', () => {
    for (const b of boards) expect(validateBoard(b)).toBe(b);
  });

  it('rejects a pin used twice, naming both roles', () => {
    const p = problemsOf({ ...proMicro, leds: { status: { pin: 'B6', activeLevel: 'low' } } });
    expect(p).toContain('pin B6 is used twice: target RESET and status LED');
  });

  it('rejects RESET on an SPI pin', () => {
    const p = problemsOf({ ...teensy2, targetReset: 'B2' });
    expect(p.some((m) => m.includes('target RESET cannot be B2'))).toBe(true);
  });

  it('rejects a pin the ATmega32U4 does not have', () => {
    const p = problemsOf({ ...teensy2, targetReset: 'F2' });
    expect(p[0]).toMatch(/target RESET pin "F2" does not exist on the ATmega32U4/);
  });

  it('rejects an LED sharing an SPI pin', () => {
    const p = problemsOf({ ...teensy2, leds: { status: { pin: 'B1', activeLevel: 'high' } } });
    expect(p).toContain('pin B1 is used twice: SCK and status LED');
  });

  it('requires LED polarity', () => {
    const p = problemsOf({ ...teensy2, leds: { status: { pin: 'D6' } } });
    expect(p[0]).toMatch(/leds\.status\.activeLevel is missing/);
  });

  it('requires a plan for PB0 (SS) when it is neither RESET nor an LED', () => {
    const board = { ...teensy2, targetReset: 'F0' };
    expect(problemsOf(board)[0]).toMatch(/PB0 \(SPI SS\) is neither the target RESET nor an LED/);
    expect(validateBoard({ ...board, unusedSs: 'pull-up' }).unusedSs).toBe('pull-up');
    expect(problemsOf({ ...teensy2, unusedSs: 'drive-high' })[0]).toMatch(/unusedSs applies only/);
  });

  it('rejects a bootloader that does not end at the top of flash', () => {
    const p = problemsOf({ ...teensy2, bootloader: { kind: 'halfkay', address: 0x7e00, size: 256 } });
    expect(p[0]).toMatch(/bootloader must end at the top of flash/);
  });

  it('rejects a Caterina bootloader without a RAM boot key', () => {
    const p = problemsOf({ ...proMicro, bootloader: { kind: 'caterina', address: 0x7000, size: 4096 } });
    expect(p[0]).toMatch(/caterina bootloader needs bootKey/);
  });

  it('rejects clocks USB cannot use, unknown fields and bad ids, listing all problems at once', () => {
    const p = problemsOf({ ...teensy2, id: 'My Board', fCpu: 12_000_000, colour: 'red' });
    expect(p).toHaveLength(3);
    expect(p.join('\n')).toMatch(/id must be/);
    expect(p.join('\n')).toMatch(/fCpu must be 16000000 or 8000000 \(got 12000000\)/);
    expect(p.join('\n')).toMatch(/unknown field "colour"/);
  });

  it('puts the board id and every problem in the message', () => {
    expect(() => validateBoard({ ...teensy2, voltage: 12 })).toThrow(/board "teensy2": voltage must be 5 or 3\.3/);
    expect(() => validateBoard(null)).toThrow(BoardError);
  });
});
