// Hosting the debug session outside VS Code's extension host: over stdio (one
// session per process) or over TCP on 127.0.0.1 only (one session per
// connection). Nothing else listens, and nothing is exposed beyond loopback.
import { fstatSync, writeSync, type Stats } from 'node:fs';
import type { RawInput } from './framing';
import * as net from 'node:net';
import { VpciDebugSession, type HeldMachine } from './session';
import { errnoCode, errorReason } from '../io/errors';

/** Why a TCP server could not listen, in one line ("port 4711 is in use"). */
export class ListenError extends Error {
  constructor(
    message: string,
    /** The system error's code (EADDRINUSE, EACCES …). */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export function listenError(e: unknown, port: number): ListenError {
  const code = errnoCode(e);
  const text =
    code === 'EADDRINUSE'
      ? `port ${port} is in use (another adapter, or another program, listens there; pick another port or 0 for any free one)`
      : code === 'EACCES' || code === 'EPERM'
        ? `not allowed to listen on port ${port}${port < 1024 ? ' (ports below 1024 need privileges)' : ''}`
        : `cannot listen on 127.0.0.1:${port}: ${errorReason(e)}`;
  return new ListenError(text, code);
}

/** What the process hosting the adapter may want to hear about (adapter/boot.ts uses it). */
export interface AdapterHooks {
  /** Called right after every `stopped` event of any session has been sent, with how many this process has sent so far (keep it short). */
  afterStop?: (stops: number) => void;
  /**
   * Called when a run goes on past one chunk of emulator steps (Continue or a step to a distant stop, a run
   * without debugging, Debug at Cause), at each further chunk: adapter/boot.ts lets V8 optimize from then on.
   */
  longRun?: () => void;
}

/** Stops this process has sent, over all its sessions. */
let stops = 0;

/** Wires hooks.afterStop to the session's `stopped` events (the hook runs after each event is out), and hooks.longRun to its long runs. */
function watchStops(s: VpciDebugSession, hooks: AdapterHooks): void {
  s.onLongRun = hooks.longRun;
  const hook = hooks.afterStop;
  if (!hook) return;
  const send = s.sendEvent.bind(s);
  s.sendEvent = (e) => {
    send(e);
    if (e.event === 'stopped') hook(++stops);
  };
}

export function runStdio(hooks: AdapterHooks = {}): void {
  const s = new VpciDebugSession();
  watchStops(s, hooks);
  s.setRunAsServer(false);
  s.ownsProcess = true;
  // A pipe or a file: written with write(2) directly (a terminal keeps Node's stream).
  if (!process.stdout.isTTY) s.outputFd = { fd: 1, write: (fd, data) => writeSync(fd, data) };
  const raw = pipeInput(0);
  if (raw) s.rawInput = raw;
  const input = raw?.socket ?? process.stdin;
  s.start(input, process.stdout);
  // The client closing our stdin ends the process, as a disconnect does (the session's shutdown).
  input.on('end', () => process.exit(0));
  // A client that has stopped reading its answers (STALLED_BACKLOG bytes wait for it) is told on
  // stderr, which it may still read, and the process ends: it would otherwise hold them all.
  s.onStalled = (unread) => {
    process.stderr.write(`vpci-lab: dap: the client stopped reading (${(unread / 1048576).toFixed(0)} MiB of output unread); exiting\n`);
    process.exit(74);
  };
}

/** Bytes per read of the stdio pipe (a step's requests are a few hundred bytes; larger messages take several reads). */
const READ_SIZE = 64 * 1024;

/**
 * When `fd` is a pipe or a socket (how VS Code and every DAP client start an adapter), a socket
 * that reads it into one reused buffer and hands each read to the session (adapter/framing.ts,
 * RawInput) instead of through a Readable stream; it still emits 'end', 'close' and 'error'.
 * Anything else (a terminal, a file), or a descriptor Node cannot wrap: undefined, and the
 * caller uses process.stdin. process.stdin is then never touched: a second reader of the same
 * descriptor would take bytes from the first.
 */
function pipeInput(fd: number): (RawInput & { socket: net.Socket }) | undefined {
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!st.isFIFO() && !st.isSocket()) return undefined;
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  const raw = { receive: (_: Buffer): void => undefined };
  // `onread` is a documented option of new net.Socket() (Node's net docs) that @types/node 20 lists only for connect().
  const options: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer,
      callback: (n: number) => {
        raw.receive(buffer.subarray(0, n));
        return true;
      },
    },
  };
  try {
    return Object.assign(raw, { socket: new net.Socket(options) });
  } catch {
    return undefined;
  }
}

/**
 * Serves DAP sessions on 127.0.0.1:port (0 = any free port); resolves with the bound port.
 * With `held`, `attach` requests adopt that machine (one client at a time) and it outlives them.
 */
export function runTcp(port: number, onListening?: (port: number) => void, hooks: AdapterHooks = {}, held?: HeldMachine): Promise<net.Server> {
  return new Promise((resolvePromise, reject) => {
    const server = net.createServer((socket) => {
      // a client that vanishes without closing (a dead host) must not hold a held machine's one seat
      // forever: TCP keep-alive from 10 s of silence (then the OS's probe interval and count decide;
      // on Linux's defaults the socket closes about 11 minutes later)
      socket.setKeepAlive(true, 10_000);
      const s = new VpciDebugSession(held);
      watchStops(s, hooks);
      s.setRunAsServer(true);
      // A client that sends only garbage is told (an output event), then detached.
      s.onGarbage = () => socket.end();
      // A connection that fails (reset by the peer…) ends its session like a close does, never the process.
      socket.on('error', () => socket.destroy());
      // A client that has stopped reading (STALLED_BACKLOG bytes of answers and events wait for it)
      // cannot be told over the connection it does not read: the adapter's own stderr says why it
      // is closed, and its session ends as at a close.
      s.onStalled = (unread) => {
        process.stderr.write(
          `vpci-lab: dap: a client on port ${socket.localPort ?? port} stopped reading (${(unread / 1048576).toFixed(0)} MiB of output unread); closing its connection\n`,
        );
        socket.destroy();
      };
      s.start(socket, socket);
    });
    let listening = false;
    server.on('error', (e) => {
      if (!listening) reject(listenError(e, port));
    });
    server.listen(port, '127.0.0.1', () => {
      listening = true;
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      onListening?.(p);
      resolvePromise(server);
    });
  });
}
