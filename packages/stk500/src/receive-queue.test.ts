import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { StreamError } from './byte-stream.js';
import { ReceiveQueue } from './receive-queue.js';

describe('ReceiveQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const queue = () => new ReceiveQueue((n, ms, arrived) => `no ${n} bytes in ${ms} ms (${arrived} arrived)`);

  test('a read takes exactly its length, from chunks that arrive before and after it, and keeps the rest', async () => {
    const q = queue();
    q.push(Uint8Array.of(1, 2));
    const r = q.read(4, 100);
    q.push(Uint8Array.of(3));
    q.push(Uint8Array.of(4, 5, 6));
    expect([...(await r)]).toEqual([1, 2, 3, 4]);
    expect([...(await q.read(2, 100))]).toEqual([5, 6]);
  });

  test('a timed-out read leaves what did arrive for the next read', async () => {
    const q = queue();
    q.push(Uint8Array.of(9));
    const r = q.read(3, 50);
    vi.advanceTimersByTime(50);
    await expect(r).rejects.toMatchObject({ code: 'timeout', message: 'no 3 bytes in 50 ms (1 arrived)' });
    q.push(Uint8Array.of(8, 7));
    expect([...(await q.read(3, 50))]).toEqual([9, 8, 7]);
  });

  test('one read at a time', async () => {
    const q = queue();
    const first = q.read(1, 100);
    await expect(q.read(1, 100)).rejects.toThrow('only one read may be pending');
    q.push(Uint8Array.of(1));
    await expect(first).resolves.toEqual(Uint8Array.of(1));
  });

  test('close rejects the pending read at once and every later one with the first reason', async () => {
    const q = queue();
    const r = q.read(1, 10_000);
    q.close(new StreamError('closed', 'unplugged'));
    q.close(new StreamError('closed', 'closed by the user'));
    await expect(r).rejects.toMatchObject({ code: 'closed', message: 'unplugged' });
    await expect(q.read(1, 100)).rejects.toMatchObject({ code: 'closed', message: 'unplugged' });
    expect(q.closed?.message).toBe('unplugged');
  });

  test('clear drops unread bytes', async () => {
    const q = queue();
    q.push(Uint8Array.of(1, 2, 3));
    q.clear();
    q.push(Uint8Array.of(4));
    expect([...(await q.read(1, 100))]).toEqual([4]);
  });
});
