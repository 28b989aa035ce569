import { describe, expect, test } from 'vitest';
import { ExitCode, IspkitError } from './errors.js';
import { errorLine, runFlow, type CoreEvent } from './events.js';

describe('runFlow (for front ends that only render events)', () => {
  test('a failure becomes one error event with the exit code, message and hint', async () => {
    const events: CoreEvent[] = [];
    const code = await runFlow({ emit: (e) => void events.push(e), rerun: 'Flash' }, async () => {
      throw new IspkitError('no target answered: the signature reads 00 00 00', { exitCode: ExitCode.TARGET, code: 'no-target', hint: 'check the wiring' });
    });
    expect(code).toBe(4);
    expect(events).toEqual([{ type: 'error', exitCode: 4, code: 'no-target', message: 'no target answered: the signature reads 00 00 00', hint: 'check the wiring' }]);
  });

  test('anything else thrown is still one line, never a stack; after an abort it is "interrupted" (130)', async () => {
    const events: CoreEvent[] = [];
    const ctx = { emit: (e: CoreEvent) => void events.push(e), rerun: 'Flash' };
    expect(await runFlow(ctx, async () => Promise.reject(new TypeError('x is not a function')))).toBe(1);
    expect(events[0]).toMatchObject({ type: 'error', code: 'internal', message: 'x is not a function' });
    const controller = new AbortController();
    controller.abort();
    expect(await runFlow({ ...ctx, signal: controller.signal }, async () => Promise.reject(new Error('stream closed')))).toBe(130);
    expect(events[1]).toMatchObject({ type: 'error', code: 'interrupted', exitCode: 130 });
    expect(await runFlow(ctx, async () => 'ok')).toBe(0);
    expect(events).toHaveLength(2);
  });

  test('errorLine joins message and hint as the CLI prints them', () => {
    expect(errorLine(new IspkitError('verify failed', { hint: 'flash again' }))).toBe('verify failed; flash again');
    expect(errorLine(new Error('plain'))).toBe('plain; this looks like a bug in ispkit; rerun with -v and report it');
  });
});
