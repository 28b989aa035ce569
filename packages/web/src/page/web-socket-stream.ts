/**
 * A ByteStream over the WebSocket bridge of `ispkit web --sim-port <port>`: for trying the page against
 * `pnpm ispkit sim` in an ordinary browser, which cannot see the simulator's pty through Web Serial. The bytes are
 * the same STK500 exchange; only the transport differs, and the page says so while it is in use.
 */
import { ReceiveQueue, StreamError, type ByteStream } from '@ispkit/stk500';

export class WebSocketStream implements ByteStream {
  private readonly received = new ReceiveQueue(
    (length, timeoutMs, arrived) => `no reply within ${timeoutMs} ms (${arrived} of ${length} bytes arrived)`,
  );

  private constructor(private readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer';
    ws.addEventListener('message', (e) => this.received.push(new Uint8Array(e.data as ArrayBuffer)));
    ws.addEventListener('close', (e) =>
      this.received.close(new StreamError('closed', `the simulator bridge closed${e.reason ? ` (${e.reason})` : ''}`)),
    );
  }

  /** Connects to the page's own origin, path /bridge. */
  static open(url: string): Promise<WebSocketStream> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => resolve(new WebSocketStream(ws)), { once: true });
      ws.addEventListener('close', (e) => reject(new Error(`cannot reach the simulator bridge at ${url}${e.reason ? `: ${e.reason}` : ''}`)), { once: true });
    });
  }

  async write(data: Uint8Array): Promise<void> {
    const closedBy = this.received.closed;
    if (closedBy) throw closedBy;
    this.ws.send(data as Uint8Array<ArrayBuffer>);
  }

  read(length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.received.read(length, timeoutMs);
  }

  async drain(): Promise<void> {
    this.received.clear();
  }

  async close(): Promise<void> {
    this.received.close(new StreamError('closed', 'the simulator bridge is closed'));
    this.ws.close();
  }
}

/** The bridge's address when the page was opened by `ispkit web --sim-port` (…/?bridge), else undefined. */
export function bridgeUrl(location: Location): string | undefined {
  if (!new URLSearchParams(location.search).has('bridge')) return undefined;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/bridge`;
}
