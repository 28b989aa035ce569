import { describe, expect, test } from 'vitest';
import { Cmnd, Resp } from './constants.js';
import { AbortedError, NoSyncError, ProtocolError, TimeoutError, UnknownCommandError } from './errors.js';
import { Stk500Client } from './stk500-client.js';
import { FakeProgrammer, MemoryStream } from './testing/index.js';

/** A stream whose device side answers each write with a scripted reply. */
function scripted(replies: (request: Uint8Array) => number[] | undefined): MemoryStream {
  const stream: MemoryStream = new MemoryStream((bytes) => {
    const reply = replies(bytes);
    if (reply) setTimeout(() => stream.push(reply), 0);
  });
  return stream;
}

describe('Stk500Client', () => {
  test('getSync drains stale bytes first, then syncs', async () => {
    const fake = new FakeProgrammer({ garbageBeforeSync: [0x14, 0x10, 0x41, 0x15, 0x99] });
    const notes: string[] = [];
    const client = new Stk500Client(fake.stream, { onLog: (m) => notes.push(m) });
    await client.getSync();
    expect(notes.filter((n) => n.startsWith('attempt'))).toEqual([]);
    expect(await client.signOn()).toBe('AVR ISP');
  });

  test('getSync gives up after the configured attempts, logging each one', async () => {
    const fake = new FakeProgrammer({ silent: true });
    const notes: string[] = [];
    const client = new Stk500Client(fake.stream, { onLog: (m) => notes.push(m), syncAttempts: 3, syncTimeoutMs: 20, drainQuietMs: 5 });
    const err = await client.getSync().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSyncError);
    expect((err as NoSyncError).attempts).toBe(3);
    expect((err as Error).message).toMatch(/not in sync after 3 attempts \(no reply\)/);
    expect(notes.filter((n) => n.startsWith('attempt '))).toEqual([
      'attempt 1 of 3: not in sync: no reply',
      'attempt 2 of 3: not in sync: no reply',
      'attempt 3 of 3: not in sync: no reply',
    ]);
  });

  test('getSync reports what came back when the programmer answers NOSYNC', async () => {
    const stream = scripted(() => [Resp.STK_NOSYNC]);
    const notes: string[] = [];
    const client = new Stk500Client(stream, { onLog: (m) => notes.push(m), syncAttempts: 2, drainQuietMs: 5 });
    await expect(client.getSync()).rejects.toThrow(/resp=0x15/);
    expect(notes[0]).toBe('attempt 1 of 2: not in sync: resp=0x15');
  });

  test('a wrong status byte names expected and actual bytes', async () => {
    const stream = scripted(() => [Resp.STK_INSYNC, 0x01, 0x42]);
    const client = new Stk500Client(stream);
    const err = await client.getParameter(0x81).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as Error).message).toBe('STK_GET_PARAMETER: protocol expects OK byte 0x10 but got 0x42');
  });

  test('a wrong first byte is reported as a missing INSYNC', async () => {
    const stream = scripted(() => [0x00, 0x10]);
    const client = new Stk500Client(stream);
    await expect(client.signOn()).rejects.toThrow('STK_GET_SIGN_ON: protocol expects INSYNC byte 0x14 but got 0x00');
  });

  test('a timeout names the command and how much of the reply came', async () => {
    const stream = scripted((req) => (req[0] === Cmnd.STK_READ_SIGN ? [Resp.STK_INSYNC, 0x1e] : undefined));
    const client = new Stk500Client(stream, { timeoutMs: 30 });
    const err = await client.readSignature().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toBe('STK_READ_SIGN: no reply within 30 ms (got 2 of 5 bytes)');
  });

  test('STK_UNKNOWN becomes UnknownCommandError', async () => {
    const stream = scripted(() => [Resp.STK_UNKNOWN]);
    const client = new Stk500Client(stream);
    await expect(client.setParameter(0x89, 1)).rejects.toBeInstanceOf(UnknownCommandError);
  });

  test('pipelined exchanges are answered in order, and a failure aborts what was queued behind it', async () => {
    let n = 0;
    const stream = scripted(() => {
      n++;
      return n === 2 ? [Resp.STK_NOSYNC] : [Resp.STK_INSYNC, n, Resp.STK_OK];
    });
    const client = new Stk500Client(stream);
    const results = await Promise.allSettled([client.getParameter(1), client.getParameter(2), client.getParameter(3)]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(NoSyncError);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(AbortedError);
    await expect(client.getParameter(4)).rejects.toBeInstanceOf(AbortedError);
    expect(client.broken).toBeInstanceOf(NoSyncError);
  });

  test('a closed stream rejects the pending exchange promptly', async () => {
    const fake = new FakeProgrammer({ silent: true });
    const client = new Stk500Client(fake.stream, { timeoutMs: 5000 });
    const started = Date.now();
    const pending = client.signOn();
    setTimeout(() => fake.unplug(), 10);
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('requests are framed with CRC_EOP and STK_SET_DEVICE carries the sizes big-endian', async () => {
    const fake = new FakeProgrammer();
    const client = new Stk500Client(fake.stream);
    await client.setDevice({ pageSize: 128, eepromSize: 1024, flashSize: 32768 });
    const w = fake.stream.written;
    expect(w[0]).toBe(Cmnd.STK_SET_DEVICE);
    expect(w.length).toBe(22);
    expect(w[21]).toBe(Resp.CRC_EOP);
    expect(w.slice(13, 21)).toEqual([0x00, 0x80, 0x04, 0x00, 0x00, 0x00, 0x80, 0x00]);
  });
});

describe('Stk500Client.getSync with a slow programmer', () => {
  test('a late answer to an earlier attempt does not shift the next reply', async () => {
    let syncs = 0;
    const stream: MemoryStream = new MemoryStream((bytes) => {
      if (bytes[0] === Cmnd.STK_GET_SYNC) {
        syncs++;
        // the first answer comes after the attempt timed out; later ones promptly
        setTimeout(() => stream.push([Resp.STK_INSYNC, Resp.STK_OK]), syncs === 1 ? 60 : 1);
      } else if (bytes[0] === Cmnd.STK_GET_SIGN_ON) {
        setTimeout(() => stream.push([Resp.STK_INSYNC, ...Array.from('AVR ISP', (c) => c.charCodeAt(0)), Resp.STK_OK]), 1);
      }
    });
    const client = new Stk500Client(stream, { syncTimeoutMs: 40, drainQuietMs: 5 });
    await client.getSync();
    expect(await client.signOn()).toBe('AVR ISP');
  });
});
