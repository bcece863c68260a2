// The language server on Node: LSP over stdio, the extension's IPC channel, or a socket or
// named pipe the client listens on (--socket=N, --pipe=NAME, as vscode-languageserver reads them),
// Node's file system (io/node-files.ts), and analyses on a worker thread that
// runs this same bundle (language/main.ts), or in-process when none can start.
// Over stdio, frames are read by io/frames.ts first (vscode-jsonrpc's reader stops
// reading for good after one malformed frame): a broken one is reported and, when it
// still names its request, answered with a parse error, and reading goes on.
import {
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
  type Message,
  type MessageReader,
  type MessageWriter,
  type NotificationMessage,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { PassThrough } from 'node:stream';
import { Framer, type FrameRules } from '../io/frames';
import { SCENARIO_LIMIT } from '../io/files';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nodeFiles } from '../io/node-files';
import { InProcessRunner, WorkerRunner } from './runner';
import type { LanguagePlatform } from './platform';
import { ProtocolGate, gatedReader } from './protocol-gate';

/** JSON-RPC 2.0 as LSP uses it: requests and notifications name a method; responses carry the id of their request. */
const LSP_RULES: FrameRules = {
  protocol: 'LSP',
  // Documents travel inside messages: room for the largest scenario the server analyses (io/files.ts),
  // JSON escapes and all. A larger document is the server's to refuse, with a diagnostic that says so.
  bodyLimit: 4 * SCENARIO_LIMIT,
  check: (m) => {
    if (m.jsonrpc !== '2.0') return 'a message without "jsonrpc": "2.0"';
    if ('method' in m && typeof m.method !== 'string') return 'a message whose "method" is not a string';
    if ('id' in m && m.id !== null && typeof m.id !== 'number' && typeof m.id !== 'string') return 'a message whose "id" is neither a number nor a string';
    if (!('method' in m) && !('id' in m)) return 'a message that is neither a request, a notification nor a response';
    return undefined;
  },
  // A request whose method is not a string is still a request by its id: answered, or its client waits for ever.
  requestOf: (m) =>
    'method' in m && (typeof m.id === 'number' || typeof m.id === 'string')
      ? { id: m.id, name: typeof m.method === 'string' ? m.method.slice(0, 100) : `request ${String(m.id).slice(0, 100)}` }
      : undefined,
};

/** JSON-RPC's code for a message that could not be parsed (JSON-RPC 2.0 specification, 5.1). */
const PARSE_ERROR = -32700;

/**
 * The LSP connection over stdio, its input read through io/frames.ts; the library reads the
 * well-formed messages, framed again. As the library does on stdin, the end of input ends the
 * process (once what it said has been written): exit code 0 after a shutdown request, else 1.
 */
function stdioConnection(): Connection {
  const clean = new PassThrough();
  const writer = new StreamMessageWriter(process.stdout);
  // Through the connection's own writer: its messages are written whole, one after the other.
  let written: Promise<unknown> = Promise.resolve();
  const send = (m: Message): void => {
    written = writer.write(m).catch(() => undefined);
  };
  /** An error-level window/logMessage: what the client shows of input it sent that could not be handled. */
  const gate = new ProtocolGate({ send });
  const logError = (text: string): void =>
    send({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 1, message: `vPCI Lab language server: ${text}` } } as NotificationMessage);
  const framer = new Framer(LSP_RULES, {
    message: (m, raw) => {
      // Params that are not an object, shutdown and exit with "params": null, an initialize without
      // capabilities: the gate's (language/protocol-gate.ts), on every transport.
      // The bytes as they came (stdin's chunks are never reused): a large document is not re-encoded.
      clean.write(`Content-Length: ${raw.length}\r\n\r\n`);
      clean.write(raw);
    },
    problem: (why) => logError(`malformed LSP input: ${why}; skipped to the next Content-Length header.`),
    refuse: (r, why) =>
      send({ jsonrpc: '2.0', id: r.id, error: { code: PARSE_ERROR, message: `${r.name}: not run, its frame was malformed (${why})` } } as ResponseMessage),
  });
  const reader = new StreamMessageReader(clean);
  process.stdin.on('data', (d: Buffer) => framer.push(d));
  process.stdin.on('end', () => {
    framer.end();
    clean.end();
  });
  process.stdin.on('error', (e) => clean.destroy(e));
  // The reader closes once it has read what came before the end.
  reader.onClose(() => void written.then(() => process.exit(gate.shutDown ? 0 : 1)));
  // LSP's lifecycle and each request's params are checked at the door (language/protocol-gate.ts).
  return createConnection(ProposedFeatures.all, gatedReader(reader, gate), writer);
}

/**
 * The connection over a transport the library makes (the extension's IPC channel, a socket or a
 * named pipe), with the same door as stdio: LSP's lifecycle and each request's params are
 * checked by the gate (language/protocol-gate.ts) whichever way the client connects.
 */
function gatedConnection([reader, writer]: [MessageReader, MessageWriter]): Connection {
  const send = (m: Message): void => void writer.write(m).catch(() => undefined);
  return createConnection(ProposedFeatures.all, gatedReader(reader, new ProtocolGate({ send })), writer);
}

/** The value of `--name=V` or `--name V` on the command line, as vscode-languageserver reads its transport options. */
function argValue(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1);
  }
  return undefined;
}

function connection(): Connection {
  if (process.argv.includes('--stdio')) return stdioConnection();
  if (process.argv.includes('--node-ipc')) return gatedConnection([new IPCMessageReader(process), new IPCMessageWriter(process)]);
  // The port read as the library reads it (parseInt: `--socket=6009abc` is port 6009), so every
  // value it would serve ungated is served here, through the gate.
  const port = parseInt(argValue('--socket') ?? '', 10);
  if (port) return gatedConnection(createServerSocketTransport(port));
  const pipe = argValue('--pipe');
  if (pipe) return gatedConnection(createServerPipeTransport(pipe));
  // No transport named: the library's own choice and its error message.
  return createConnection(ProposedFeatures.all);
}

export function nodePlatform(): LanguagePlatform {
  return {
    connection: connection(),
    files: nodeFiles,
    pathOf: (uri) => {
      if (!uri.startsWith('file:')) return undefined;
      try {
        return fileURLToPath(uri);
      } catch {
        return undefined;
      }
    },
    uriOf: (path) => pathToFileURL(path).href,
    runner: (onBroken) => {
      // Run from the sources (no bundle to start as a worker): in-process.
      if (!__filename.endsWith('.js')) return new InProcessRunner();
      return new WorkerRunner(() => new Worker(__filename, { workerData: { vpciAnalysis: true } }), onBroken);
    },
    onUncaught: (fn) => process.on('uncaughtException', fn),
  };
}
