/**
 * A ByteStream over the WebSocket bridge of `ispkit web --sim-port <port>`: for trying the page against
 * `pnpm ispkit sim` in an ordinary browser, which cannot see the simulator's pty through Web Serial. The bytes are
 * the same STK500 exchange; only the transport differs, and the page says so while it is in use.
 */
import { StreamError, type ByteStream } from '@ispkit/stk500';

export class WebSocketStream implements ByteStream {
  private buffer = new Uint8Array(0);
  private pending: { length: number; resolve: (d: Uint8Array) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> } | undefined;
  private closedWhy: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => this.push(new Uint8Array(e.data as ArrayBuffer)));
    ws.addEventListener('close', (e) => this.end(`the simulator bridge closed${e.reason ? ` (${e.reason})` : ''}`));
  }

  /** Connects to the page's own origin, path /bridge. */
  static open(url: string): Promise<WebSocketStream> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => resolve(new WebSocketStream(ws)), { once: true });
      ws.addEventListener('close', (e) => reject(new Error(`cannot reach the simulator bridge at ${url}${e.reason ? `: ${e.reason}` : ''}`)), { once: true });
    });
  }

  private push(chunk: Uint8Array): void {
    const next = new Uint8Array(this.buffer.length + chunk.length);
    next.set(this.buffer);
    next.set(chunk, this.buffer.length);
    this.buffer = next;
    const p = this.pending;
    if (p && this.buffer.length >= p.length) {
      this.pending = undefined;
      clearTimeout(p.timer);
      const out = this.buffer.slice(0, p.length);
      this.buffer = this.buffer.slice(p.length);
      p.resolve(out);
    }
  }

  private end(why: string): void {
    if (this.closedWhy !== undefined) return;
    this.closedWhy = why;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.reject(new StreamError('closed', why));
    }
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.closedWhy !== undefined) throw new StreamError('closed', this.closedWhy);
    this.ws.send(data as Uint8Array<ArrayBuffer>);
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    if (this.closedWhy !== undefined) return Promise.reject(new StreamError('closed', this.closedWhy));
    if (this.pending) return Promise.reject(new Error('ByteStream: only one read may be pending'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.timer !== timer) return;
        this.pending = undefined;
        reject(new StreamError('timeout', `no reply within ${timeoutMs} ms (${this.buffer.length} of ${length} bytes arrived)`));
      }, timeoutMs);
      this.pending = { length, resolve, reject, timer };
      this.push(new Uint8Array(0));
    });
  }

  async drain(): Promise<void> {
    this.buffer = new Uint8Array(0);
  }

  async close(): Promise<void> {
    this.end('the simulator bridge is closed');
    this.ws.close();
  }
}

/** The bridge's address when the page was opened by `ispkit web --sim-port` (…/?bridge), else undefined. */
export function bridgeUrl(location: Location): string | undefined {
  if (!new URLSearchParams(location.search).has('bridge')) return undefined;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/bridge`;
}
