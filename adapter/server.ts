// Hosting the debug session outside VS Code's extension host: over stdio (one
// session per process) or over TCP on 127.0.0.1 only (one session per
// connection). Nothing else listens, and nothing is exposed beyond loopback.
import * as net from 'node:net';
import { VpciDebugSession } from './session';

export function runStdio(): void {
  const s = new VpciDebugSession();
  s.setRunAsServer(false);
  s.start(process.stdin, process.stdout);
  // The client closing our stdin ends the session (the session itself never exits the process,
  // because the same class runs inline in the extension host).
  process.stdin.on('end', () => process.exit(0));
}

/** Serves DAP sessions on 127.0.0.1:port (0 = any free port); resolves with the bound port. */
export function runTcp(port: number, onListening?: (port: number) => void): Promise<net.Server> {
  return new Promise((resolvePromise, reject) => {
    const server = net.createServer((socket) => {
      const s = new VpciDebugSession();
      s.setRunAsServer(true);
      s.start(socket, socket);
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      onListening?.(p);
      resolvePromise(server);
    });
  });
}
