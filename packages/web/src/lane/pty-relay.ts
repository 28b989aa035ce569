/** Node side of pty-relay.py: a pty path for the browser, and the bytes the browser writes to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface PtyRelay {
  /** /dev/pts/N */
  readonly pty: string;
  /** Bytes to the browser. */
  send(data: Uint8Array): void;
  /** Stops the relay (the pty goes away). */
  close(): Promise<void>;
}

export function startPtyRelay(onData: (data: Uint8Array) => void, opts: { ctty?: boolean } = {}): Promise<PtyRelay> {
  const child: ChildProcess = spawn('python3', [join(here, 'pty-relay.py'), ...(opts.ctty ? ['--ctty'] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout!.on('data', (chunk: Buffer) => onData(new Uint8Array(chunk)));
  return new Promise((resolve, reject) => {
    let err = '';
    const onStderr = (chunk: Buffer) => {
      err += chunk.toString();
      const nl = err.indexOf('\n');
      if (nl < 0) return;
      child.stderr!.off('data', onStderr);
      const pty = err.slice(0, nl).trim();
      if (!pty.startsWith('/dev/pts/')) {
        child.kill();
        reject(new Error(`pty-relay.py: ${err.trim()}`));
        return;
      }
      resolve({
        pty,
        send: (data) => void child.stdin!.write(data),
        async close() {
          child.stdin!.end();
          const timer = setTimeout(() => child.kill(), 1000);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    child.stderr!.on('data', onStderr);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`pty-relay.py exited (${code}): ${err.trim()}`)));
  });
}
