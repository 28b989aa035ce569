import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SerialPort } from 'serialport';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * `ispkit web --sim-port <port>`: a WebSocket at /bridge that relays raw bytes between the page (opened with
 * ?bridge) and a serial port on this machine — meant for `ispkit sim`'s port, which a browser's Web Serial cannot
 * see (a pty is not a USB serial device). One page at a time, as a serial port has one owner. The page says while
 * it uses the bridge that it is not talking through Web Serial.
 */
export interface SimBridge {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

export function simBridge(path: string, onNote: (line: string) => void): SimBridge {
  const wss = new WebSocketServer({ noServer: true });
  let busy = false;
  wss.on('connection', (ws: WebSocket) => {
    if (busy) {
      ws.close(1013, 'another page is using the simulated programmer');
      return;
    }
    busy = true;
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false, hupcl: false });
    const done = (why?: string) => {
      busy = false;
      if (port.isOpen) port.close(() => undefined);
      if (ws.readyState === ws.OPEN) ws.close(why ? 1011 : 1000, why?.slice(0, 120));
    };
    port.open((err) => {
      if (err) {
        onNote(`bridge: cannot open ${path}: ${err.message}`);
        done(`cannot open ${path}: ${err.message}`);
        return;
      }
      port.on('data', (chunk: Buffer) => ws.send(chunk));
      port.on('close', () => done(`${path} closed`));
      port.on('error', (e: Error) => done(`${path}: ${e.message}`));
      ws.on('message', (data: Buffer) => port.write(data));
    });
    ws.on('close', () => done());
  });
  return {
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/bridge') {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
