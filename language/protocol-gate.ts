// The door every LSP message comes through before the library dispatches it
// (wraps the connection's MessageReader; language/node-platform.ts and
// web-platform.ts put it on each transport). vscode-languageserver dispatches
// whatever arrives: a request before `initialize` or after `shutdown` got an
// answer, a second `initialize` was taken, and a request without the fields its
// handler reads (a hover without `position`, references without `context`)
// answered "nothing" as if it were valid. Here, as LSP says:
// - before `initialize`: requests fail with ServerNotInitialized (-32002),
//   notifications are dropped, except `exit`;
// - a second `initialize`: InvalidRequest (-32600);
// - after `shutdown`: requests fail with InvalidRequest, notifications other
//   than `exit` are dropped;
// - a request whose params lack what its handler needs fails with InvalidParams
//   (-32602); such a notification is dropped and said in the client's log.
// Positions must be LSP `uinteger`s (0 … 2^31-1): a negative or fractional one is
// refused here; one past the text is valid and clamped by the handlers
// (language/document.ts clamp).
import { MAX_QUOTE, shown } from '../emulator/format';
import type { DataCallback, Disposable, Message, MessageReader, NotificationMessage, RequestMessage, ResponseMessage } from 'vscode-languageserver';

/** JSON-RPC and LSP error codes (JSON-RPC 2.0, 5.1; LSP's ErrorCodes). */
export const INVALID_REQUEST = -32600;
export const INVALID_PARAMS = -32602;
export const METHOD_NOT_FOUND = -32601;
export const SERVER_NOT_INITIALIZED = -32002;

/** What is wrong with a value (a short phrase), or undefined when it is what the handler reads. */
type Check = (v: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field's problem after its name: `.a.b is not …`, `[2] is not …`. */
const under = (name: string, why: string): string => `${name}${why.startsWith('.') || why.startsWith('[') ? why : ` ${why}`}`;

/** An object whose named fields pass their checks (other fields are allowed and not read). */
const object =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (!isObject(v)) return 'is not an object';
    for (const [k, check] of Object.entries(fields)) {
      const why = check(v[k]);
      if (why) return under(`.${k}`, why);
    }
    return undefined;
  };
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null ? undefined : check(v);
const arrayOf =
  (check: Check): Check =>
  (v) => {
    if (!Array.isArray(v)) return 'is not an array';
    for (let i = 0; i < v.length; i++) {
      const why = check(v[i]);
      if (why) return under(`[${i}]`, why);
    }
    return undefined;
  };
const string: Check = (v) => (typeof v === 'string' ? undefined : 'is not a string');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'is not a boolean');
const integer: Check = (v) => (Number.isInteger(v) ? undefined : 'is not an integer');
/** LSP's uinteger: 0 … 2^31-1. */
const uinteger: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1 ? undefined : 'is not an integer from 0 to 2^31-1');
const any: Check = () => undefined;

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const document = object({ uri: string });
const atPosition = { textDocument: document, position };
/** A WorkspaceFolder: its uri is what the server reads (its name is for people). */
const folder = object({ uri: string });

/**
 * The params each method's handler reads (language/server.ts and the library's text-document
 * sync), checked before dispatch. Methods not named here go through as they are (the library
 * answers MethodNotFound for those no one handles).
 */
const PARAMS: Record<string, Check> = {
  // What onInitialize reads besides the capabilities (mended below when missing): a wrong type
  // failed inside it as InternalError (-32603, "e.map is not a function") after the gate had taken
  // the server to running, so the client could not even try again.
  initialize: object({ rootUri: optional(string), rootPath: optional(string), workspaceFolders: optional(arrayOf(folder)) }),
  'textDocument/hover': object(atPosition),
  'textDocument/completion': object(atPosition),
  'textDocument/definition': object(atPosition),
  'textDocument/references': object({ ...atPosition, context: object({ includeDeclaration: boolean }) }),
  'textDocument/documentHighlight': object(atPosition),
  'textDocument/prepareRename': object(atPosition),
  'textDocument/rename': object({ ...atPosition, newName: string }),
  'textDocument/documentLink': object({ textDocument: document }),
  'textDocument/documentSymbol': object({ textDocument: document }),
  'textDocument/foldingRange': object({ textDocument: document }),
  'textDocument/semanticTokens/full': object({ textDocument: document }),
  'textDocument/semanticTokens/full/delta': object({ textDocument: document, previousResultId: string }),
  'textDocument/semanticTokens/range': object({ textDocument: document, range }),
  'textDocument/formatting': object({ textDocument: document, options: object({}) }),
  'textDocument/codeAction': object({
    textDocument: document,
    range,
    context: object({ diagnostics: arrayOf(object({ range, code: optional(any) })), only: optional(arrayOf(string)) }),
  }),
  'textDocument/didOpen': object({ textDocument: object({ uri: string, languageId: string, version: integer, text: string }) }),
  'textDocument/didChange': object({
    textDocument: object({ uri: string, version: integer }),
    contentChanges: arrayOf(object({ text: string, range: optional(range) })),
  }),
  'textDocument/didClose': object({ textDocument: document }),
  // Handled by the library's text-document sync and tracer whether or not the server asked for them
  // (it does not ask for saves): without these checks a malformed one logged the handler's TypeError,
  // and willSaveWaitUntil answered it as an internal error (-32603) instead of InvalidParams.
  'textDocument/didSave': object({ textDocument: document }),
  'textDocument/willSave': object({ textDocument: document, reason: integer }),
  'textDocument/willSaveWaitUntil': object({ textDocument: document, reason: integer }),
  '$/setTrace': object({ value: string }),
  'workspace/didChangeWatchedFiles': object({ changes: arrayOf(object({ uri: string, type: integer })) }),
  'workspace/didChangeWorkspaceFolders': object({ event: object({ added: arrayOf(folder), removed: arrayOf(folder) }) }),
};

/** Why a request or notification's params will not do, or undefined. */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const check = PARAMS[method];
  if (!check) return undefined;
  const why = check(params);
  return why && `${method}: ${under('params', why)}`;
}

/** Where the server stands in LSP's lifecycle. */
type Stage = 'new' | 'running' | 'shut down';

export interface GateOutput {
  /** Writes a message to the client (an error response, a log message). */
  send(m: Message): void;
}

/** The verdict on one incoming message: pass it to the library, or answer/drop it here. */
export class ProtocolGate {
  private stage: Stage = 'new';
  /** The documents a didOpen opened and no didClose closed: a didChange for another has nothing to change. */
  private readonly open = new Set<string>();

  constructor(private readonly out: GateOutput) {}

  /** Whether a `shutdown` request has been admitted (LSP: `exit` then ends the process with 0, else 1). */
  get shutDown(): boolean {
    return this.stage === 'shut down';
  }

  /** True when `m` goes on to the library; otherwise it has been answered (a request) or dropped (a notification). */
  admit(m: Message): boolean {
    const msg = m as Partial<RequestMessage>;
    // Responses to the server's own requests always go through.
    if (typeof msg.method !== 'string') return true;
    const isRequest = typeof msg.id === 'number' || typeof msg.id === 'string';
    const method = msg.method;
    // The method as messages name it: a client's method name of megabytes is not repeated whole.
    const name = shown(method);
    const refuse = (code: number, message: string): false => {
      if (isRequest) this.out.send({ jsonrpc: '2.0', id: msg.id!, error: { code, message } } as ResponseMessage);
      return false;
    };
    const drop = (why: string): false => {
      this.out.send({
        jsonrpc: '2.0',
        method: 'window/logMessage',
        params: { type: 1, message: `vPCI Lab language server: ${why}; the notification was not handled.` },
      } as NotificationMessage);
      return false;
    };
    // JSON-RPC 2.0 (4.2): params, when present, are an object or an array; anything else would fail
    // inside the library as a TypeError. Some clients (lsp4j's) write shutdown and exit, which take
    // none, with "params": null: taken as none, so such a client's shutdown and exit are honoured.
    const params: unknown = msg.params;
    if ('params' in msg && (typeof params !== 'object' || params === null)) {
      if (params === null && (method === 'shutdown' || method === 'exit')) delete msg.params;
      else {
        const why = `${name}: "params" is ${params === null ? 'null' : typeof params}`;
        return isRequest ? refuse(INVALID_PARAMS, `${why}; it must be an object or an array`) : drop(why);
      }
    }
    if (method === 'exit') return true;
    if (this.stage === 'new' && method !== 'initialize')
      return refuse(SERVER_NOT_INITIALIZED, `${name}: the server is not initialized yet (send "initialize" first)`);
    if (this.stage === 'running' && method === 'initialize') return refuse(INVALID_REQUEST, 'initialize: the server is already initialized');
    if (this.stage === 'shut down') return refuse(INVALID_REQUEST, `${name}: the server has been shut down (only "exit" is accepted)`);
    // No method is that long: answered here, as the library would (MethodNotFound), with the name cut.
    if (method.length > MAX_QUOTE) return isRequest ? refuse(METHOD_NOT_FOUND, `Unhandled method ${name}`) : drop(`unknown method ${name}`);
    const why = paramsProblem(method, msg.params);
    if (why) return isRequest ? refuse(INVALID_PARAMS, why) : drop(why);
    const uri = (msg.params as { textDocument?: { uri?: string } } | undefined)?.textDocument?.uri;
    if (method === 'textDocument/didOpen') this.open.add(uri!);
    else if (method === 'textDocument/didClose') this.open.delete(uri!);
    // The library drops it without a word, and the client goes on editing text the server never had.
    else if (method === 'textDocument/didChange' && !this.open.has(uri!))
      return drop(`textDocument/didChange: ${shown(uri!)} is not open (no didOpen came for it)`);
    if (method === 'initialize') {
      this.stage = 'running';
      // LSP requires the client's capabilities; the library reads them unchecked. A client that leaves them out has none.
      const p = msg.params as Record<string, unknown>;
      if (!isObject(p.capabilities)) msg.params = { ...p, capabilities: {} };
    } else if (method === 'shutdown' && isRequest) this.stage = 'shut down';
    return true;
  }
}

/** `reader` with `gate` in front: the library reads only what the gate admits. */
export function gatedReader(reader: MessageReader, gate: ProtocolGate): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen: (callback: DataCallback): Disposable => reader.listen((m) => (gate.admit(m) ? callback(m) : undefined)),
    dispose: () => reader.dispose(),
  };
}
