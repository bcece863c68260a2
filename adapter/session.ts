// The vPCI debug session: a flat list of DAP request handlers over the
// runtime. It is hosted inline in VS Code, over stdio, and over TCP; it honours
// the client's capabilities and only sends what the client said it accepts.
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { dap, type ErrorDestination } from './dap-lib';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { loadScenarioWith, type Loaded } from './load';
import { LineIndex, formatDiagnostic } from '../emulator/scenario/lines';
import { DATA_LIMIT, FileError, SCENARIO_LIMIT, canReadSync, decodeText, shownPath, type FileAccess } from '../io/files';
import { nodeFiles } from '../io/node-files';
import { base64ToBytes, bytesToBase64 } from '../io/base64';
import { errorReason } from '../io/errors';
import { coalescedOutput, directOutput, framedInput, type RawInput, type WriteFd } from './framing';
import { quoteShort } from '../io/frames';
import { MAX_NESTING, checkDapArgs, dropNulls, nestedDeeperThan } from './dap-args';
import { sourceArgFromUri, sourcesToUris } from './path-format';
import { VpciRuntime, SCENARIO_THREAD, lineCount, type GotoTarget, type StopInfo, type StepMode } from './runtime';
import { stopText } from './stop-text';
import { budgetNeedsHeapLimit, clock, historyBudget, prepareIdleTimer } from './history';
import { heapSizeLimit } from './heap';
import { EXCEPTION_FILTERS, conditionProblem, dataTargetProblem, parseDataId, type DataBp, type ExceptionFilter } from './breakpoints';
import { syntaxError } from './expr';
import { VarTable, valueNode, fmtNum, type VarNode } from './vars';
import { driverFrameLocals, driverFrameValues, type FrameLocalsEnv } from './frame-locals';
import { Inspector } from './inspect';
import { fnPrefix } from './inspect-context';
import { leftBusText } from './views';
import { ASSIGNABLE, ejectPendingText } from './console';
import {
  checkRequestArgs,
  isVpciRequest,
  EVT_TRACE_CHANGED,
  EVT_VERDICT,
  type RequestArgs,
  type RequestBody,
  type VpciEvents,
  type VpciRequestName,
} from './protocol';
import { listingPath, otherModelOf, otherModelWithFunction } from './listings';
import { PCI_IDS_INDEX, pciIdsPieces } from './pci-ids-file';
import type { PciIdsPieces } from '../emulator/pci/pci-ids';
import { LISTINGS_STAMP, listingsFolder } from '../emulator/vpci/guest/listings';
import type { Machine } from '../emulator/machine/machine';
import type { ThreadState } from '../emulator/runtime/threads';
import { QUIRKS, quirkByName, type GuestModelName } from '../emulator/vpci/guest/quirks';
import { GUEST_MODELS } from '../emulator/vpci/guest/models';
import { HOST_PROFILES } from '../emulator/vpci/host/profiles';
import { guestChoices, hostChoices } from '../emulator/scenario/catalog';
import { didYouMeanClause } from '../emulator/scenario/names';
import { clip, counted, formatTime, grouped } from '../emulator/format';
import { slotName } from '../emulator/vpci/protocol';
import { upstreamLinkFor } from '../emulator/vpci/guest/upstream-tables';
import { checkExpectations, ExpectPast, type ExpectResult } from '../emulator/machine/expect';
import type { Expectation } from '../emulator/scenario/ast';
import { runSteps } from '../emulator/machine/transcript';
import { DEFAULT_MAX_STEPS } from './headless';
import { goToCause, runSummary, verdictBody, verdictConsole } from './verdict';

/** The exit codes a finished run reports (DAP `exited`): `vpci-lab run`'s for the same verdict (adapter/cli/io.ts EXIT). */
const VERDICT_EXIT = { held: 0, failed: 1 } as const;
const exitCodeOf = (results: readonly ExpectResult[]): number => (results.some((x) => !x.ok) ? VERDICT_EXIT.failed : VERDICT_EXIT.held);
const {
  DebugSession,
  InitializedEvent,
  StoppedEvent,
  ContinuedEvent,
  TerminatedEvent,
  ExitedEvent,
  ThreadEvent,
  OutputEvent,
  ProgressStartEvent,
  ProgressUpdateEvent,
  ProgressEndEvent,
  InvalidatedEvent,
  MemoryEvent,
  LoadedSourceEvent,
  Event,
  Thread,
  StackFrame,
  Scope,
  Source,
} = dap;
type Thread = InstanceType<typeof Thread>;
type StackFrame = InstanceType<typeof StackFrame>;
type Source = InstanceType<typeof Source>;

/** A stop's first views, made ahead (VpciDebugSession.viewsAhead): each answer's body, and its JSON text (what is written). */
interface ViewsAhead {
  threadId: number;
  threads?: { body: DebugProtocol.ThreadsResponse['body']; json: string };
  /** With the top frame alone (VS Code's first stackTrace request), when there are more. */
  stack: { body: DebugProtocol.StackTraceResponse['body']; json: string; topJson: string | undefined };
  scopes?: { frameId: number; body: DebugProtocol.ScopesResponse['body']; json: string };
  variables?: { variablesReference: number; body: DebugProtocol.VariablesResponse['body']; json: string };
}

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  scenario: string;
  guest?: GuestModelName;
  host?: string;
  quirks?: Record<string, boolean>;
  stopOnEntry?: boolean;
  trace?: boolean;
  /**
   * Where the driver listings live (default: the extension's listings/ folder); a relative path is
   * taken from the scenario's folder, as its dump paths are (ours: it was taken from the adapter's
   * working folder, and stack frames named their listings by that relative path).
   */
  listingsDir?: string;
  /** Folders besides the scenario's that its dump files may come from (the extension passes the workspace folders). */
  workspaceFolders?: string[];
  /** Run Without Debugging: run to the end, print the summary and the verdict, terminate (no stop). */
  noDebug?: boolean;
  /** Debug at Cause: instead of the attach entry, stop where the expectation on this line was decided. */
  cause?: number;
  /** Memory budget of step-back history in MiB (the `vpci.history.maxMemory` setting; default 256; at most half the heap: historyBudget). */
  historyMaxMemory?: number;
}

/** The digest of the listings this build writes, stamped in by esbuild.config.mjs ('' in a watch build, absent in a source run or on the web). */
declare const __VPCI_LISTINGS_DIGEST__: string | undefined;
const LISTINGS_DIGEST = typeof __VPCI_LISTINGS_DIGEST__ === 'string' ? __VPCI_LISTINGS_DIGEST__ : '';

/** Why a request that changes the machine is refused while a run is going. */
const RUNNING = 'The session is running: pause first';
/** A read data breakpoint on the IDs (config 0x00-0x03): why it seldom stops (setDataBreakpointsRequest). */
const IDS_READ = 'guests read the IDs from bus relations';
/** The requests that configure a session's breakpoints (sent between `initialized` and configurationDone). */
const CONFIGURES = new Set([
  'setBreakpoints',
  'setFunctionBreakpoints',
  'setExceptionBreakpoints',
  'setDataBreakpoints',
  'setInstructionBreakpoints',
  'breakpointLocations',
  'dataBreakpointInfo',
]);

/** The breakpoint requests kept when sent before any launch or attach (VpciDebugSession.early). */
const EARLY = new Set(['setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints']);

/** What a request naming a frame this stop did not give out is told. */
function unknownFrameText(frameId: number): string {
  return `Unknown frame ${shortName(String(frameId))} (frames are valid until the next step)`;
}

/** A value as a Call Stack name shows it: one line, at most 40 characters. */
function clip40(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

/**
 * An internal error as the user reads it: one line, without the adapter's file paths (as a handler's
 * error 1104 is answered); the stack goes to the adapter's log.
 */
function internalError(e: unknown, log: (line: string) => void): string {
  log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return withoutPaths(errorReason(e)) || 'unknown error';
}

/** The first line of an error's text without file paths (the bundle's, a stack frame's). */
function withoutPaths(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/\(?(?:file:\/\/)?\/[^\s)]+\)?/g, '')
    .trim();
}

/** After `terminated`: nothing runs or changes until a restart. */
const ENDED = 'The session has ended: restart it to run the scenario again';

/** What is wrong with a launch configuration's own fields (beyond the scenario), or undefined; the CLI refuses the same. */
function launchProblem(a: LaunchArgs): string | undefined {
  // The scenario's own `guest` and `host` are checked with the scenario; these replace them, so a
  // misspelt one is named here, with the valid ones, rather than as the scenario's failure to load.
  const g: unknown = a.guest;
  if (g !== undefined && !GUEST_MODELS.some((m) => m.name === g))
    return `Launch: unknown guest model ${shortName(JSON.stringify(g))} in "guest"${didYouMeanClause(
      g,
      GUEST_MODELS.map((m) => m.name),
    )} (one of ${guestChoices()})`;
  const h: unknown = a.host;
  if (h !== undefined && !HOST_PROFILES.some((p) => p.name === h))
    return `Launch: unknown host profile ${shortName(JSON.stringify(h))} in "host"${didYouMeanClause(
      h,
      HOST_PROFILES.map((p) => p.name),
    )} (one of ${hostChoices()})`;
  const q: unknown = a.quirks;
  if (q !== undefined) {
    if (q === null || typeof q !== 'object' || Array.isArray(q)) return 'Launch: "quirks" is an object of quirk names, each true or false';
    for (const [name, on] of Object.entries(q)) {
      if (!quirkByName(name))
        return `Launch: unknown quirk ${shortName(name)}${didYouMeanClause(
          name,
          QUIRKS.map((x) => x.name),
        )} (one of ${QUIRKS.map((x) => x.name).join(', ')})`;
      if (typeof on !== 'boolean') return `Launch: quirk ${name} is true or false (got ${shortName(JSON.stringify(on))})`;
    }
  }
  const c: unknown = a.cause;
  if (c !== undefined && !(typeof c === 'number' && Number.isInteger(c) && c >= 1))
    return `Launch: "cause" is the line of an expectation, a whole number from 1 (got ${shortName(JSON.stringify(c))})`;
  return undefined;
}

/** A name from the client in a one-line message: as it is, or quoted and cut when long. */
function shortName(name: string): string {
  return name.length <= 40 ? name : quoteShort(name);
}

/** The most diagnostics of a load the Debug Console shows (ours: a screenful or two, well past what anyone reads). */
const CONSOLE_DIAGNOSTICS = 200;
/** Where every diagnostic of a file past CONSOLE_DIAGNOSTICS is seen. */
const moreWhere = (file: string): string => `vpci-lab check ${shownPath(file)} prints them all`;

/** Steps run between yields to the event loop, so pause and other requests get through. */
const CHUNK = 20_000;
/**
 * Steps one debug run (a Continue, or a step whose stop is far) takes before it pauses by itself:
 * the step limit of a run without debugging and of the command line. A scenario that never
 * settles (a guest waiting for a reply that never comes) ran on under Continue until the adapter
 * — the extension host itself, inline — ran out of memory: step-back history keeps to its
 * budget, but the machine's trace grows with the run (at ~140,000 events a second, 560 MB of
 * resident memory after 40 s). A Continue after the pause runs as many steps again.
 */
const RUN_LIMIT = DEFAULT_MAX_STEPS;
/**
 * Output the client has not read yet (bytes) past which a run waits for it before its next chunk.
 * A run writes faster than a client reads when logpoints fire on busy lines: measured on a
 * 300-cycle hot-plug scenario with a logpoint on every line of vmbus_pcib.c, the unread output
 * grew by ~50 MB a second until the adapter ran out of memory, whoever was reading. Waiting keeps
 * it to this plus one chunk's output, and changes nothing the client sees but the pace.
 */
const RUN_BACKLOG = 4 * 1024 * 1024;
/**
 * Unread output past which a client is taken to have stopped reading altogether (bytes): a host
 * that can hang up (TCP) is told (onStalled) and closes the connection, rather than keep every
 * answer to a client that sends requests and never reads them.
 */
export const STALLED_BACKLOG = 64 * 1024 * 1024;
/** The requests VS Code makes at a stop, which only read it: a verdict due waits for them (verdictTimer). */
const STOP_VIEWS = new Set(['threads', 'stackTrace', 'scopes', 'variables']);
/**
 * Requests that only read, and change nothing a stop's views show: the views made ahead of them
 * (VpciDebugSession.viewsAhead) stay good past them. The editor's VPCI Topology and Message
 * Sequence ask theirs at every stop.
 */
const READS_ONLY = new Set([
  ...STOP_VIEWS,
  'source',
  'loadedSources',
  'vpci/topology',
  'vpci/messages',
  'vpci/messageDetail',
  'vpci/lspci',
  'vpci/trace',
] satisfies string[]);
/** How long after the last of them a due verdict is reported … */
const VERDICT_QUIET_MS = 20;
/** … and at the latest after the stop, however many of them keep coming. */
const VERDICT_LATEST_MS = 500;

/** A held machine's runtime hooks while no client is attached (no breakpoints, so only logs could come). */
const DETACHED_HOOKS: VpciRuntime['hooks'] = {
  log: () => {},
  env: () => ({
    lookup: (name) => {
      throw new Error(`no client is attached to evaluate ${name}`);
    },
  }),
  describeDataHit: () => '',
  dataValue: () => undefined,
  dataTouches: () => undefined,
};

/** An offset as the memory messages write numbers: hex, with its sign (-0x10). */
function signedHex(n: number): string {
  return `${n < 0 ? '-' : ''}0x${Math.abs(n).toString(16)}`;
}

/**
 * A machine the adapter process keeps between debug clients (`vpci-lab dap --port N
 * --scenario FILE`): an `attach` request adopts it, a disconnect leaves it where it stands —
 * position, history and all — for the next client, as gdbserver keeps its inferior. One client
 * at a time. Built on the first attach; a terminate (or disconnect with terminateDebuggee)
 * discards it, so the next attach starts the scenario afresh.
 */
export class HeldMachine {
  /** The loaded machine and where its last client left it. */
  state?: { rt: VpciRuntime; listingsDir: string; lastStop: StopInfo };
  /** The session attached now, if any. */
  client?: VpciDebugSession;
  constructor(readonly args: LaunchArgs) {}
}

export class VpciDebugSession extends DebugSession {
  private client: DebugProtocol.InitializeRequestArguments = { adapterID: 'vpci' };
  private rt?: VpciRuntime;
  private ins?: Inspector;
  private launchArgs?: LaunchArgs;
  private listingsDir = '';
  private vars = new VarTable();
  private frames = new Map<number, { threadId: number; index: number }>();
  /**
   * This stop's frame ids by thread, by frame index: a frame keeps its id when the Call Stack is
   * asked again at the same stop (VS Code asks the top frame, then the rest; an extension or a
   * refresh asks again), as the frames table would otherwise grow by a thread's depth each time.
   */
  private frameIds = new Map<number, number[]>();
  private nextFrameId = 1;
  private hex = true;
  /** What the run in progress is: a debug run (continue, a step to a distant stop), a run without debugging, or Debug at Cause's (a Jump to Cursor ahead too); none while paused. */
  private runKind: 'run' | 'noDebug' | 'cause' | undefined;
  /** A run is in progress (requests that change the machine wait for a pause). */
  private get running(): boolean {
    return this.runKind !== undefined;
  }
  /** `terminated` has been sent: execution requests are refused until a restart (notRunnable). */
  private terminatedSent = false;
  private lastStop?: StopInfo;
  /**
   * The guest threads the last `threads` answer listed, and the run they belong to: at a stop, one
   * of them that has ended since is told `exited` (DAP's thread event), as a debugger tells of a
   * thread that ended. At most the threads listed at once (ended ones are dropped).
   */
  private listedThreads: { rt: VpciRuntime | undefined; ids: Set<number> } = { rt: undefined, ids: new Set() };
  private ended = false;
  private lastTraceLength = 0;
  private runningProgressId?: string;

  /** Set while this session is attached to the process's held machine. */
  private attachedTo?: HeldMachine;

  /** How this session reaches files (scenarios, dumps, listings, pci.ids): Node's by default. */
  private readonly files: FileAccess;
  /** How much the JavaScript heap this session runs in can hold (bytes), where the host can tell: the history budget's ceiling. */
  private readonly heapLimit: () => number | undefined;
  /** The folders that may hold data/pci.ids and listings/: the given root (VS Code for the Web: the extension's), else next to the bundle or the source tree. */
  private readonly roots: () => string[];

  constructor(
    private readonly held?: HeldMachine,
    options: { files?: FileAccess; root?: string; heapLimit?: () => number | undefined } = {},
  ) {
    super();
    this.files = options.files ?? nodeFiles;
    this.heapLimit = options.heapLimit ?? heapSizeLimit;
    const root = options.root;
    this.roots = () => (root !== undefined ? [root] : [join(__dirname, '..'), join(__dirname, '..', '..')]);
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Set by a host whose output is a file descriptor (stdio): messages are written to it directly (adapter/framing.ts, directOutput). */
  outputFd?: { fd: number; write: WriteFd };

  /** Set by a host that reads its input without a stream's buffering (stdio from a pipe): chunks come through it, not as 'data' events. */
  rawInput?: RawInput;

  /** Set by the hosting process: called at each chunk of a run that goes on past its first (adapter/server.ts, AdapterHooks.longRun). */
  onLongRun?: () => void;

  /** Set by a host that can hang up (TCP): called, after the client has been told, when it sends only garbage. */
  onGarbage?: () => void;

  /** Set by a host that can hang up (TCP): called once when STALLED_BACKLOG bytes of output wait unread. */
  onStalled?: (unread: number) => void;

  /** Where the session writes (the stream given to start), for what waits unread there. */
  private output?: NodeJS.WritableStream & { writableLength?: number };

  /** Output written and not yet taken by the client (bytes). */
  private unread(): number {
    return this.output?.writableLength ?? 0;
  }

  /** After each message: a client that has left STALLED_BACKLOG bytes unread is given up on (onStalled), once. */
  private checkStalled(): void {
    const stalled = this.onStalled;
    if (!stalled) return;
    const n = this.unread();
    if (n <= STALLED_BACKLOG) return;
    this.onStalled = undefined;
    stalled(n);
  }

  /**
   * Schedules a run's next chunk: after the requests waiting (setImmediate), and — when the client
   * has fallen RUN_BACKLOG bytes behind — once it has read what waits (the stream's 'drain').
   */
  private nextChunk(tick: () => void): void {
    const out = this.output;
    if (out && this.unread() > RUN_BACKLOG) out.once('drain', () => setImmediate(tick));
    else setImmediate(tick);
  }

  /**
   * Reads DAP frames with limits and resynchronisation (adapter/framing.ts) instead of the
   * library's reader: a malformed frame is an `important` output event naming the problem (and
   * an error response when the request it was can still be read), and the stream goes on.
   */
  override start(inStream: NodeJS.ReadableStream, outStream: NodeJS.WritableStream): void {
    const output = this.outputFd ? directOutput(outStream, this.outputFd.fd, this.outputFd.write) : coalescedOutput(outStream);
    this.output = output;
    // The client has closed its side (a disconnect may never come): what is still due to it, a
    // verdict waiting for the stop's views, is written first — before the framer's own 'end'
    // listener sends this turn's output, before the stdio host exits, and before Node ends a TCP
    // socket's writing side after a half-close.
    inStream.prependListener('end', () => this.flushVerdict());
    const input = framedInput(
      inStream,
      {
        message: (m) => this.handleMessage(m as unknown as DebugProtocol.ProtocolMessage),
        problem: (why) => this.sendEvent(new OutputEvent(`vPCI Lab: malformed DAP input: ${why}; skipped to the next Content-Length header.\n`, 'important')),
        refuse: (req, why) => {
          // DAP's rules (adapter/framing.ts) name a request by its seq and command.
          const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: Number(req.id), command: req.name, success: false };
          this.sendErrorResponse(response, {
            id: 1101,
            format: `${req.name || `request ${req.id}`}: not run, its frame was malformed (${why})`,
            showUser: false,
          });
        },
        garbage: (bytes) => {
          this.sendEvent(
            new OutputEvent(
              `vPCI Lab: ${bytes} bytes of input without a single valid DAP frame${this.onGarbage ? '; closing the connection' : ''}.\n`,
              'important',
            ),
          );
          this.onGarbage?.();
        },
      },
      output,
      this.rawInput,
    );
    super.start(input, output);
  }

  /**
   * One message from the client: read from the stream (stdio, TCP), or handed over by VS Code to
   * the inline adapter, which calls this directly. A message nested deeper than any request needs
   * is refused before anything walks it (it would overflow the stack); an exception that escapes
   * the library's own handling (which catches only a handler's) answers the request with one line
   * instead of ending the process — and with it, over TCP, every other session — or, inline,
   * escaping into the extension host with the request never answered.
   */
  override handleMessage(m: DebugProtocol.ProtocolMessage): void {
    const req = m as Partial<DebugProtocol.Request>;
    const answerable = m.type === 'request' && typeof req.command === 'string';
    const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: m.seq, command: String(req.command), success: false };
    if (nestedDeeperThan(m, MAX_NESTING)) {
      const why = `nested more than ${MAX_NESTING} levels deep (arrays and objects)`;
      this.sendEvent(new OutputEvent(`vPCI Lab: malformed DAP input: a message ${why}; skipped.\n`, 'important'));
      if (answerable) this.sendErrorResponse(response, { id: 1102, format: `${shortName(response.command)}: not run, its message is ${why}`, showUser: false });
      return;
    }
    try {
      super.handleMessage(m);
    } catch (e) {
      // As a handler's exception is answered (the library's error 1104, sendErrorResponse below).
      if (answerable) this.sendErrorResponse(response, 1104, '', { _exception: errorReason(e), _stack: e instanceof Error ? e.stack : undefined });
    }
  }

  /**
   * A handler that threw (the library's error 1104) answers with one line naming the request and
   * the failure — never a stack trace or the adapter's file paths; the stack goes to the adapter's
   * log only.
   */
  override sendErrorResponse(
    response: DebugProtocol.Response,
    codeOrMessage: number | DebugProtocol.Message,
    format?: string,
    variables?: unknown,
    dest?: ErrorDestination,
  ): void {
    // @vscode/debugadapter passes the caught error's message and stack (either may be missing when a non-Error was thrown)
    const v = variables as { _exception?: string; _stack?: string } | undefined;
    if (codeOrMessage === 1104 && v && typeof v === 'object') {
      this.trace(`${response.command}: ${String(v._stack ?? v._exception)}`);
      const what = withoutPaths(v._exception ?? 'unknown error');
      super.sendErrorResponse(response, { id: 1104, format: `${response.command} failed: ${what || 'internal error'}`, showUser: false });
      return;
    }
    // The library fills the message's {name} placeholders from `variables`, and with none given it
    // reads them from undefined when a name starts with '_' (a TypeError that ended the adapter, on
    // a message quoting a path or an expression like "{_x}"). Our messages have no placeholders:
    // an empty table leaves every brace of theirs as it is.
    if (typeof codeOrMessage === 'object') {
      if (codeOrMessage.variables === undefined) codeOrMessage = { ...codeOrMessage, variables: {} };
    } else variables ??= {};
    super.sendErrorResponse(response, codeOrMessage, format, variables, dest);
  }

  // ---- lifecycle ------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.client = args;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsRestartFrame: true,
      supportsGotoTargetsRequest: true,
      supportsSetVariable: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportTerminateDebuggee: true,
      supportsSteppingGranularity: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({
        filter: f.filter,
        label: f.label,
        description: f.description,
        default: f.default,
        supportsCondition: false,
      })),
      supportsDataBreakpoints: true,
      // VS Code's "Add Data Breakpoint at Address": a guest-physical address and a length (a BAR's
      // memory, such as an MSI-X table entry, or a config window); BUS[/SLOT]:OFFSET in config space too.
      supportsDataBreakpointBytes: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsValueFormattingOptions: true,
      supportsCompletionsRequest: true,
      supportsSetExpression: true,
      completionTriggerCharacters: ['.', '('],
      supportsClipboardContext: true,
      supportsDelayedStackTraceLoading: true,
      supportsLoadedSourcesRequest: true,
      supportsBreakpointLocationsRequest: true,
      supportsCancelRequest: true,
    };
    this.sendResponse(response);
  }

  /**
   * Every request reaches its handler with an arguments object of the right shape, whatever the
   * client sent: a missing or mistyped required argument gets an error response naming it.
   */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    if (this.tracing !== false) this.trace(`From client: ${request.command}(${JSON.stringify(request.arguments)})`);
    this.dispatchChecked(request, (r) => super.dispatchRequest(r));
  }

  /**
   * The protocol trace a launch or attach asks for with "trace": true, in this session's Debug
   * Console: every request, response and event, and an internal error's stack. Each session keeps
   * its own: @vscode/debugadapter's logger is one object for the whole process, so in a TCP server
   * every session's trace went to whichever session started last, one client's launch switched
   * another's tracing, and the logger's callback kept the last session in memory after it closed.
   * Undecided until the launch (what came before, the initialize exchange, is held and then shown
   * or dropped); off, nothing is turned into text for it.
   */
  private tracing: boolean | undefined;
  private traceHeld: string[] = [];

  private trace(line: string): void {
    if (this.tracing === false) return;
    if (this.tracing === undefined) {
      if (this.traceHeld.length < 64) this.traceHeld.push(line);
      return;
    }
    // Past this class's sendEvent: the trace's own output is not traced.
    super.sendEvent(new OutputEvent(`${line}\n`, 'console'));
  }

  private setLogLevel(trace: boolean): void {
    this.tracing = trace;
    const held = this.traceHeld;
    this.traceHeld = [];
    if (trace) for (const l of held) this.trace(l);
  }

  override sendResponse(response: DebugProtocol.Response): void {
    if (this.capturing) {
      this.captured = response;
      return;
    }
    if (this.uris && response.body) response = { ...response, body: sourcesToUris(response.body) };
    if (this.tracing !== false) this.trace(`To client: ${JSON.stringify(response)}`);
    super.sendResponse(response);
    this.checkStalled();
  }

  /**
   * Sends a response whose body is JSON text already (a view made ahead, viewsAhead), written as
   * the library writes every message — numbered by its counter (@vscode/debugadapter
   * protocol.ts: ProtocolServer._send takes each message's seq from `_sequence`), framed with its
   * Content-Length — without turning the body into text again. Where the library writes no
   * stream (the inline adapter hands VS Code message objects), while the protocol trace is on, or
   * if the library's counter is not where it was, it is sent as any response is.
   */
  private sendMade(response: DebugProtocol.Response, json: string): void {
    const out = this.output;
    const lib = this as unknown as { _sequence?: unknown };
    if (!out || this.tracing !== false || this.uris || typeof lib._sequence !== 'number') {
      this.sendResponse(response);
      return;
    }
    response.seq = lib._sequence++;
    const text = `{"seq":${response.seq},"type":"response","request_seq":${response.request_seq},"command":${JSON.stringify(response.command)},"success":true,"body":${json}}`;
    out.write(`Content-Length: ${Buffer.byteLength(text, 'utf8')}\r\n\r\n${text}`, 'utf8');
    this.checkStalled();
  }

  override sendEvent(event: DebugProtocol.Event): void {
    // After `terminated` the client ends the session: nothing runs or stops again until a restart
    // loads anew, and the session ends once (a second terminate, a continue at the end, a launch
    // that was stopped before it loaded send none).
    if (event.event === 'terminated') {
      if (this.terminatedSent) return;
      this.terminatedSent = true;
    }
    if (this.uris && event.body) event = { ...event, body: sourcesToUris(event.body) };
    if (this.tracing !== false) this.trace(`To client: ${JSON.stringify(event)}`);
    super.sendEvent(event);
    this.checkStalled();
  }

  /** The last initialize was refused (a pathFormat other than "path" or "uri"): a launch or attach is refused too. */
  private initRefused = false;
  /** The client's initialize asked for pathFormat "uri": Source paths go out as file: URIs and come in so. */
  private uris = false;
  /** An initialize was answered with success: the session's numbering and path format are agreed, once. */
  private initDone = false;

  /** An error response to `request`, shown to the user. */
  private refuse(request: DebugProtocol.Request, id: number, format: string): void {
    this.sendErrorResponse({ seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false }, { id, format, showUser: true });
  }

  private dispatchChecked(request: DebugProtocol.Request, dispatch: (r: DebugProtocol.Request) => void): void {
    if (this.closed && request.command !== 'disconnect') {
      // A TCP client that disconnected and goes on talking: the session is over, whatever it asks.
      this.sendErrorResponse(
        { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false },
        { id: 1009, format: 'The session has ended: the client disconnected', showUser: false },
      );
      return;
    }
    if (this.verdictTimer !== undefined) {
      if (STOP_VIEWS.has(request.command)) this.armVerdict();
      else this.flushVerdict();
    }
    if (request.arguments === null || typeof request.arguments !== 'object' || Array.isArray(request.arguments)) request.arguments = {};
    // Every standard request's arguments against the protocol's types (adapter/dap-args.ts).
    const a = request.arguments as Record<string, unknown>;
    const bad = checkDapArgs(request.command, a);
    if (bad) {
      const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: false };
      if (request.command === 'launch') this.launchRefused(response, 1100, bad);
      else this.sendErrorResponse(response, { id: 1100, format: bad, showUser: false });
      return;
    }
    dropNulls(request.command, a);
    if (request.command === 'initialize') {
      // DAP: "pathFormat … The default is `path`"; the library refuses an initialize that leaves it out.
      if (a.pathFormat === undefined) a.pathFormat = 'path';
      // Sources are named by file-system path only (the library's own refusal says "native paths" and nothing of what was asked).
      if (this.initDone) {
        // DAP: initialize is "the first request … only sent once" per session. A second one would
        // change how lines and columns are numbered under the client's feet (frame line 20 became 19).
        this.refuse(request, 1103, 'Initialize: the session is initialized already (initialize is sent once, as the first request)');
        return;
      }
      this.initRefused = a.pathFormat !== 'path' && a.pathFormat !== 'uri';
      if (!this.initRefused) this.initDone = true;
      if (this.initRefused) {
        this.refuse(
          request,
          1101,
          `Initialize: pathFormat ${shortName(JSON.stringify(a.pathFormat))} is not supported: sources are named by file-system path (pathFormat "path") or file: URI ("uri")`,
        );
        return;
      }
      // A "uri" client's sources are translated at this edge (path-format.ts); the library itself refuses anything but "path".
      this.uris = a.pathFormat === 'uri';
      a.pathFormat = 'path';
    } else if (this.uris) {
      sourceArgFromUri(a);
    } else if (!this.initDone && !this.initRefused && request.command !== 'disconnect') {
      // DAP: initialize is "the first request"; until it is answered the client "must not send any
      // additional requests". A launch before it started a run with the numbering not yet agreed
      // (an initialize after it could then change how lines are written), and sent `initialized`
      // before the initialize response.
      this.refuse(request, 1105, `${request.command}: the session is not initialized yet (send initialize first)`);
      return;
    } else if (this.initRefused && (request.command === 'launch' || request.command === 'attach')) {
      // After a refused initialize nothing was agreed (how lines, columns and paths are written): no run starts.
      this.refuse(
        request,
        1102,
        `${request.command === 'launch' ? 'Launch' : 'Attach'}: the session's initialize was refused (its pathFormat is not supported); initialize again with pathFormat "path"`,
      );
      return;
    }
    if (!this.launchArgs && !this.rt && !this.loading && EARLY.has(request.command) && this.early.length < 64) {
      // Before any launch or attach (DAP asks for breakpoints after `initialized`; some clients
      // send them first): answered with ids, unverified, and set once a machine has loaded
      // (setEarly). They were answered "No scenario is loaded" and lost.
      const bps = (a.breakpoints ?? a.lines ?? []) as unknown[];
      const ids = bps.map(() => this.earlyId++);
      this.early.push({ request, ids });
      // (the exception filters are answered as they are at any time, and set with the others)
      if (request.command !== 'setExceptionBreakpoints') {
        const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: true };
        response.body = { breakpoints: ids.map((id) => ({ id, verified: false, message: 'Set once the scenario loads' })) };
        this.sendResponse(response);
        return;
      }
    }
    if (this.loading && !this.rt && CONFIGURES.has(request.command)) {
      // DAP lets a client configure breakpoints before `initialized` (it "should" wait for it):
      // one sent while the launch loads is answered once the load has settled, against the loaded
      // scenario, with its ids, in order with the configurationDone after it (which waits too).
      // Answered at once it was unverified ("No scenario is loaded") and lost.
      void this.loading.then(() => this.dispatchChecked(request, dispatch));
      return;
    }
    this.aheadOf = undefined;
    if (this.ahead) {
      if (!READS_ONLY.has(request.command) || a.format !== undefined) this.ahead = undefined;
      else if (this.answerFromAhead(this.ahead, request)) return;
    }
    dispatch(request);
  }

  /** Breakpoint requests sent before any launch or attach, each with the ids it was answered with. */
  private early: { request: DebugProtocol.Request; ids: number[] }[] = [];
  private earlyId = 1;
  /** While setEarly sets them: the ids the breakpoints were answered with, in order. */
  private earlyIds: number[] | undefined;

  /**
   * Sets the breakpoints sent before the launch or attach on the machine now loaded, with the ids
   * the client has, and tells the client how each stands now (a `breakpoint` event each).
   */
  private setEarly(): void {
    const rt = this.rt;
    if (!rt) return;
    for (const { request, ids } of this.early.splice(0)) {
      this.earlyIds = ids;
      this.capture(request.command, (r) => {
        const a = request.arguments as never;
        const res = r as never;
        if (request.command === 'setBreakpoints') this.setBreakPointsRequest(res, a);
        else if (request.command === 'setFunctionBreakpoints') this.setFunctionBreakPointsRequest(res, a);
        else this.setExceptionBreakPointsRequest(res, a);
      });
    }
    this.earlyIds = undefined;
    rt.reserveBreakpointIds(this.earlyId);
    for (const b of [...[...rt.lineBps.values()].flat(), ...rt.fnBps]) if (b.id < this.earlyId) this.sendBreakpointChanged(b.id);
  }

  // ---- a stop's first views, made while the client reads the stop --------------------------------

  /**
   * The stop whose first views are still to be made ahead (viewsAhead): any request that comes
   * before they are made finds none, and they are not made.
   */
  private aheadOf: StopInfo | undefined;
  /**
   * The answers made ahead for the last stop, until a request that may change what they show (any
   * but READS_ONLY, or one with a number `format`), or the next stop.
   */
  private ahead: ViewsAhead | undefined;
  /** While the views ahead are made: the handler's response is kept here instead of being sent. */
  private capturing = false;
  private captured: DebugProtocol.Response | undefined;

  /**
   * At every stop VS Code asks `threads`, the stopped thread's Call Stack, its top frame's scopes
   * and the first scope's variables, a round trip each, after reading the stopped event. Those
   * answers are made here by the handlers themselves, in that order, as soon as the stopped event
   * has left: while the client wakes, reads the stop and asks, so its requests find them made.
   * Each is turned into its JSON text here too, so that answering is only writing it. They are the
   * answers the requests would get (the same handlers on the same machine, nothing between); the
   * Call Stack answers any slice of the thread's frames (VS Code asks the top frame first, the
   * rest later), the others once.
   */
  private viewsAhead(s: StopInfo): void {
    if (this.aheadOf !== s || this.running || !this.rt || this.terminatedSent) return;
    this.aheadOf = undefined;
    const threadId = s.threadId;
    const threads = this.capture<DebugProtocol.ThreadsResponse>('threads', (r) => this.threadsRequest(r));
    const stack = this.capture<DebugProtocol.StackTraceResponse>('stackTrace', (r) => this.stackTraceRequest(r, { threadId }));
    const top = stack?.body.stackFrames[0];
    if (!stack || !top) return;
    const { totalFrames } = stack.body;
    const ahead: ViewsAhead = {
      threadId,
      stack: {
        body: stack.body,
        json: JSON.stringify(stack.body),
        topJson: stack.body.stackFrames.length > 1 ? JSON.stringify({ stackFrames: [top], totalFrames }) : undefined,
      },
    };
    if (threads) ahead.threads = { body: threads.body, json: JSON.stringify(threads.body) };
    this.ahead = ahead;
    const frameId = top.id;
    const scopes = this.capture<DebugProtocol.ScopesResponse>('scopes', (r) => this.scopesRequest(r, { frameId }));
    const first = scopes?.body.scopes[0];
    if (!scopes || !first) return;
    ahead.scopes = { frameId, body: scopes.body, json: JSON.stringify(scopes.body) };
    const variablesReference = first.variablesReference;
    const vars = variablesReference
      ? this.capture<DebugProtocol.VariablesResponse>('variables', (r) => this.variablesRequest(r, { variablesReference }))
      : undefined;
    if (vars) ahead.variables = { variablesReference, body: vars.body, json: JSON.stringify(vars.body) };
  }

  /** What a handler answers, kept instead of sent; undefined for an error. */
  private capture<R extends DebugProtocol.Response>(command: string, run: (r: R) => void): R | undefined {
    const r: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: 0, command, success: true };
    this.capturing = true;
    this.captured = undefined;
    try {
      run(r as R);
    } catch {
      this.captured = undefined;
    } finally {
      this.capturing = false;
    }
    // (TypeScript reads this.captured as still undefined: it cannot see the handler set it)
    const got = this.captured as DebugProtocol.Response | undefined;
    this.captured = undefined;
    return got?.success ? (got as R) : undefined;
  }

  /** Answers a view request from what was made ahead, if it was; whether it did. */
  private answerFromAhead(ahead: ViewsAhead, request: DebugProtocol.Request): boolean {
    let body: unknown;
    let json: string | undefined;
    switch (request.command) {
      case 'threads': {
        const t = ahead.threads;
        if (!t) return false;
        ({ body, json } = t);
        ahead.threads = undefined;
        break;
      }
      case 'stackTrace': {
        const a = request.arguments as DebugProtocol.StackTraceArguments;
        if (a.threadId !== ahead.threadId) return false;
        const st = ahead.stack;
        const all = st.body.stackFrames;
        const start = a.startFrame ?? 0;
        const levels = a.levels || all.length;
        if (start === 0 && levels >= all.length) ({ body, json } = st);
        else {
          body = { stackFrames: all.slice(start, start + levels), totalFrames: st.body.totalFrames };
          if (start === 0 && levels === 1) json = st.topJson;
        }
        break;
      }
      case 'scopes': {
        const a = request.arguments as DebugProtocol.ScopesArguments;
        const sc = ahead.scopes;
        if (!sc || a.frameId !== sc.frameId) return false;
        ({ body, json } = sc);
        ahead.scopes = undefined;
        break;
      }
      case 'variables': {
        const a = request.arguments as DebugProtocol.VariablesArguments;
        const v = ahead.variables;
        if (!v || a.variablesReference !== v.variablesReference || a.filter !== undefined || a.start !== undefined || a.count !== undefined) return false;
        ({ body, json } = v);
        ahead.variables = undefined;
        break;
      }
      default:
        return false;
    }
    const response: DebugProtocol.Response = { seq: 0, type: 'response', request_seq: request.seq, command: request.command, success: true, body };
    if (json === undefined) this.sendResponse(response);
    else this.sendMade(response, json);
    return true;
  }

  /**
   * A launch (or attach) refused, for its arguments or its file: the error, shown to the user, then `terminated`
   * when the session has no machine of its own (a second launch beside a running one leaves it be).
   * The session's one launch has failed, and a client waiting for `terminated` (a script, nvim-dap)
   * learns it is over: a launch refused for its arguments (a guest model that does not exist, a
   * mistyped argument) sent only the error, while one whose file did not load sent both; a mistyped
   * argument's error was not shown to the user.
   */
  private launchRefused(response: DebugProtocol.Response, id: number, format: string): void {
    this.sendErrorResponse(response, { id, format, showUser: true });
    if (!this.rt && !this.loading && !this.attachedTo) this.sendEvent(new TerminatedEvent());
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArgs): void {
    this.setLogLevel(args.trace === true);
    if (typeof args.scenario !== 'string' || !args.scenario) {
      // A configuration written for another debugger names its file "program": say which key this one reads.
      const { scenario, program } = args as { scenario?: unknown; program?: unknown };
      const hint = scenario === undefined && typeof program === 'string' ? ' ("program" is not read: vPCI Lab runs the scenario named by "scenario")' : '';
      this.launchRefused(response, 1001, `Launch needs "scenario": the path of a .vpci file${hint}`);
      return;
    }
    const bad = launchProblem(args);
    if (bad) {
      this.launchRefused(response, 1001, bad);
      return;
    }
    if (this.rt || this.loading || this.attachedTo || this.configured) {
      // DAP: one launch per session; a new scenario, or the same again, is a restart.
      const why = this.attachedTo
        ? 'This session is attached to a held machine: launch a scenario in a new session'
        : 'This session has launched a scenario already: restart it to load one again';
      this.sendErrorResponse(response, { id: 1007, format: why, showUser: true });
      return;
    }
    this.launchArgs = args;
    const loading = this.load(args);
    const token = this.loadToken;
    this.loading = loading;
    void loading.then((r) => {
      if (this.loading === loading) this.loading = undefined;
      if (this.loadToken !== token) {
        // Stopped (terminate, disconnect, a closed connection) while it loaded: the session stays ended.
        this.sendErrorResponse(response, { id: 1008, format: 'The session ended before the scenario had loaded', showUser: false });
        return;
      }
      if ('error' in r) {
        this.launchRefused(response, 1002, r.error);
        return;
      }
      this.sendResponse(response);
      this.setEarly();
      this.sendEvent(new InitializedEvent());
      this.startIfConfiguredEarly();
    });
  }

  protected override attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments & { trace?: boolean }): void {
    this.setLogLevel(args.trace === true);
    const held = this.held;
    if (!held) {
      this.launchRefused(
        response,
        1004,
        'Nothing to attach to: this adapter holds no machine. Start one with `vpci-lab dap --port N --scenario FILE` and attach with "debugServer": N, or use a launch configuration.',
      );
      return;
    }
    if (held.client && held.client !== this) {
      this.launchRefused(response, 1005, 'Another debug client is attached to this machine; detach it first.');
      return;
    }
    // One attach per session: a second (while the first loads, or after a terminate) loaded a machine
    // that configurationDone, done already, never started.
    if (this.rt || this.attachedTo || this.configured || held.client === this) {
      this.sendErrorResponse(response, { id: 1006, format: 'This session already has a machine: attach in a new session.', showUser: true });
      return;
    }
    if (held.state) {
      // Adopt the machine as the last client left it: the runtime's hooks and a fresh inspector now answer to this session.
      const st = held.state;
      this.rt = st.rt;
      this.listingsDir = st.listingsDir;
      this.ins = this.inspectorFor(st.rt.m);
      this.ins.hist = st.rt.h;
      st.rt.hooks = this.runtimeHooks();
      this.lastTraceLength = 0;
      this.ended = st.lastStop.reason === 'end';
    } else {
      // The seat is this client's while the machine loads: a second attach is refused meanwhile.
      held.client = this;
      void this.load(held.args).then((r) => {
        if ('error' in r) {
          if (held.client === this) held.client = undefined;
          this.launchRefused(response, 1002, r.error);
          return;
        }
        held.state = { rt: this.rt!, listingsDir: this.listingsDir, lastStop: this.rt!.runToAttachEntry() };
        this.attached(held, response);
      });
      return;
    }
    this.attached(held, response);
  }

  private attached(held: HeldMachine, response: DebugProtocol.AttachResponse): void {
    held.client = this;
    this.attachedTo = held;
    this.launchArgs = held.args;
    this.sendResponse(response);
    this.setEarly();
    this.sendEvent(new InitializedEvent());
    this.startIfConfiguredEarly();
  }

  /** Lets go of the held machine: its breakpoints go with this client; `discard` also ends the run. */
  private detach(discard: boolean): void {
    const held = this.attachedTo;
    if (!held) return;
    this.attachedTo = undefined;
    if (held.client === this) held.client = undefined;
    // This session lets go of the machine entirely: a late request (a client's second disconnect,
    // say) finds nothing loaded instead of touching the machine the next client will use.
    this.rt = undefined;
    this.ins = undefined;
    const rt = held.state?.rt;
    if (this.abandonRun('detached')) {
      if (held.state)
        held.state.lastStop = {
          reason: 'pause',
          threadId: held.state.rt.upcoming()?.threadId ?? SCENARIO_THREAD,
          description: 'Paused: the last client detached while it ran',
        };
    }
    if (!rt || discard) {
      held.state = undefined;
      return;
    }
    rt.lineBps.clear();
    rt.fnBps = [];
    rt.dataBps = [];
    rt.exceptionFilters = new Set(EXCEPTION_FILTERS.filter((f) => f.default).map((f) => f.filter));
    // Nothing runs the machine while no client is attached; the hooks hold no reference to this session.
    rt.hooks = DETACHED_HOOKS;
  }

  /** Set by the stdio host: this session is the process, and its end ends the process. */
  ownsProcess = false;

  override shutdown(): void {
    this.flushVerdict();
    // The client went away (disconnect, or its connection closed): a held machine stays for the next one.
    this.detach(false);
    this.close('disconnected');
    // Only a stdio adapter process exits with its session; the extension host and TCP servers live on.
    if (this.ownsProcess) super.shutdown();
  }

  /** The client has gone (disconnect, or its connection closed): nothing of this session runs again. */
  private closed = false;

  /**
   * Ends this session for good once its client has gone: a run in progress stops (in a TCP server it
   * went on for a client that had dropped, using CPU and growing), a launch still loading never
   * comes to life, and the machine is let go (a held one is detach's), so a late request finds
   * nothing to run and the session's memory can be freed while the server serves others.
   */
  private close(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.abandonRun(why);
    this.loadToken++;
    this.rt = undefined;
    this.ins = undefined;
    this.judged = undefined;
    this.ahead = undefined;
    this.vars = new VarTable();
    this.frames.clear();
    this.frameIds.clear();
  }

  private runtimeHooks(): VpciRuntime['hooks'] {
    return {
      log: (text, where) => this.out(text + '\n', 'console', where),
      // A condition or log message reads the names Locals shows (a parameter as what it stands for), as evaluate does.
      env: (tid, locals) => this.ins!.env(tid, locals && tid !== undefined ? this.shownLocals(tid, locals) : locals),
      describeDataHit: (bp, old, now, write, ev) => this.ins!.describeDataHit(bp, old, now, write, ev),
      dataValue: (bp) => this.ins!.dataValue(bp),
      dataTouches: (bp, ev) => this.ins!.dataTouches(bp, ev),
      // The first cut is worth a notification; later ones (a long run cuts again and again) go to the console.
      traceDropping: (before) => {
        this.ins?.indexPackets();
        return this.rt && this.judged ? this.judged.past.fold(this.rt.m, before) : undefined;
      },
      historyCut: (text) => {
        this.out(`vPCI Lab: step-back history was cut: ${text}.\n`, this.historyCutTold ? 'console' : 'important');
        this.historyCutTold = true;
      },
    };
  }

  private historyCutTold = false;

  /** The launch's load while it runs (configurationDone waits for it). */
  private loading?: Promise<unknown>;

  /**
   * Why a request that needs the machine cannot be answered: while a launch is still loading it
   * comes, and "No scenario is loaded" sent the client away as if none were asked for.
   */
  private get noScenario(): string {
    return this.loading ? 'The scenario is still loading (the launch has not finished): ask again once it has stopped' : 'No scenario is loaded';
  }

  /** Bumped by each load: a load that finishes after a later one started is dropped. */
  private loadToken = 0;

  /**
   * Where the scenario file on disk first differs from `loaded`, the text the run was loaded from
   * (both as the loader reads them: a BOM dropped; CRLF and LF line ends are the same lines).
   * Undefined while it reads the same, or where it cannot be read now or only asynchronously.
   */
  private scenarioEditedFrom(file: string, loaded: string): number | undefined {
    if (!canReadSync(this.files)) return undefined;
    let now: string;
    try {
      now = decodeText(this.files.readFileSync(file, SCENARIO_LIMIT));
    } catch {
      return undefined;
    }
    if (now === loaded) return undefined;
    const was = loaded.split(/\r?\n/);
    const is = now.split(/\r?\n/);
    let i = 0;
    while (i < was.length && i < is.length && was[i] === is[i]) i++;
    return i === was.length && i === is.length ? undefined : i + 1;
  }

  /**
   * Loads the scenario (through this session's file access) and, unless a later load started
   * meanwhile, installs its runtime and inspector; answers with the runtime it replaced, or an
   * error text. Never rejects.
   */
  private async load(args: LaunchArgs): Promise<{ error: string } | { previous?: VpciRuntime }> {
    const token = ++this.loadToken;
    const file = resolve(args.scenario);
    let l: Loaded;
    let dir: string;
    try {
      const ov: { guest?: GuestModelName; host?: string; quirks?: Record<string, boolean> } = {};
      if (args.guest) ov.guest = args.guest;
      if (args.host) ov.host = args.host;
      if (args.quirks) ov.quirks = args.quirks;
      try {
        l = await loadScenarioWith(this.files, file, { overrides: ov, ...(args.workspaceFolders ? { workspaceFolders: args.workspaceFolders } : {}) });
      } catch (e) {
        return { error: `Cannot load ${shownPath(args.scenario)}: ${e instanceof FileError ? e.reason : errorReason(e)}` };
      }
      if (token !== this.loadToken) return { error: 'Superseded by a later launch or restart' };
      this.printDiagnostics(l, file);
      if (!l.machine) {
        const shown = l.errors.slice(0, 5).map((e) => `line ${e.loc.line}: ${e.message}`);
        return {
          error: `${shownPath(basename(file))} has ${counted(l.errors.length, 'error')}: ${shown.join('; ')}${l.errors.length > shown.length ? `; … ${grouped(l.errors.length - shown.length)} more ${l.diagnostics.length > CONSOLE_DIAGNOSTICS ? `(${moreWhere(file)})` : 'in the Debug Console'}` : ''}`,
        };
      }
      dir = await this.prepareListings(args.listingsDir ? resolve(dirname(file), args.listingsDir) : undefined, l.machine);
      // Files that can be read synchronously (Node's) are read when a name is first asked for, after the first stop.
      if (!canReadSync(this.files)) pciIdsText ??= await this.readPciIds();
    } catch (e) {
      return { error: `Cannot load ${shownPath(args.scenario)}: ${e instanceof FileError ? e.message : errorReason(e)}` };
    }
    if (token !== this.loadToken) return { error: 'Superseded by a later launch or restart' };
    const previous = this.rt;
    this.listingsDir = dir;
    const m = l.machine;
    const sources = {
      listingOf: (path: string) => {
        const p = resolve(path);
        for (const f of m.program.listings.keys()) if (resolve(listingPath(dir, m.config.guest, f)) === p) return f;
        return undefined;
      },
      isScenario: (path: string) => resolve(path) === file,
      scenarioEditedFrom: () => this.scenarioEditedFrom(file, l.text),
      scenarioLines: () => lineCount(l.text),
      pathOfListing: (f: string) => listingPath(dir, m.config.guest, f),
      otherModelOf: (path: string) => otherModelOf(resolve(dir), m.config.guest, resolve(path)),
      otherModelWithFunction: (name: string) => otherModelWithFunction(m.config.guest, name),
    };
    this.judged = { file, text: l.text, expectations: l.scenario.expectations, past: new ExpectPast(l.scenario.expectations) };
    this.ins = this.inspectorFor(m);
    const budget = historyBudget(args.historyMaxMemory, budgetNeedsHeapLimit(args.historyMaxMemory) ? this.heapLimit() : undefined);
    if (budget.problem) this.out(`vPCI Lab: ${budget.problem}\n`, 'stderr');
    this.historyCutTold = false;
    this.rt = new VpciRuntime(m, file, sources, this.runtimeHooks(), { maxMemory: budget.maxMemory });
    this.ins.hist = this.rt.h;
    this.ended = false;
    this.terminatedSent = false;
    this.lastTraceLength = 0;
    return previous ? { previous } : {};
  }

  /**
   * The load's diagnostics in the Debug Console, as the CLI prints them: one output event per run of
   * one category. Only the first CONSOLE_DIAGNOSTICS, then a line saying how many more and where to
   * see them all: a file of 100,000 errors sent ~14 MB in one event, which the console took seconds
   * to show and no one reads.
   */
  private printDiagnostics(l: Loaded, file: string): void {
    const idx = new LineIndex(l.text);
    let run: string[] = [];
    let cat: 'stderr' | 'console' | undefined;
    const flush = (): void => {
      if (run.length && cat) this.out(run.join(''), cat);
      run = [];
    };
    for (const d of l.diagnostics.slice(0, CONSOLE_DIAGNOSTICS)) {
      const c = d.severity === 'error' ? 'stderr' : 'console';
      if (c !== cat) flush();
      cat = c;
      run.push(formatDiagnostic(d, shownPath(file), idx) + '\n');
    }
    flush();
    const more = l.diagnostics.length - CONSOLE_DIAGNOSTICS;
    if (more > 0) this.out(`vPCI Lab: … ${grouped(more)} more not shown here (${moreWhere(file)})\n`, 'stderr');
  }

  /**
   * pci.ids for the Inspector, the first time a name is needed (the first Variables view), once per
   * process. With Node's files it is the file in pieces, by the index the build writes beside the
   * bundle (adapter/pci-ids-file.ts): a session reads the few kilobytes naming its devices, where
   * reading and decoding all 1.3 MB cost ~10 ms and held that much memory for the whole session.
   * Without an index (a source-tree run before any build) it is the whole text.
   */
  private pciIdsNow(): string | PciIdsPieces | undefined {
    const files = this.files;
    if (pciIdsText === undefined && !pciIdsTriedSync && canReadSync(files)) {
      pciIdsTriedSync = true;
      for (const r of this.roots()) {
        const p = join(r, 'data', 'pci.ids');
        pciIdsText = pciIdsPieces(files, p, join(r, 'dist', PCI_IDS_INDEX));
        if (pciIdsText) break;
        try {
          pciIdsText = decodeText(files.readFileSync(p, DATA_LIMIT));
          break;
        } catch {
          /* try the next place */
        }
      }
    }
    return pciIdsText;
  }

  /** Where data/pci.ids may be: beside the bundle (dist/..), the source tree, or the given root. */
  private pciIdsPlaces(): string[] {
    return this.roots().map((r) => join(r, 'data', 'pci.ids'));
  }

  /** data/pci.ids next to the bundle (dist/..) or the source tree; undefined when there is none. */
  private async readPciIds(): Promise<string | undefined> {
    for (const p of this.pciIdsPlaces()) {
      try {
        return decodeText(await this.files.readFile(p, DATA_LIMIT));
      } catch {
        /* try the next place */
      }
    }
    return undefined;
  }

  /** The listings folder: the shipped one when it matches this build, else freshly written ones. */
  private async prepareListings(dir: string | undefined, m: Machine): Promise<string> {
    // The listings are fixed for a build: a folder found (or written) to match them once in this
    // process is not read again at every launch and restart.
    const key = `${dir ?? this.roots().join('\n')}\n${m.config.guest}`;
    const known = listingsFound.get(key);
    if (known !== undefined) return known;
    const found = await this.findOrWriteListings(dir, m);
    listingsFound.set(key, found);
    return found;
  }

  private async findOrWriteListings(dir: string | undefined, m: Machine): Promise<string> {
    const candidates = dir ? [dir] : this.roots().map((r) => join(r, 'listings'));
    const files = this.files;
    const read = async (p: string): Promise<string | undefined> => {
      try {
        return decodeText(canReadSync(files) ? files.readFileSync(p, DATA_LIMIT) : await files.readFile(p, DATA_LIMIT));
      } catch {
        return undefined;
      }
    };
    for (const d of candidates) {
      // A folder stamped with this build's digest holds this build's listings (adapter/listings.ts):
      // a few bytes read instead of the model's listings laid out and compared (1.5–3.5 ms of a
      // launch, measured on the quickstart). A bundle without a digest (a watch build) and a source
      // run compare the text.
      if (LISTINGS_DIGEST && (await read(join(d, LISTINGS_STAMP)))?.trim() === LISTINGS_DIGEST) return d;
      let ok = true;
      for (const l of m.program.listings.values()) {
        if ((await read(listingPath(d, m.config.guest, l.file))) !== l.text) {
          ok = false;
          break;
        }
      }
      if (ok) return d;
    }
    const write = async (d: string): Promise<void> => {
      for (const f of listingsFolder()) await files.writeFile(join(d, ...f.relPath.split('/')), f.text);
    };
    const d = dir ?? join(tmpdir(), `vpci-lab-listings-${process.pid}`);
    try {
      await write(d);
      return d;
    } catch {
      const t = join(tmpdir(), `vpci-lab-listings-${process.pid}`);
      await write(t);
      return t;
    }
  }

  /** configurationDone has started the session (a second one is answered and does nothing). */
  private configured = false;

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    // A client that does not wait for `initialized` (DAP asks it to) may send this while the
    // launch is still loading: it is answered once the load has settled, in order.
    const loading = this.loading;
    if (loading) {
      void loading.then(() => this.configurationDoneRequest(response));
      return;
    }
    this.sendResponse(response);
    if (!this.rt && !this.attachedTo && !this.terminatedSent) {
      // Before any launch or attach (a client that sends it as soon as initialize is answered, as
      // adapters that send `initialized` then have taught some): kept, so the run starts when a
      // launch or attach has loaded, instead of that session waiting for a second one forever.
      this.configuredEarly = true;
      return;
    }
    this.startConfigured();
  }

  /** configurationDone came before the launch or attach it configures (configurationDoneRequest). */
  private configuredEarly = false;

  /** After `initialized`: a configurationDone that came before it starts the run now. */
  private startIfConfiguredEarly(): void {
    if (!this.configuredEarly) return;
    this.configuredEarly = false;
    this.startConfigured();
  }

  /** Starts the run configurationDone asked for: to the attach entry, the cause, or on, as launched. */
  private startConfigured(): void {
    if (!this.rt || this.configured || this.terminatedSent) return;
    this.configured = true;
    const held = this.attachedTo?.state;
    if (held) {
      // Attached: stop where the machine stands. A fresh machine stops at the attach entry; one a
      // client left says how it was left, without that client's breakpoint ids or exception.
      const last = held.lastStop;
      const how = (last.description ?? stopText(last).description).replace(/^Attached: /, '');
      const reason = last.reason === 'entry' || last.reason === 'end' ? last.reason : 'pause';
      this.stopAt({ reason, threadId: last.threadId, description: `Attached: ${how}`, ...(last.text ? { text: last.text } : {}) });
      return;
    }
    if (this.launchArgs?.noDebug === true) return this.runNoDebug();
    if (typeof this.launchArgs?.cause === 'number') return this.runToCause(this.launchArgs.cause);
    if (this.launchArgs?.stopOnEntry !== false) this.stopAt(this.rt.runToAttachEntry());
    else {
      // A pause sent before configurationDone stops the run before its first step (it sent a stop
      // before the run, which configurationDone then ran past, ending at the scenario's end).
      if (this.pauseAtStart) this.rt.pause();
      this.resume({ kind: 'continue' }, true);
    }
    this.pauseAtStart = false;
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): void {
    if (this.loading) {
      // The launch's own load would be superseded and the launch answered as failed, which ends the session in the client.
      this.sendErrorResponse(response, { id: 1003, format: 'The scenario is still loading: restart once the launch has finished', showUser: false });
      return;
    }
    if (!this.rt && !this.launchArgs && !this.attachedTo) {
      // DAP: restart restarts the session a launch or attach began. Before either it loaded and ran
      // the scenario it named, with no `initialized` and no configurationDone, and the launch that
      // followed was refused ("launched a scenario already").
      this.sendErrorResponse(response, { id: 1003, format: 'Nothing to restart: launch a scenario first', showUser: true });
      return;
    }
    const given = args.arguments as LaunchArgs | undefined;
    const a = given && typeof given === 'object' && typeof given.scenario === 'string' ? given : this.launchArgs;
    if (!a) {
      this.sendErrorResponse(response, { id: 1003, format: 'Nothing to restart', showUser: true });
      return;
    }
    // New arguments (VS Code sends the configuration again, edited or not) are checked as a launch's are.
    const bad = a === given ? launchProblem(a) : undefined;
    if (bad) {
      this.sendErrorResponse(response, { id: 1001, format: bad.replace(/^Launch: /, 'Restart: '), showUser: true });
      return;
    }
    const wasRunning = this.abandonRun('restarted'); // a run in progress belongs to the machine being replaced
    const sourcesBefore = this.loadedSources();
    void this.load(a).then((r) => {
      if (!('error' in r)) {
        this.restarted(response, a, r.previous);
        // Another scenario or guest model has other sources: Loaded Scripts is told (it asks loadedSources once).
        const after = this.loadedSources();
        const paths = (l: DebugProtocol.Source[]) => new Set(l.map((x) => x.path));
        const [was, now] = [paths(sourcesBefore), paths(after)];
        for (const x of sourcesBefore) if (!now.has(x.path)) this.sendEvent(new LoadedSourceEvent('removed', x));
        for (const x of after) if (!was.has(x.path)) this.sendEvent(new LoadedSourceEvent('new', x));
        return;
      }
      this.sendErrorResponse(response, { id: 1002, format: r.error, showUser: true });
      // The run was stopped for a machine that did not come: the old one stands where the run left it.
      if (wasRunning && this.rt && !this.running)
        this.stopAt({ reason: 'pause', threadId: this.lastStop?.threadId ?? SCENARIO_THREAD, description: 'The restart failed: paused where the run got to' });
    });
  }

  private restarted(response: DebugProtocol.RestartResponse, a: LaunchArgs, old: VpciRuntime | undefined): void {
    this.abandonRun('restarted'); // one started on the old machine while the new one loaded
    // A later restart without arguments runs what this one ran (another guest, say), not the first launch's.
    this.launchArgs = a;
    // Breakpoints carry over to the new run, with the ids the client knows and their hit counts afresh.
    const changed = old && this.rt ? this.rt.adoptBreakpoints(old, (n) => this.ins!.messageType(n)) : [];
    this.sendResponse(response);
    // The new machine runs from its start: every thread ran. Said before `invalidated`: VS Code
    // answers an invalidated 'all' by handling its last stop again (fetching threads, then giving
    // every other thread that stop's reason), which a continued event clears; without it the
    // thread that stopped at the old run's end read "Paused on end" at the new run's entry.
    this.sendEvent(new ContinuedEvent(this.lastStop?.threadId ?? SCENARIO_THREAD, true));
    for (const id of changed) this.sendBreakpointChanged(id);
    this.invalidate(['all']);
    const held = this.attachedTo;
    if (held) held.state = { rt: this.rt!, listingsDir: this.listingsDir, lastStop: this.rt!.runToAttachEntry() };
    // As configurationDone starts a launch: a run without debugging runs again without debugging, Debug at Cause goes to its cause.
    if (held) this.stopAt(held.state!.lastStop);
    else if (a.noDebug === true) this.runNoDebug();
    else if (typeof a.cause === 'number') this.runToCause(a.cause);
    else if (a.stopOnEntry !== false) this.stopAt(this.rt!.runToAttachEntry());
    else this.resume({ kind: 'continue' }, true);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    // Terminating an attached run ends it: the next attach starts the scenario afresh.
    this.detach(true);
    this.abandonRun('terminated');
    // A launch or restart still loading is over too: its machine never comes (VS Code's Stop during a slow launch).
    this.loadToken++;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args?: DebugProtocol.DisconnectArguments): void {
    // Detaching keeps the held machine (VS Code's default for attach), noting where a run got to;
    // terminateDebuggee ends it. A launched run ends at once: no late stopped event after this.
    this.detach(args?.terminateDebuggee === true);
    this.abandonRun('disconnected');
    this.sendResponse(response);
    // A stdio adapter process ends with its session (the base class exits shortly after the
    // response is out); inline and TCP hosts outlive it, and shutdown() leaves them alone.
    this.shutdown();
  }

  // ---- breakpoints --------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    // `lines` is the older spelling (deprecated in DAP, still sent by some clients): a breakpoint per line.
    const given: DebugProtocol.SourceBreakpoint[] = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- dap-args lets `source` be absent (VS Code always sends it; other clients may not)
    if (!this.rt || !args.source?.path) {
      const message = !this.rt ? this.noScenario : 'The source has no path: breakpoints stand in driver listings and the scenario';
      response.body = { breakpoints: given.map(() => ({ verified: false, message })) };
      this.sendResponse(response);
      return;
    }
    const reqs = given.map((b, i) => {
      const r: { line: number; condition?: string; hitCondition?: string; logMessage?: string; id?: number } = {
        line: this.convertClientLineToDebugger(b.line),
      };
      if (this.earlyIds) r.id = this.earlyIds[i];
      if (b.condition) r.condition = b.condition;
      if (b.hitCondition) r.hitCondition = b.hitCondition;
      if (b.logMessage) r.logMessage = b.logMessage;
      return r;
    });
    const bps = this.rt.setLineBreakpoints(args.source.path, reqs);
    response.body = {
      breakpoints: bps.map((b) => {
        const bp: DebugProtocol.Breakpoint = {
          id: b.id,
          verified: b.verified,
          line: this.convertDebuggerLineToClient(b.line),
          source: { name: basename(b.path), path: b.path },
        };
        if (b.message) bp.message = b.message;
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const rt = this.rt;
    const path = args.source.path;
    response.body = { breakpoints: [] };
    if (rt && path) {
      const from = this.convertClientLineToDebugger(args.line);
      const to = args.endLine !== undefined ? this.convertClientLineToDebugger(args.endLine) : from;
      const listing = rt.sources.listingOf(path);
      let lines: number[] = [];
      if (listing) lines = rt.m.program.listings.get(listing)?.executable ?? [];
      else if (rt.sources.isScenario(path)) {
        // Past the file's first edit since the launch, the loaded events' lines are not the file's.
        const edited = rt.sources.scenarioEditedFrom?.() ?? Infinity;
        lines = rt.m.config.timeline.map((t) => t.loc.line).filter((l) => l < edited);
      }
      response.body.breakpoints = [...new Set(lines.filter((l) => l >= from && l <= to))].map((l) => ({ line: this.convertDebuggerLineToClient(l) }));
    }
    this.sendResponse(response);
  }

  /** Tells the client a breakpoint's verification or line changed (a restart on another guest model). */
  private sendBreakpointChanged(id: number): void {
    const rt = this.rt;
    if (!rt) return;
    const line = [...rt.lineBps.values()].flat().find((b) => b.id === id);
    const fn = rt.fnBps.find((b) => b.id === id);
    const bp: DebugProtocol.Breakpoint = { id, verified: (line ?? fn)?.verified ?? false };
    if (line) {
      bp.line = this.convertDebuggerLineToClient(line.line);
      bp.source = { name: basename(line.path), path: line.path };
    }
    const message = (line ?? fn)?.message;
    if (message) bp.message = message;
    this.sendEvent(new Event('breakpoint', { reason: 'changed', breakpoint: bp } satisfies DebugProtocol.BreakpointEvent['body']));
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    if (!this.rt) {
      response.body = { breakpoints: args.breakpoints.map(() => ({ verified: false, message: this.noScenario })) };
      this.sendResponse(response);
      return;
    }
    const ids = this.earlyIds;
    const bps = this.rt.setFunctionBreakpoints(
      args.breakpoints.map((b, i) => (ids ? { ...b, id: ids[i] } : b)),
      (n) => this.ins!.messageType(n),
    );
    response.body = {
      breakpoints: bps.map((b) => {
        const r: DebugProtocol.Breakpoint = { id: b.id, verified: b.verified };
        if (b.message) r.message = b.message;
        if (b.kind === 'function') {
          const cf = this.rt!.m.program.fns.get(b.name);
          if (cf) {
            r.source = this.sourceOf(cf.file);
            r.line = this.convertDebuggerLineToClient(cf.line);
          }
        }
        return r;
      }),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    const known = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));
    // One answer per filter and per filter option, in that order (DAP). No filter takes a condition
    // (supportsCondition: false): one given a condition is not set, rather than set without it.
    const chosen: { filter: string; condition?: string }[] = [
      ...args.filters.map((filter) => ({ filter })),
      ...(args.filterOptions ?? []).map((o) => ({ filter: o.filterId, condition: o.condition })),
    ];
    const problem = (c: { filter: string; condition?: string }): string | undefined =>
      !known.has(c.filter)
        ? `Unknown exception filter ${shortName(c.filter)}`
        : c.condition !== undefined && c.condition.trim() !== ''
          ? `The ${c.filter} filter takes no condition: not set`
          : undefined;
    if (this.rt) this.rt.exceptionFilters = new Set(chosen.filter((c) => !problem(c)).map((c) => c.filter as ExceptionFilter));
    response.body = {
      breakpoints: chosen.map((c) => {
        const message = problem(c);
        return message ? { verified: false, message } : { verified: true };
      }),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const tid = args.threadId;
    if (tid !== SCENARIO_THREAD && !this.rt?.m.threads.some((t) => t.id === tid)) {
      this.sendErrorResponse(response, { id: 1070, format: `Unknown thread ${shortName(JSON.stringify(tid))}`, showUser: false });
      return;
    }
    // While a Continue runs the thread is not stopped, on an exception or anything else: the last
    // stop's exception is past (DAP: exceptionInfo is about the exception that caused the stop).
    if (this.running) {
      this.sendErrorResponse(response, { id: 1010, format: 'The session is running, not stopped on an exception', showUser: false });
      return;
    }
    const last = this.lastStop;
    // Only the thread that stopped on it has the exception (DAP: the exception that caused the stop);
    // every thread got it, and VS Code asks for any thread whose last stop read 'exception'.
    if (last?.reason === 'exception' && last.threadId !== tid) {
      this.sendErrorResponse(response, { id: 1010, format: `Thread ${tid} did not stop on an exception (thread ${last.threadId} did)`, showUser: false });
      return;
    }
    // Debug at Cause stops on an exception for an expectation that failed; on one that held it only goes there.
    if (last && last === this.causeStop && last.reason === 'exception') {
      const d = last.description ?? '';
      response.body = { exceptionId: 'Expectation failed', description: d, breakMode: 'always', details: { message: d, typeName: 'Expectation failed' } };
      this.sendResponse(response);
      return;
    }
    const x = last?.exception;
    if (!x) {
      this.sendErrorResponse(response, { id: 1010, format: 'The session is not stopped on an exception', showUser: false });
      return;
    }
    const f = EXCEPTION_FILTERS.find((e) => e.filter === x.filter)!;
    // The id is what VS Code's exception widget names it by ("Exception has occurred: Injected fault"),
    // as a language's exception type would be, not the filter's id ("fault").
    response.body = {
      exceptionId: f.kind,
      description: x.description,
      breakMode: 'always',
      // No evaluateName: no expression names a trace event (the console's `trace [n]` lists the last n).
      details: { message: x.description, typeName: f.kind, stackTrace: this.ins!.eventContext(x.event) },
    };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const none = (why: string) => {
      response.body = { dataId: null, description: why };
      this.sendResponse(response);
    };
    if (!this.ins) return none(this.noScenario);
    // An expression "in the scope of this stack frame" (DAP): a frame this stop did not give out is
    // said to be unknown, as evaluate says it, not ignored.
    if (args.frameId !== undefined && !args.variablesReference && !args.asAddress && !this.frames.has(args.frameId))
      return none(unknownFrameText(args.frameId));
    let target: { dataId: string; description: string } | string | undefined;
    if (args.asAddress) target = this.ins.dataTargetAtAddress(args.name, args.bytes);
    else if (args.variablesReference) {
      const ref = args.variablesReference;
      // DAP: the reference "must have been obtained in the current suspended state".
      if (!this.vars.get(ref))
        return none(
          this.vars.isStale(ref) ? `variablesReference ${ref} is from before the last stop: list the variables again` : `Unknown variablesReference ${ref}`,
        );
      const n = this.vars.child(ref, args.name);
      if (!n) return none(`No variable ${shortName(args.name)} in that container`);
      if (n.dataId) target = { dataId: n.dataId, description: n.dataDescription ?? n.name };
      // A row that shows a register under another name (Identity's revision, nic0.REVISION_ID) watches what its evaluateName names:
      // "Break on Value Change" there said "'revision' is not a config-space register" where the expression was watched.
      else if (n.evaluateName) target = this.ins.dataTargetForExpression(n.evaluateName);
    } else target = this.ins.dataTargetForExpression(args.name);
    if (typeof target === 'string') return none(target);
    if (!target && args.asAddress)
      return none(
        `${shortName(JSON.stringify(args.name))} is not an address: write a guest-physical address (0xfe000000, as lspci shows a region), or BUS[/SLOT]:OFFSET in a function's config space (nic0:0x04)`,
      );
    if (!target) return none(`'${clip(args.name)}' is not a config-space register, field or MSI-X entry`);
    response.body = { dataId: target.dataId, description: target.description, accessTypes: ['read', 'write', 'readWrite'], canPersist: true };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const list: DataBp[] = [];
    const out: DebugProtocol.Breakpoint[] = [];
    for (const b of args.breakpoints) {
      const t = parseDataId(b.dataId);
      if (!t || !this.rt) {
        out.push({ verified: false, message: !this.rt ? this.noScenario : `Unknown data breakpoint id ${shortName(b.dataId)}` });
        continue;
      }
      // A bus or function the scenario never has (not declared, offered or plugged) can never be present: not "not present yet".
      const bad = dataTargetProblem(t) ?? this.ins!.targetNeverPresent(t, shortName);
      if (bad) {
        out.push({ verified: false, message: `Data breakpoint id ${shortName(b.dataId)}: ${bad}` });
        continue;
      }
      const bp: DataBp = {
        id: this.rt.newBreakpointId(),
        dataId: b.dataId,
        target: { ...t, description: this.ins!.describeTarget(t) },
        access: b.accessType ?? 'write',
        hits: 0,
      };
      if (b.condition) bp.condition = b.condition;
      if (b.hitCondition) bp.hitCondition = b.hitCondition;
      list.push(bp);
      const problem = conditionProblem(bp.condition, bp.hitCondition);
      if (problem) {
        bp.broken = true;
        out.push({ id: bp.id, verified: false, message: problem });
        continue;
      }
      if (t.kind === 'gpa') {
        out.push({ id: bp.id, verified: true, message: `${bp.target.description}: ${this.ins!.placedNow(t)}` });
        continue;
      }
      // A function that has left the bus was said to be 'not present yet'; it is watched again should it come back (a step back to before it left).
      const present = this.ins!.targetPresent(t);
      const absent = this.ins!.targetGone(t) ? 'the device has left the bus' : 'the device is not present yet';
      // Both guests answer config reads of 0x00-0x03 from the bus relations' descriptor, never through the window
      // (Linux drivers/pci/controller/pci-hyperv.c _hv_pcifront_read_config, FreeBSD sys/dev/hyperv/pcib/vmbus_pcib.c
      // vmbus_pcib_read_config); Linux's hv_compose_msi_msg alone reads VENDOR_ID through it, while it waits.
      const ids = t.kind === 'cfg' && t.offset + t.width <= 4 && bp.access !== 'write' ? `; ${IDS_READ}` : '';
      out.push({ id: bp.id, verified: true, message: present ? bp.target.description + ids : `${bp.target.description} (${absent})${ids}` });
    }
    this.rt?.setDataBreakpoints(list);
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  // ---- execution ----------------------------------------------------------------------

  /** A stepping request needs a loaded scenario, a known thread and a paused machine. */
  private checkThread(response: DebugProtocol.Response, tid: unknown): boolean {
    const known = typeof tid === 'number' && (tid === SCENARIO_THREAD || !!this.rt?.m.threads.some((t) => t.id === tid));
    const why = this.notRunnable(true) ?? (!known ? `Unknown thread ${shortName(JSON.stringify(tid))}` : undefined);
    if (why) this.sendErrorResponse(response, { id: 1070, format: why, showUser: false });
    return !why;
  }

  /** Why the machine cannot be run, stepped or paused now (`busy`: nor while a run is going), or undefined. */
  private notRunnable(busy: boolean): string | undefined {
    if (!this.rt) return this.noScenario;
    if (this.terminatedSent) return ENDED;
    if (busy && this.running) return RUNNING;
    return undefined;
  }

  /** Refuses a request the machine cannot take now (notRunnable); says whether it may go on. */
  private runnable(response: DebugProtocol.Response, busy: boolean): boolean {
    const why = this.notRunnable(busy);
    if (why) this.sendErrorResponse(response, { id: 1070, format: why, showUser: false });
    return !why;
  }

  private threadDepth(tid: number): number {
    return this.rt?.m.threads.find((t) => t.id === tid)?.frames.length ?? 0;
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.runnable(response, false)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    // At the end, something the user did there (an eject, an offer or a raise from the Debug
    // Console, vpci/eject) may have given the machine work again: the run goes on to do it, as the
    // console said it would ("continue to watch the guest handle it"); it ended the session unrun.
    if (this.ended && this.rt?.upcoming() !== undefined) this.ended = false;
    if (this.ended) {
      // Past the end: the run is over, and exits as `vpci-lab run` would (0 every expectation held, 1 one failed).
      // The verdict reported now if one was due (judged once), else judged where the run stands.
      const results =
        this.flushVerdict() ?? (this.rt && this.judged ? checkExpectations(this.rt.m, this.judged.expectations, this.judged.text, this.judged.past) : []);
      this.sendEvent(new ExitedEvent(exitCodeOf(results)));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.resume({ kind: 'continue' });
  }

  private stepMode(tid: number, kind: 'in' | 'over' | 'out', granularity?: DebugProtocol.SteppingGranularity): StepMode {
    if (granularity === 'instruction') return { kind: 'instruction', thread: tid };
    if (tid === SCENARIO_THREAD) return { kind: 'scenario' };
    return { kind, thread: tid, depth: this.threadDepth(tid) };
  }

  /** next, stepIn and stepOut: the same request with a different step kind. */
  private stepRequest(
    response: DebugProtocol.Response,
    args: { threadId: number; granularity?: DebugProtocol.SteppingGranularity },
    kind: 'in' | 'over' | 'out',
  ): void {
    if (!this.checkThread(response, args.threadId)) return;
    this.sendResponse(response);
    if (this.rt) this.stepStart = { rt: this.rt, tid: args.threadId, from: this.rt.position };
    this.resume(this.stepMode(args.threadId, kind, args.granularity));
  }

  /** Where the forward step running now started: its stop is noted for Step Back (VpciRuntime.noteStep). */
  private stepStart: { rt: VpciRuntime; tid: number; from: number } | undefined;

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.stepRequest(response, args, 'over');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.stepRequest(response, args, 'in');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    const why = args.granularity === 'instruction' ? undefined : this.nothingToStepOutOf(args.threadId);
    if (why) {
      this.sendErrorResponse(response, { id: 1075, format: why, showUser: true });
      return;
    }
    this.stepRequest(response, args, 'out');
  }

  /**
   * Why Step Out has nothing to return to on thread `tid`, or undefined: as gdb refuses `finish`
   * in the outermost frame. The timeline and a host VSP thread have no function frames, and a
   * driver thread's outermost frame is where the thread starts (a taskqueue loop that never
   * returns): stepping out of it ran on to the end of the scenario.
   */
  private nothingToStepOutOf(tid: number): string | undefined {
    const rt = this.rt;
    if (!rt || this.terminatedSent || this.running) return undefined; // stepRequest says why
    const name = (t: { name: string }): string => `'${t.name}'`;
    if (tid === SCENARIO_THREAD) return 'Step Out: the scenario timeline has no function to return from (Step Over goes to its next event)';
    const t = rt.m.threads.find((x) => x.id === tid);
    if (!t || t.status === 'done') return undefined;
    if (t.role === 'host') return `Step Out: the host VSP thread ${name(t)} has no function to return from (Step Over runs its next step)`;
    const frames = t.frames.length;
    if (frames === 1)
      return `Step Out: ${t.frames[0]!.fn} is the outermost frame of thread ${name(t)}, where the thread starts: there is no caller to return to (Step Over or Continue instead)`;
    return undefined;
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    if (!this.checkThread(response, args.threadId)) return;
    this.sendResponse(response);
    if (!this.rt) return;
    this.ended = false;
    this.stopAt(this.rt.stepBack(args.threadId, args.granularity === 'instruction'));
  }

  /**
   * stackTrace, scopes and variables are for a stopped thread (DAP: frame and variable references
   * are valid "only while execution remains suspended"): during a run they answered with the
   * machine's state mid-run, and took the last stop's frame and variable ids. Refused (our choice),
   * as setVariable and setExpression are during a run; VS Code asks them only at a stop.
   */
  private refusedWhileRunning(response: DebugProtocol.Response): boolean {
    if (!this.running) return false;
    this.sendErrorResponse(response, { id: 1033, format: RUNNING, showUser: false });
    return true;
  }

  /**
   * Refuses a request about a frame this stop has not given out (a stale id from before the last
   * step, or none at all): answering it about some other frame, or about none, would show the
   * user values that are not the frame's. True when refused.
   */
  private unknownFrame(response: DebugProtocol.Response, frameId: number): boolean {
    if (this.rt && this.ins && this.frames.has(frameId)) return false;
    this.sendErrorResponse(response, {
      id: 1071,
      format: unknownFrameText(frameId),
      showUser: false,
    });
    return true;
  }

  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): void {
    if (this.unknownFrame(response, args.frameId)) return;
    const f = this.frames.get(args.frameId)!;
    if (!this.checkThread(response, f.threadId)) return;
    const s = this.rt!.restartFrame(f.threadId, f.index);
    if (typeof s === 'string') {
      this.sendErrorResponse(response, { id: 1072, format: s, showUser: true });
      return;
    }
    this.sendResponse(response);
    this.ended = false;
    this.stopAt(s);
  }

  /** Jump to Cursor targets by id; valid until the next stop (like frames). */
  private gotoTargets = new Map<number, GotoTarget>();
  private nextGotoId = 1;

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const t = this.rt && args.source.path ? this.rt.gotoTarget(args.source.path, this.convertClientLineToDebugger(args.line)) : undefined;
    response.body = { targets: [] };
    if (t) {
      // The same target asked again at this stop keeps its id (the table holds each target once).
      let id = [...this.gotoTargets].find(([, g]) => g.fn === t.fn && g.pc === t.pc && g.step === t.step)?.[0];
      if (id === undefined) this.gotoTargets.set((id = this.nextGotoId++), t);
      response.body.targets.push({ id, label: `${t.fn}, line ${t.line}`, line: this.convertDebuggerLineToClient(t.line) });
    }
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    if (!this.checkThread(response, args.threadId)) return;
    const target = this.gotoTargets.get(args.targetId);
    if (!target) {
      this.sendErrorResponse(response, { id: 1073, format: `Unknown jump target ${JSON.stringify(args.targetId)} (ask gotoTargets again)`, showUser: false });
      return;
    }
    if (target.ahead !== undefined) return this.gotoAhead(response, target);
    const s = this.rt!.goto(args.threadId, target);
    if (typeof s === 'string') {
      this.sendErrorResponse(response, { id: 1074, format: s, showUser: true });
      return;
    }
    this.sendResponse(response);
    // A jump back to a timeline event can leave a finished scenario.
    this.ended = false;
    this.invalidate(['variables']);
    this.stopAt(s);
  }

  /**
   * Jump to Cursor on a timeline event still to come: runs on (in chunks, past every breakpoint,
   * as a move in time is) to just before the step that runs it, the place a jump back to it goes
   * to, and the state a fresh run has there. One the run does not reach within the step limit is
   * refused, and the machine stays where it was.
   */
  private gotoAhead(response: DebugProtocol.GotoResponse, target: GotoTarget): void {
    if (this.running) {
      this.sendErrorResponse(response, { id: 1074, format: 'The scenario is running: pause it first', showUser: true });
      return;
    }
    const rt = this.rt!;
    const from = rt.position;
    this.runKind = 'cause';
    const token = this.runToken;
    let chunks = 0;
    const tick = () => {
      if (token !== this.runToken) return;
      let r: number | 'never' | undefined;
      try {
        r = rt.runToTimelineItem(target.ahead!, Math.min(CHUNK, Math.max(1, DEFAULT_MAX_STEPS - rt.h.length)));
        if (r === undefined && rt.h.length >= DEFAULT_MAX_STEPS) r = 'never';
      } catch (e) {
        r = 'never';
        this.out(`vPCI Lab: internal error while running: ${internalError(e, (l) => this.trace(l))}\n`, 'stderr');
      }
      if (r === undefined) {
        this.ranChunk(++chunks);
        this.nextChunk(tick);
        return;
      }
      this.runKind = undefined;
      this.endProgress('done');
      if (r === 'never') {
        rt.h.goTo(from);
        this.sendErrorResponse(response, {
          id: 1074,
          format: `This run does not reach line ${target.line} (${target.fn}) within its limit of ${grouped(DEFAULT_MAX_STEPS)} steps`,
          showUser: true,
        });
        return;
      }
      rt.h.goTo(r);
      this.sendResponse(response);
      this.ended = false;
      this.invalidate(['variables']);
      this.stopAt({ reason: 'goto', threadId: SCENARIO_THREAD, description: `Jumped to line ${target.line}` });
    };
    tick();
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (!this.runnable(response, true)) return;
    this.sendResponse(response);
    if (!this.rt) return;
    this.ended = false;
    this.stopAt(this.rt.reverseContinue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (!this.runnable(response, false)) return;
    if (this.running && this.runKind === 'noDebug') {
      this.sendErrorResponse(response, { id: 1070, format: 'A run without debugging does not pause: stop it, or debug the scenario', showUser: false });
      return;
    }
    this.sendResponse(response);
    // Debug at Cause's run is on its way to a stop of its own (the cause), which comes instead.
    // A session that is not running is stopped already (or has not started): the pause is answered and
    // nothing else is sent: a stopped event invented for a stop the client shows already made it read
    // threads, frames and scopes again (DAP pause: the stopped event comes once the thread has been paused).
    if (this.running && this.runKind === 'run') this.rt?.pause();
    // Before configurationDone the run has not started: it is kept, and the run stops before its first step.
    else if (!this.running && !this.configured) this.pauseAtStart = true;
  }

  /** A pause that came before configurationDone: the run it starts stops before its first step (startConfigured). */
  private pauseAtStart = false;

  /** Numbers the runs' progress reports: an id is unique within the session (DAP). */
  private progressSeq = 0;

  /** Bumped when a run is abandoned (a detach): its loop stops without touching the machine again. */
  private runToken = 0;

  /**
   * Ends a run in progress at once, without another step and without a stop event (restart,
   * detach, terminate, disconnect): its loop sees a new token. Closes its progress report.
   * Returns whether a run was going.
   */
  private abandonRun(why: string): boolean {
    if (!this.running) return false;
    this.runKind = undefined;
    this.rt?.clearPause();
    this.runToken++;
    this.endProgress(why);
    return true;
  }

  /** Runs forward (in chunks, so other requests get through). `fromStart`: a launch's run, which stops on a breakpoint before the very first step too. */
  private resume(mode: StepMode, fromStart = false): void {
    const rt = this.rt;
    if (!rt || this.running) return;
    this.runKind = 'run';
    const token = this.runToken;
    let first = true;
    let chunks = 0;
    const limit = rt.position + RUN_LIMIT;
    const tick = () => {
      if (token !== this.runToken) return;
      let s: StopInfo | undefined;
      try {
        s = rt.runForward(mode, Math.min(CHUNK, limit - rt.position), first, first && fromStart);
        if (!s && rt.position >= limit) s = this.runLimitStop(rt);
      } catch (e) {
        // Never leave the client waiting: report the failure and stop where the machine stands.
        this.out(`vPCI Lab: internal error while running: ${internalError(e, (l) => this.trace(l))}\n`, 'stderr');
        s = {
          reason: 'exception',
          threadId: rt.upcoming()?.threadId ?? SCENARIO_THREAD,
          description: 'Internal error (see the Debug Console)',
          text: 'internal error',
        };
      }
      first = false;
      chunks++;
      if (s) {
        this.runKind = undefined;
        // A pause that came after the run's last look for one (it stopped on a breakpoint in the same chunk) is not the next run's.
        rt.clearPause();
        this.endProgress(`stopped: ${s.reason}`);
        this.stopAt(s);
        return;
      }
      // A long run to a breakpoint reports progress (virtual time reached); cancelling it pauses.
      this.ranChunk(chunks);
      this.nextChunk(tick);
    };
    tick();
  }

  /**
   * After each chunk of a run that goes on (a Continue, a run without debugging, Debug at Cause's):
   * the host's hook and, for a client that takes progress reports, one from the run's fifth chunk,
   * updated every fifth (shorter runs and steps report nothing). A Continue's can be cancelled
   * (cancelRequest pauses it); the others end by Stop, as they take no pause.
   */
  private ranChunk(chunks: number): void {
    this.onLongRun?.();
    if (!this.client.supportsProgressReporting || chunks % 5 !== 0) return;
    const at = `virtual time ${formatTime(this.rt!.m.now)}, ${this.rt!.m.steps} steps`;
    if (!this.runningProgressId) {
      const e: DebugProtocol.ProgressStartEvent = new ProgressStartEvent(
        (this.runningProgressId = `vpci-run-${++this.progressSeq}`),
        'vPCI Lab: running the scenario',
        at,
      );
      e.body.cancellable = this.runKind === 'run';
      this.sendEvent(e);
    } else this.sendEvent(new ProgressUpdateEvent(this.runningProgressId, at));
  }

  /** Ends the run's progress report, if it has one. */
  private endProgress(why: string): void {
    if (this.runningProgressId) this.sendEvent(new ProgressEndEvent(this.runningProgressId, why));
    this.runningProgressId = undefined;
  }

  /** Where a run that reached RUN_LIMIT steps without a stop pauses, said in the Debug Console too. */
  private runLimitStop(rt: VpciRuntime): StopInfo {
    const n = grouped(RUN_LIMIT);
    const why = `Paused after ${n} steps without a stop: the scenario has not finished (it may never settle); Continue runs ${n} more`;
    this.out(
      `vPCI Lab: paused after ${n} steps of this run without a stop, at ${formatTime(rt.m.now)} of virtual time (step ${rt.position}, ${rt.m.trace.length} events). The scenario has not finished and may never settle: a run stops by itself after ${n} steps, as a run without debugging and \`vpci-lab run\` do. Continue runs ${n} more.\n`,
      'console',
    );
    return { reason: 'pause', threadId: rt.upcoming()?.threadId ?? SCENARIO_THREAD, description: why };
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    // A Continue's (the other runs' reports are not cancellable: they take no pause).
    if (args.progressId && args.progressId === this.runningProgressId && this.runKind === 'run') this.rt?.pause();
    this.sendResponse(response);
  }

  /** Whether the history's idle timer has been prepared (adapter/history.ts, prepareIdleTimer). */
  private idleTimerReady = false;

  private stopAt(s: StopInfo): void {
    this.lastStop = s;
    const step = this.stepStart;
    this.stepStart = undefined;
    if (step && step.rt === this.rt) step.rt.noteStep(step.tid, s.threadId, step.from);
    this.ahead = undefined;
    this.gotoTargets.clear();
    if (this.attachedTo?.state) this.attachedTo.state.lastStop = s;
    this.vars.reset();
    this.frames.clear();
    this.frameIds.clear();
    if (s.reason === 'end') this.ended = true;
    const rt = this.rt!;
    // Config space and BAR memory may have changed: tell memory views.
    this.memoryChanged();
    this.threadsExited(rt, s.threadId);
    // a short label VS Code may upper-case, the detail as text (stop-text.ts)
    const label = stopText(s);
    const ev: DebugProtocol.StoppedEvent = new StoppedEvent(s.reason, s.threadId, label.text);
    ev.body.allThreadsStopped = true;
    ev.body.description = label.description;
    // like gdb's "Hardware watchpoint … Old value … New value": the change stays readable in the console
    if (s.reason === 'data breakpoint' && label.text) this.out(`Data breakpoint: ${label.text}\n`, 'console');
    if (s.hitBreakpointIds?.length) ev.body.hitBreakpointIds = s.hitBreakpointIds;
    if (s.reason === 'end') {
      this.out(
        `vPCI Lab: scenario finished at ${formatTime(rt.m.now)} of virtual time, after ${rt.position} steps (${rt.m.trace.length} events). Step back or reverse-continue to look around; continue ends the session.\n`,
        'console',
      );
      // Judged where the run ended, and reported once the client has what it asks at this stop.
      this.verdictBy = clock() + VERDICT_LATEST_MS;
      this.armVerdict();
    }
    this.sendEvent(ev);
    if (!this.idleTimerReady) {
      this.idleTimerReady = true;
      // After this turn's output has gone (a microtask queued after its flush): off the step path.
      void Promise.resolve().then(prepareIdleTimer);
    }
    if (rt.m.trace.length !== this.lastTraceLength) {
      this.lastTraceLength = rt.m.trace.length;
      this.sendEvent(new Event(EVT_TRACE_CHANGED, { length: rt.m.trace.length, position: rt.position } satisfies VpciEvents[typeof EVT_TRACE_CHANGED]));
    }
    // After this turn's output has gone: it leaves when the input that asked has been handled, or
    // else by a promise reaction queued at the turn's first write (adapter/framing.ts), which runs
    // before this one.
    this.aheadOf = s;
    void Promise.resolve().then(() => this.viewsAhead(s));
  }

  /**
   * The verdict of a run that has just reached its end waits for the stop's own requests (the Call
   * Stack, Variables: STOP_VIEWS) to be answered, and comes VERDICT_QUIET_MS after the last of them
   * (VERDICT_LATEST_MS after the stop at the latest):
   * judging the expectations (and the report it prints and sends) takes milliseconds, and the
   * stopped event and the views the user is waiting for come first. Any other request (a step
   * back, a restart, a disconnect …) reports it first, so it always judges the state the run ended in.
   * A verdict is due while its timer is set.
   */
  private verdictTimer: ReturnType<typeof setTimeout> | undefined;
  /** When a due verdict is reported at the latest, however many view requests keep coming (clock(), ms). */
  private verdictBy = 0;

  private armVerdict(): void {
    if (this.verdictTimer !== undefined) clearTimeout(this.verdictTimer);
    const wait = Math.min(VERDICT_QUIET_MS, Math.max(0, this.verdictBy - clock()));
    this.verdictTimer = setTimeout(() => this.flushVerdict(), wait);
  }

  /** Reports a verdict that is due (see verdictTimer), now; its results, or undefined when none was due. */
  private flushVerdict(): ExpectResult[] | undefined {
    if (this.verdictTimer === undefined) return undefined;
    clearTimeout(this.verdictTimer);
    this.verdictTimer = undefined;
    return this.reportVerdict();
  }

  private invalidate(areas: DebugProtocol.InvalidatedAreas[]): void {
    if (this.client.supportsInvalidatedEvent) this.sendEvent(new InvalidatedEvent(areas));
  }

  // ---- inspection ---------------------------------------------------------------------

  /** Tells the client of each thread it was shown that has ended since (all but `stoppedOn`, which the stop still lists). */
  private threadsExited(rt: VpciRuntime, stoppedOn: number): void {
    const listed = this.listedThreads;
    if (listed.rt !== rt) {
      // Another run (a restart): its threads are another set, which the client asks for at this stop.
      this.listedThreads = { rt, ids: new Set() };
      return;
    }
    if (!listed.ids.size) return;
    const live = new Set<number>();
    for (const t of rt.m.threads) if (t.status !== 'done' || t.id === stoppedOn) live.add(t.id);
    for (const id of listed.ids)
      if (!live.has(id)) {
        listed.ids.delete(id);
        this.sendEvent(new ThreadEvent('exited', id));
      }
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const threads: Thread[] = [new Thread(SCENARIO_THREAD, 'scenario timeline')];
    if (this.listedThreads.rt !== this.rt) this.listedThreads = { rt: this.rt, ids: new Set() };
    const listed = this.listedThreads.ids;
    listed.clear();
    if (this.rt)
      for (const t of this.rt.m.threads) {
        if (t.status === 'done' && t.id !== this.lastStop?.threadId) continue;
        listed.add(t.id);
        const state = t.status === 'blocked' ? (t.waitWhy ? ` (waiting: ${t.waitWhy})` : ' (waiting)') : t.status === 'done' ? ' (exited)' : '';
        threads.push(new Thread(t.id, `${t.name}${state}`));
      }
    response.body = { threads };
    this.sendResponse(response);
  }

  private sourceOf(listingFile: string): Source {
    const p = listingPath(this.listingsDir, this.rt!.m.config.guest, listingFile);
    return new Source(basename(p), p, 0, `${this.rt!.m.config.guest} driver listing`);
  }

  /** A guest frame's listing, whose origin (the Call Stack's tooltip) names the function's upstream place (docs/upstream.md). */
  private frameSource(listingFile: string, fn: string): Source {
    // Made once per function and run: every stop's Call Stack names the same few (sent as JSON, never changed after).
    if (this.frameSources.rt !== this.rt) this.frameSources = { rt: this.rt, byFile: new Map() };
    let byFn = this.frameSources.byFile.get(listingFile);
    if (!byFn) this.frameSources.byFile.set(listingFile, (byFn = new Map<string, Source>()));
    let src = byFn.get(fn);
    if (!src) {
      src = this.sourceOf(listingFile);
      const link = upstreamLinkFor(this.rt!.m.config.guest, fn);
      if (link) (src as DebugProtocol.Source).origin = link.ours ? link.label : `upstream: ${link.label}`;
      byFn.set(fn, src);
    }
    return src;
  }
  private frameSources: { rt?: VpciRuntime; byFile: Map<string, Map<string, Source>> } = { byFile: new Map() };

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    if (this.refusedWhileRunning(response)) return;
    const rt = this.rt;
    if (!rt) {
      response.body = { stackFrames: [], totalFrames: 0 };
      this.sendResponse(response);
      return;
    }
    const all: StackFrame[] = [];
    let ids = this.frameIds.get(args.threadId);
    if (!ids) this.frameIds.set(args.threadId, (ids = []));
    const known = ids;
    const mk = (index: number, name: string, src?: Source, line = 0, hint?: 'normal' | 'label' | 'subtle', restartable = false): StackFrame => {
      let id = known[index];
      if (id === undefined) {
        id = known[index] = this.nextFrameId++;
        this.frames.set(id, { threadId: args.threadId, index });
      }
      // Without a source, line and column are 0 whatever the client's bases (DAP StackFrame: "should be ignored by the client").
      const f = new StackFrame(id, name, src, src && line ? this.convertDebuggerLineToClient(line) : 0, src ? this.convertDebuggerColumnToClient(1) : 0);
      // Frames without source are labels, except the host's: those are selectable (Variables shows the packet).
      const h = hint ?? (src ? undefined : 'label');
      if (h && h !== 'normal') f.presentationHint = h;
      // Only guest driver frames can be restarted (canRestart defaults to true once supportsRestartFrame is on).
      if (!restartable) f.canRestart = false;
      return f;
    };
    const fmt = args.format;
    const named = (name: string, line: number, params?: () => string): string => (fmt ? this.formattedFrameName(name, line, fmt, params) : name);
    if (args.threadId === SCENARIO_THREAD) {
      const m = rt.m;
      const next = m.config.timeline[m.state.timelineIndex];
      const src = new Source(basename(rt.scenarioFile), rt.scenarioFile);
      if (next) all.push(mk(0, named(`at ${formatTime(next.time)}: ${next.text}`, next.loc.line), src, next.loc.line));
      else all.push(mk(0, named(`scenario: timeline done (now ${formatTime(m.now)})`, lastTimelineLine(m)), src, lastTimelineLine(m)));
    } else {
      const t = rt.m.threads.find((x) => x.id === args.threadId);
      if (!t) {
        // As next, pause and goto answer it: an empty stack would read as a thread with no frames.
        this.sendErrorResponse(response, { id: 1070, format: `Unknown thread ${shortName(String(args.threadId))}`, showUser: false });
        return;
      }
      if (t.role === 'host') {
        const b = rt.m.buses[t.bus];
        const last = this.ins!.lastHostWork(rt.h.lastStepEvents(t.id, rt.position));
        // The host has no driver listing: its frame opens a generated page with the packet it
        // handled and the reply it sent, so the editor has something to show and focus.
        const src = last
          ? this.hostSource(`vsp-${b?.decl.name ?? 'bus'}.txt`, this.ins!.hostWorkText(last, b?.decl.name ?? 'bus', rt.m.config.host))
          : undefined;
        all.push(
          mk(
            0,
            last
              ? `vsp: ${last.title}`
              : `${b?.decl.name ?? 'bus'}: host VSP — ${b?.host.status.state ?? '?'}${t.status === 'blocked' ? ` (${t.waitWhy ?? 'idle'})` : ''}`,
            src,
            src ? 1 : 0,
            'normal',
          ),
        );
        if (last) all.push(mk(1, `${b?.decl.name ?? 'bus'}: host VSP (${rt.m.config.host}) — state ${b?.host.status.state ?? '?'}`, undefined, 0, 'subtle'));
      } else {
        const fr = rt.m.frames(t);
        for (const f of fr)
          all.push(
            mk(
              f.index,
              named(f.fn, f.line, () => this.frameParameters(t, f.index, fmt!)),
              this.frameSource(f.file, f.fn),
              f.line,
              undefined,
              t.steps > 0,
            ),
          );
        if (!fr.length) all.push(mk(0, `${t.name} (${t.status})`));
      }
    }
    const start = args.startFrame ?? 0;
    const levels = args.levels || all.length;
    response.body = { stackFrames: all.slice(start, start + levels), totalFrames: all.length };
    this.sendResponse(response);
  }

  /**
   * A frame's name as a stackTrace request's `format` asks (DAP StackFrameFormat, honoured since
   * the adapter announces supportsValueFormattingOptions): a driver frame's C parameters after its
   * function (`params`), and its line. Ours: no frame has a module and none is hidden, so `module`
   * and `includeAll` change nothing.
   */
  private formattedFrameName(name: string, line: number, fmt: DebugProtocol.StackFrameFormat, params?: () => string): string {
    let out = name;
    if (fmt.parameters && params) out += `(${params()})`;
    if (fmt.line && line > 0) out += ` Line ${this.convertDebuggerLineToClient(line)}`;
    return out;
  }

  /**
   * The C parameters of frame `index` of guest thread `t` for its Call Stack name, each with its
   * type, name and value as `fmt` picks (ours: names and values unless turned off, types when
   * asked; a value as its Locals row shows it, in `fmt`'s number format, cut to 40 characters).
   */
  private frameParameters(t: ThreadState, index: number, fmt: DebugProtocol.StackFrameFormat): string {
    const frame = t.frames[index];
    const fn = frame && this.rt!.m.program.fns.get(frame.fn);
    if (!fn) return '';
    let shown: Map<string, string> | undefined;
    if (fmt.parameterValues !== false)
      this.inFormat(fmt, () => {
        const rows = driverFrameLocals(this.frameLocalsEnv(), t, index) ?? [];
        shown = new Map(rows.map((r) => [r.name, r.value]));
      });
    return fn.args
      .map((a) => {
        const parts: string[] = [];
        // C's own spacing: `device_t dev`, `void *arg`.
        const typed = fmt.parameterTypes && a.type ? a.type : undefined;
        if (fmt.parameterNames !== false) parts.push(typed ? `${typed}${typed.endsWith('*') ? '' : ' '}${a.name}` : a.name);
        else if (typed) parts.push(typed);
        const text = shown?.get(a.name);
        if (text !== undefined) parts.push(parts.length && fmt.parameterNames !== false ? `= ${clip40(text)}` : clip40(text));
        return parts.join(' ');
      })
      .join(', ');
  }

  /** Generated, read-only documents (the host's work), served by the `source` request. */
  private generated = new Map<number, string>();
  private nextSourceRef = 1;

  private hostSource(name: string, text: string): Source {
    for (const [ref, t] of this.generated) if (t === text) return new Source(name, undefined, ref, 'vPCI host VSP');
    const ref = this.nextSourceRef++;
    this.generated.set(ref, text);
    if (this.generated.size > 64) this.generated.delete(this.generated.keys().next().value!);
    return new Source(name, undefined, ref, 'vPCI host VSP');
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    // A source whose sourceReference is 0 has none (DAP Source): the top-level one, kept for older clients, counts then.
    const ref = args.source?.sourceReference || args.sourceReference;
    const text = this.generated.get(ref);
    if (text === undefined) {
      const why = ref
        ? `No generated source ${ref} (references are valid for the stops that made them)`
        : `No sourceReference given${args.source?.path ? `: ${shortName(args.source.path)} is a file the client reads itself` : ''}`;
      this.sendErrorResponse(response, { id: 1080, format: why, showUser: false });
      return;
    }
    response.body = { content: text, mimeType: 'text/plain' };
    this.sendResponse(response);
  }

  /** A guest thread's top-frame locals with the names Locals shows over them (frameLocals does the same for a frame id). */
  private shownLocals(tid: number, locals: Record<string, unknown>): Record<string, unknown> {
    const t = this.rt?.m.threads.find((x) => x.id === tid);
    if (!t || t.role === 'host' || !t.frames.length) return locals;
    const shown = driverFrameValues({ m: this.rt!.m, device: (b, w) => this.deviceName(b, w) }, t, t.frames.length - 1);
    return shown ? { ...locals, ...shown } : locals;
  }

  /**
   * A frame's thread, locals and function. `shownValues`: a driver frame's locals include the
   * names Locals shows (a parameter as what it stands for) — what evaluate and completions read;
   * the Scopes request, which only names the frame's scopes, leaves them out (they are worked out
   * again when Locals is expanded, adapter/frame-locals.ts), as they cost a walk of the frame at
   * every stop.
   */
  private frameLocals(frameId: number, shownValues = true): { t?: ThreadState; locals?: Record<string, unknown>; fn?: string } {
    const f = this.frames.get(frameId);
    if (!f || !this.rt) return {};
    const t = this.rt.m.threads.find((x) => x.id === f.threadId);
    if (t && t.role === 'host') {
      const last = this.ins!.lastHostWork(this.rt.h.lastStepEvents(t.id, this.rt.position));
      return last ? { t, locals: last.locals, fn: last.title } : { t };
    }
    const fr = t?.frames[f.index];
    if (!fr) return t ? { t } : {};
    if (!shownValues) return { t, locals: fr.locals, fn: fr.fn };
    // The names Locals shows (a parameter as what it stands for), over the model's own locals.
    const shown = driverFrameValues({ m: this.rt.m, device: (b, w) => this.deviceName(b, w) }, t, f.index);
    return { t, locals: shown ? { ...fr.locals, ...shown } : fr.locals, fn: fr.fn };
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    if (this.refusedWhileRunning(response)) return;
    // Before a launch no frame was given out either: an id is refused, not answered with no scopes.
    if (this.unknownFrame(response, args.frameId)) return;
    const rt = this.rt!;
    const ins = this.ins!;
    // A driver frame's Locals are made by driverLocals when expanded; `locals` is for a host frame's.
    const { t, locals, fn } = this.frameLocals(args.frameId, false);
    const scopes: DebugProtocol.Scope[] = [];
    // A frame's scope keeps its reference when the scopes are asked again at this stop (VarTable.add),
    // by its name and how many scopes of that name came before it (a bus gone and one offered anew
    // under its name are two).
    const seen = new Map<string, number>();
    const add = (name: string, node: VarNode, hint?: 'locals' | 'registers', expensive = false) => {
      const n = seen.get(name) ?? 0;
      seen.set(name, n + 1);
      const s = new Scope(name, this.vars.add(node, `scopes of frame ${args.frameId}`, `${name}\u0000${n}`), expensive) as DebugProtocol.Scope;
      if (hint) s.presentationHint = hint;
      scopes.push(s);
    };
    if (locals)
      add(
        `Locals: ${fn}`,
        { name: 'Locals', value: '', children: () => this.driverLocals(args.frameId) ?? Object.entries(locals).map(([k, v]) => this.localNode(k, v, locals)) },
        'locals',
      );
    const busIdx = t && t.bus >= 0 ? t.bus : undefined;
    for (const b of rt.m.buses) {
      if (busIdx !== undefined && b.index !== busIdx && rt.m.buses.length > 4) continue;
      add(`Bus ${b.decl.name}`, ins.busNode(b.index));
      for (const [wslot] of b.functions)
        if (b.onBus(wslot)) add(`Device ${b.decl.name}/${ins.slotText(wslot)}: ${ins.title(b.index, wslot)}`, ins.deviceNode(b.index, wslot), 'registers');
    }
    add('Interrupts', ins.interruptsNode());
    add('VMBus', ins.vmbusNode());
    add('Scenario', ins.scenarioNode(rt.position));
    response.body = { scopes };
    this.sendResponse(response);
  }

  /** A driver frame's Locals: its C parameters and declared locals first (adapter/frame-locals.ts). */
  private driverLocals(frameId: number): VarNode[] | undefined {
    const f = this.frames.get(frameId);
    const t = f && this.rt?.m.threads.find((x) => x.id === f.threadId);
    if (!f || !t || t.role === 'host' || !this.ins) return undefined;
    return driverFrameLocals(this.frameLocalsEnv(), t, f.index);
  }

  /** What a driver frame's Locals rows are made with (adapter/frame-locals.ts), in the session's number format now. */
  private frameLocalsEnv(): FrameLocalsEnv {
    return {
      m: this.rt!.m,
      hex: this.hex,
      device: (b, w) => this.deviceName(b, w),
      settable: (name, local, v, owner) => this.localNode(local, v, owner, name),
    };
  }

  /** The rows a frame's Locals shows (a driver frame's C locals, a host frame's packet fields), or undefined. */
  private localRows(frameId: number): VarNode[] | undefined {
    const driver = this.driverLocals(frameId);
    if (driver) return driver;
    const { locals } = this.frameLocals(frameId, false);
    return locals ? Object.entries(locals).map(([k, v]) => this.localNode(k, v, locals)) : undefined;
  }

  /** The views' reading of a machine: in the session's number format, names from pci.ids, no changes while a run goes. */
  private inspectorFor(m: Machine): Inspector {
    const ins = new Inspector(
      m,
      () => this.hex,
      () => this.pciIdsNow(),
    );
    // Nothing changes the machine while a run goes, nor once the session has ended (`terminated` sent).
    ins.frozenWhy = () => (this.running ? RUNNING : this.terminatedSent ? ENDED : undefined);
    return ins;
  }

  /** How a driver frame names the function at a slot of a bus ("nic0/00.0: Intel 82599 …"). */
  private deviceName(bus: number, wslot: number): string {
    return `${this.rt!.m.buses[bus]!.decl.name}/${this.ins!.slotText(wslot)}: ${this.ins!.title(bus, wslot)}`;
  }

  private localNode(k: string, v: unknown, owner: Record<string, unknown>, shown = k): VarNode {
    const n = valueNode(shown, v, this.hex, k);
    if (typeof v === 'number' || typeof v === 'boolean') {
      n.set = (text) => {
        const x = this.ins!.parseValue(text);
        if (typeof x === 'string') return { ok: false, error: x };
        owner[k] = typeof v === 'boolean' ? !!x : x;
        this.rt!.h.truncateFuture();
        return { ok: true, value: typeof v === 'boolean' ? String(!!x) : fmtNum(x, this.hex) };
      };
    }
    return n;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    if (this.refusedWhileRunning(response)) return;
    this.vars.memoryReferences = this.client.supportsMemoryReferences === true;
    this.vars.types = this.client.supportsVariableType === true;
    // A client that cannot page still never gets a huge table whole: the first 1,000 entries.
    // A count of 0 asks for all of them, as a missing one does (DAP VariablesArguments.count).
    const count = args.count || (this.client.supportsVariablePaging ? undefined : 1000);
    // DAP VariablesArguments.format: how this answer's values are formatted (Visual Studio sends
    // it with every request); the session's format (vpci/toggleHex) stays for the next ones.
    const vars = this.inFormat(args.format, () => this.vars.expand(args.variablesReference, args.filter, args.start, count));
    if (!vars) {
      if (this.vars.isStale(args.variablesReference)) {
        // From before the last stop (VS Code re-asks while it refreshes): nothing, not an error.
        response.body = { variables: [] };
        this.sendResponse(response);
        return;
      }
      this.sendErrorResponse(response, { id: 1020, format: `Unknown variablesReference ${args.variablesReference}`, showUser: false });
      return;
    }
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    if (this.running || this.terminatedSent) {
      this.sendErrorResponse(response, { id: 1032, format: this.running ? RUNNING : ENDED, showUser: true });
      return;
    }
    const n = this.vars.child(args.variablesReference, args.name);
    if (!n || !n.set) {
      // A container the session never gave (or gave before the last stop) is named as such, as the
      // variables request names it: it was "No variable x", as if the container lacked the row.
      const container = this.vars.get(args.variablesReference)
        ? undefined
        : this.vars.isStale(args.variablesReference)
          ? `variablesReference ${args.variablesReference} is from before the last stop: expand the row again`
          : `Unknown variablesReference ${args.variablesReference}`;
      this.sendErrorResponse(response, {
        id: 1030,
        format: n ? `${shortName(args.name)} is read-only` : (container ?? `No variable ${shortName(args.name)}`),
        showUser: true,
      });
      return;
    }
    const set = n.set;
    this.inFormat(args.format, () => this.setRow(response, set, args.value, true));
  }

  /**
   * Runs `f` with the number format a request's `format` asks for (DAP: variables', evaluate's,
   * setVariable's and setExpression's "how to format" the answer); the session's own format, which
   * the Variables view's toggle sets (vpci/toggleHex), is kept for everything after.
   */
  private inFormat<T>(format: DebugProtocol.ValueFormat | undefined, f: () => T): T {
    const kept = this.hex;
    if (format?.hex !== undefined) this.hex = format.hex;
    try {
      return f();
    } finally {
      this.hex = kept;
    }
  }

  /**
   * Sets a Variables row through its setter and answers with the value it took (changedByUser), or
   * with the setter's refusal.
   */
  private setRow(
    response: DebugProtocol.SetVariableResponse | DebugProtocol.SetExpressionResponse,
    set: NonNullable<VarNode['set']>,
    value: string,
    configSpace: boolean,
  ): void {
    const r = set(value);
    if (!r.ok) {
      this.sendErrorResponse(response, { id: 1031, format: r.error, showUser: true });
      return;
    }
    response.body = { value: r.value };
    this.sendResponse(response);
    this.changedByUser(configSpace);
  }

  /**
   * The user set a value from the debugger: the history after this point is dropped, the views read
   * again, and, when it may have changed a function's config space, memory views (the hex editor) too.
   */
  private changedByUser(configSpace: boolean): void {
    this.rt!.h.truncateFuture();
    this.invalidate(['variables']);
    if (configSpace) this.memoryChanged();
  }

  /** BAR memory references the client has read (a hex editor's): told of changes with config space. */
  private barViews = new Set<string>();

  /** Each config space's version when its views were last told (memoryChanged). */
  private configTold = new WeakMap<object, number>();

  /** Tells memory views (each config space changed since, the BARs read: barViews) to read again, but `except`. */
  private memoryChanged(except?: string): void {
    if (this.client.supportsMemoryEvent && this.ins)
      for (const [ref, size] of this.ins.memoryReferences(this.barViews, this.configTold)) if (ref !== except) this.sendEvent(new MemoryEvent(ref, 0, size));
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.ins) {
      this.sendErrorResponse(response, { id: 1040, format: this.noScenario, showUser: false });
      return;
    }
    if (args.frameId !== undefined && this.unknownFrame(response, args.frameId)) return;
    const { t, locals } = args.frameId !== undefined ? this.frameLocals(args.frameId) : {};
    const ins = this.ins;
    // In the format asked: a register's row (inspect-data.ts registerRowFor) writes its numbers in the session's.
    const r = this.inFormat(args.format, () => ins.evaluate(args.expression, args.context ?? 'repl', t?.id, locals, this.hex));
    if (!r.ok) {
      this.sendErrorResponse(response, { id: 1041, format: r.error, showUser: false });
      return;
    }
    // The same expression evaluated again at this stop (a watch after each `invalidated`, a hover
    // held on a name) keeps its reference (VarTable.add), in the same frame, context and format.
    const ref = r.node ? this.vars.add(r.node, `evaluate ${args.frameId ?? ''} ${args.context ?? 'repl'} ${args.format?.hex ?? this.hex}`, args.expression) : 0;
    response.body = { result: r.text, variablesReference: ref };
    if (r.node?.memoryReference && this.client.supportsMemoryReferences) response.body.memoryReference = r.node.memoryReference;
    if (r.node?.indexed !== undefined) response.body.indexedVariables = r.node.indexed;
    this.sendResponse(response);
    // An assignment in the Debug Console: the views are told after the answer, as setVariable and
    // setExpression tell them (the client gets the result it asked for first, then reads again).
    if (r.changed) this.changedByUser(true);
  }

  protected override setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    const ins = this.ins;
    const why = !ins ? this.noScenario : this.running ? RUNNING : this.terminatedSent ? ENDED : undefined;
    if (why || !ins) {
      this.sendErrorResponse(response, { id: 1042, format: why ?? this.noScenario, showUser: true });
      return;
    }
    // Each part is read on its own first, so an error's column is one of the text the user typed.
    const wrong = (what: string, text: string): string | undefined => {
      const e = syntaxError(text);
      return e ? `${what} ${shortName(JSON.stringify(text))}: ${e}` : undefined;
    };
    const unreadable = wrong('Expression', args.expression) ?? wrong('Value', args.value);
    if (unreadable) {
      this.sendErrorResponse(response, { id: 1043, format: unreadable, showUser: true });
      return;
    }
    // In a frame (VS Code's Watch sends its frame), a local the frame's Locals can set is set as there.
    if (args.frameId !== undefined) {
      if (this.unknownFrame(response, args.frameId)) return;
      const name = args.expression.trim();
      const local = this.localRows(args.frameId)?.find((n) => n.evaluateName === name && n.set);
      if (local?.set) {
        const set = local.set;
        this.inFormat(args.format, () => this.setRow(response, set, args.value, false));
        return;
      }
    }
    const assignment = `${args.expression} = ${args.value}`;
    const r = ins.evaluate(assignment, 'repl', undefined, undefined, this.hex);
    if (!r.ok || !r.changed) {
      // Both parts read, so a syntax error of the whole is the assignment itself: not a thing that takes a value.
      const notAssignable = r.ok || (!r.assigning && syntaxError(assignment) !== undefined);
      this.sendErrorResponse(response, {
        id: 1043,
        format: notAssignable ? `${shortName(args.expression)} cannot be assigned (${ASSIGNABLE})` : r.error,
        showUser: true,
      });
      return;
    }
    const v = this.inFormat(args.format, () => ins.evaluate(args.expression, 'watch', undefined, undefined, this.hex));
    response.body = { value: v.ok ? v.text : r.text };
    this.sendResponse(response);
    this.changedByUser(true);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    if (args.frameId !== undefined && this.ins && this.unknownFrame(response, args.frameId)) return;
    const { locals } = args.frameId !== undefined ? this.frameLocals(args.frameId) : {};
    // `column` is within `line` of a multi-line input (VS Code's console sends both): that line is what is completed.
    const line = args.line === undefined ? 1 : this.convertClientLineToDebugger(args.line);
    const text = args.text.split('\n')[line - 1] ?? '';
    response.body = { targets: this.ins ? this.ins.completions(text, args.column - (this.client.columnsStartAt1 === false ? 0 : 1), locals) : [] };
    this.sendResponse(response);
  }

  // Memory: the arguments' types are checked at the door (adapter/dap-args.ts: integer offsets,
  // counts up to MEMORY_MAX); here, bytes outside a region are never read or written. DAP says
  // how: a read that starts before a region returns no data and the bytes to skip as
  // `unreadableBytes`; bytes past its end are `unreadableBytes` after the data; a write that
  // does not fit is refused whole, or with `allowPartial` writes only the part inside and says so.

  /** The address `offset` bytes from a reference's first byte; a string starting 'readMemory:' says why there is none. */
  private memoryAddress(ref: string, offset: number): string | undefined {
    const r = this.ins?.readMemory(ref, 0, 0);
    if (!r?.ok) return undefined;
    const base = Number(r.address);
    const a = (Number.isFinite(base) ? base : 0) + offset;
    // Before a region that starts at address 0 (config space, a packet) there is no address: it was
    // answered as "-16", which is no DAP address (hex after 0x, or decimal digits).
    if (a < 0) return `readMemory: offset ${signedHex(offset)} is before ${ref}, which starts at address ${r.address}`;
    return `0x${a.toString(16)}`;
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const offset = args.offset ?? 0;
    if (offset < 0 && this.ins) {
      // Before the region: nothing to read here; skip to its start.
      const address = this.memoryAddress(args.memoryReference, offset);
      if (address === undefined) {
        const r = this.ins.readMemory(args.memoryReference, 0, 0);
        this.sendErrorResponse(response, { id: 1050, format: r.ok ? `Unknown memory reference ${args.memoryReference}` : r.error, showUser: false });
        return;
      }
      if (address.startsWith('readMemory:')) {
        this.sendErrorResponse(response, { id: 1050, format: address, showUser: false });
        return;
      }
      response.body = { address, unreadableBytes: Math.min(args.count, -offset) };
      this.sendResponse(response);
      return;
    }
    const r = this.ins?.readMemory(args.memoryReference, offset, args.count);
    if (!r || !r.ok) {
      this.sendErrorResponse(response, { id: 1050, format: r ? r.error : this.noScenario, showUser: false });
      return;
    }
    if (args.memoryReference.startsWith('bar/')) this.barViews.add(args.memoryReference);
    response.body = { address: r.address, data: bytesToBase64(r.bytes) };
    if (r.unreadable) response.body.unreadableBytes = r.unreadable;
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const fail = (id: number, format: string, showUser = false): void => this.sendErrorResponse(response, { id, format, showUser });
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(args.data) || args.data.length % 4 === 1) return fail(1052, `writeMemory: argument 'data' is not base64`);
    if (!this.ins) return fail(1051, this.noScenario, true);
    if (this.running || this.terminatedSent) return fail(1053, this.running ? RUNNING : ENDED, true);
    const data = base64ToBytes(args.data);
    const offset = args.offset ?? 0;
    // Which of the bytes lie inside the region: those before its start cannot, and a read of the rest says how many fit.
    const lead = offset < 0 ? Math.min(data.length, -offset) : 0;
    const start = Math.max(0, offset);
    const probe = this.ins.readMemory(args.memoryReference, start, data.length - lead);
    if (!probe.ok) return fail(1051, probe.error, true);
    const inside = probe.bytes.length;
    if ((lead > 0 || inside < data.length - lead) && !args.allowPartial)
      return fail(
        1053,
        `writeMemory: ${counted(data.length, 'byte')} at offset ${signedHex(offset)} reach outside ${args.memoryReference}${inside ? ` (${inside} of them fit)` : ''}; nothing was written`,
        true,
      );
    if (inside === 0) {
      response.body = { offset: start, bytesWritten: 0 };
      this.sendResponse(response);
      return;
    }
    const r = this.ins.writeMemory(args.memoryReference, start, data.subarray(lead, lead + inside));
    if (!r.ok) return fail(1051, r.error, true);
    this.rt!.h.truncateFuture();
    response.body = { bytesWritten: r.written };
    if (args.allowPartial) response.body.offset = start;
    this.sendResponse(response);
    if (this.client.supportsMemoryEvent) this.sendEvent(new MemoryEvent(args.memoryReference, start, r.written));
    // A config write may move or enable a BAR: the other views read again. A BAR's bytes are its
    // own (no other view holds them), so a BAR write tells only the region written.
    if (!args.memoryReference.startsWith('bar/')) this.memoryChanged(args.memoryReference);
    this.invalidate(['variables']);
  }

  protected override loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    response.body = { sources: this.loadedSources() };
    this.sendResponse(response);
  }

  /** The scenario and the listings of the loaded machine's guest model (Loaded Scripts). */
  private loadedSources(): DebugProtocol.Source[] {
    const rt = this.rt;
    return rt ? [new Source(basename(rt.scenarioFile), rt.scenarioFile), ...[...rt.m.program.listings.keys()].map((f) => this.sourceOf(f))] : [];
  }

  // The library answers these with an empty success; none is among the capabilities (initialize), and
  // an empty success is wrong for each (DAP requires a body of targets or breakpoints).
  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse): void {
    this.unsupported(response, 'there is no machine code to disassemble: the driver models step through C listings');
  }
  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse): void {
    this.unsupported(response, 'there are no instructions: set line, function or data breakpoints');
  }
  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse): void {
    this.unsupported(response, 'Step Into steps into the call on the line');
  }
  protected override terminateThreadsRequest(response: DebugProtocol.TerminateThreadsResponse): void {
    this.unsupported(response, 'the threads are the guest kernel’s; end the session instead');
  }
  private unsupported(response: DebugProtocol.Response, why: string): void {
    this.sendErrorResponse(response, { id: 1062, format: `${response.command} is not supported: ${why}`, showUser: false });
  }

  // ---- vPCI custom requests ---------------------------------------------------------------

  protected override customRequest(command: string, response: DebugProtocol.Response, raw: unknown): void {
    if (!isVpciRequest(command)) {
      this.sendErrorResponse(response, { id: 1061, format: `Unknown request ${shortName(command)}`, showUser: false });
      return;
    }
    const ins = this.ins;
    const rt = this.rt;
    if (!ins || !rt) {
      this.sendErrorResponse(response, { id: 1060, format: this.noScenario, showUser: false });
      return;
    }
    const checked = checkRequestArgs(command, raw);
    if (!checked.ok) {
      this.sendErrorResponse(response, { id: 1063, format: checked.error, showUser: false });
      return;
    }
    try {
      const handler = this.customHandlers(ins, rt, response)[command] as (a: unknown) => unknown;
      const body = handler(checked.args);
      if (body === ANSWERED) return;
      response.body = body;
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1062, format: e instanceof Error ? e.message : String(e), showUser: true });
    }
  }

  /**
   * One handler per custom request (adapter/protocol.ts), each given its checked arguments. A
   * handler returns the response body, or ANSWERED when it has answered (and stopped) itself.
   */
  private customHandlers(
    ins: Inspector,
    rt: VpciRuntime,
    response: DebugProtocol.Response,
  ): { [K in VpciRequestName]: (a: RequestArgs<K>) => RequestBody<K> | typeof ANSWERED } {
    const paused = (): void => {
      const why = this.notRunnable(true);
      if (why) throw new Error(why);
    };
    return {
      'vpci/topology': () => ins.topology(),
      'vpci/messages': (a) => ins.messages(a.from ?? 0, a.count ?? 200, (ev) => rt.h.stepOfEvent(ev)),
      'vpci/messageDetail': (a) => {
        const d = ins.messageDetail(a.index);
        if (!d && a.index < rt.m.trace.base && a.index >= 0 && !rt.m.trace.holds(a.index))
          throw new Error(`Trace event ${a.index} was dropped with the oldest step-back history: ${rt.historyStartText()}`);
        if (!d) throw new Error(`No VMBus packet at trace event ${a.index}`);
        return d;
      },
      'vpci/gotoEvent': (a) => {
        paused();
        const s = rt.gotoEvent(a.index);
        if (!s) throw new Error(`Trace event ${a.index} has not happened yet`);
        if (typeof s === 'string') throw new Error(s);
        this.sendResponse(response);
        this.ended = false;
        this.stopAt(s);
        return ANSWERED;
      },
      'vpci/toggleHex': (a) => {
        this.hex = a.hex ?? !this.hex;
        response.body = { hex: this.hex };
        this.sendResponse(response);
        this.invalidate(['variables']);
        return ANSWERED;
      },
      'vpci/lspci': (a) => {
        // A bus or slot that is not there is an error, as for eject (not "no functions").
        // A bus that has gone (ejected, rescinded) still shows what it last had.
        if (a.bus !== undefined) {
          const b = rt.m.busByName(a.bus);
          if (!b && !rt.m.buses.some((x) => x.decl.name === a.bus)) throw new Error(`No bus ${shortName(a.bus)}`);
          if (b && a.wslot !== undefined && !b.functions.has(a.wslot)) throw new Error(`Bus ${a.bus} has no function at ${slotName(a.wslot)}`);
        }
        return { text: ins.lspci(a.bus, a.wslot, { verbose: a.verbose !== false, hex: a.hex ? 4 : 0 }) };
      },
      'vpci/eject': (a) => {
        paused();
        const b = rt.m.busByName(a.bus);
        if (!b) throw new Error(`No bus ${shortName(a.bus)}`);
        const wslot = a.wslot ?? 0;
        // A function the host took off the bus (unplugged, or ejected already) is not there to eject, as
        // the console's eject says: the host was asked anyway and logged a protocol error into the run.
        if (!b.onBus(wslot))
          throw new Error(
            b.functions.has(wslot) ? `${fnPrefix(a.bus, wslot)} ${leftBusText(ins, b.index, wslot)}` : `Bus ${a.bus} has no function at ${slotName(wslot)}`,
          );
        // One eject at a time, as the console's: a second PCI_EJECT went to the guest while the first was pending.
        const pending = ejectPendingText(ins, b.index, wslot, fnPrefix(a.bus, wslot));
        if (pending) throw new Error(pending);
        b.eject(wslot);
        rt.h.truncateFuture();
        response.body = { ok: true };
        this.sendResponse(response);
        this.invalidate(['variables']);
        return ANSWERED;
      },
      'vpci/trace': (a) => ({
        lines: ins.transcript(a.from ?? 0, a.count ?? 200),
        total: rt.m.trace.length,
        ...(rt.m.trace.base ? { first: rt.m.trace.base } : {}),
      }),
      'vpci/goToCause': (a) => {
        paused();
        this.runToCause(a.line, response);
        return ANSWERED;
      },
      'vpci/functionOf': (a) => {
        const f = this.vars.functionOf(a.variablesReference);
        if (f) return f;
        throw new Error(
          this.vars.isStale(a.variablesReference)
            ? `Variables reference ${a.variablesReference} is from before the last stop`
            : `Variables reference ${a.variablesReference} is not a row of a PCI function`,
        );
      },
    };
  }

  // ---- verdicts: the run's end judged, Run Without Debugging, Debug at Cause ------------------

  /** The loaded scenario's expectations and text, to judge the run at its end; `past`: what it needs of the trace events dropped with the oldest step-back history. */
  private judged?: { file: string; text: string; expectations: Expectation[]; past: ExpectPast };
  /** The stop *Debug at Cause* made (exceptionInfo describes it). */
  private causeStop?: StopInfo;

  /**
   * The run is at its end: prints every expectation with file:line, ok/FAIL and the detail, then
   * "N of M expectations held", and sends `vpci/verdict` for the editor's Test Explorer and Problems.
   */
  private reportVerdict(results?: ExpectResult[], cutAt?: number): ExpectResult[] {
    const rt = this.rt;
    const j = this.judged;
    if (!rt || !j) return [];
    const r = results ?? checkExpectations(rt.m, j.expectations, j.text, j.past);
    for (const l of verdictConsole(j.file, r, cutAt))
      this.out(l.text, l.failed ? 'stderr' : 'stdout', l.line !== undefined ? { path: j.file, line: l.line } : undefined);
    this.sendEvent(new Event(EVT_VERDICT, verdictBody(j.file, rt.m, r, rt.position, cutAt)));
    return r;
  }

  /**
   * `noDebug`: runs to the end without history, breakpoints or stops (in chunks, so terminate
   * gets through), prints the run's summary and the verdict, and terminates.
   */
  private runNoDebug(): void {
    const rt = this.rt!;
    const j = this.judged!;
    this.runKind = 'noDebug';
    const token = this.runToken;
    let chunks = 0;
    const tick = () => {
      if (token !== this.runToken) return;
      let r: { steps: number; idle: boolean };
      try {
        r = runSteps(rt.m, Math.min(CHUNK, DEFAULT_MAX_STEPS - rt.m.steps));
      } catch (e) {
        this.out(`vPCI Lab: internal error while running: ${internalError(e, (l) => this.trace(l))}\n`, 'stderr');
        r = { steps: 0, idle: true };
      }
      if (!r.idle && rt.m.steps < DEFAULT_MAX_STEPS) {
        this.ranChunk(++chunks);
        this.nextChunk(tick);
        return;
      }
      this.runKind = undefined;
      this.endProgress('done');
      this.out(runSummary(j.file, rt.m, rt.m.steps, !r.idle), 'console');
      const verdict = this.reportVerdict(undefined, r.idle ? undefined : DEFAULT_MAX_STEPS);
      this.ended = true;
      this.sendEvent(new ExitedEvent(exitCodeOf(verdict)));
      this.sendEvent(new TerminatedEvent());
    };
    tick();
  }

  /**
   * Debug at Cause: runs on to the end (logging history, ignoring breakpoints), judges the run,
   * then travels back to the moment that decided the expectation on `line` and stops there. With
   * a `response` (the vpci/goToCause request) it answers it; from a launch it stops regardless.
   */
  private runToCause(line: number, response?: DebugProtocol.Response): void {
    const rt = this.rt!;
    const j = this.judged!;
    const fail = (why: string) => {
      if (response) this.sendErrorResponse(response, { id: 1064, format: why, showUser: true });
      else {
        this.out(`vPCI Lab: ${why}\n`, 'stderr');
        this.stopAt({ reason: 'entry', threadId: rt.upcoming()?.threadId ?? SCENARIO_THREAD, description: why, verbatim: true });
      }
    };
    if (!j.expectations.some((e) => e.loc.line === line)) return fail(`No expectation on line ${line} of ${basename(j.file)}`);
    this.runKind = 'cause';
    const token = this.runToken;
    let chunks = 0;
    rt.h.goTo(rt.h.length);
    const tick = () => {
      if (token !== this.runToken) return;
      let idle = false;
      try {
        for (let n = 0; n < CHUNK && !idle; n++) idle = rt.h.step().kind === 'idle';
      } catch (e) {
        this.runKind = undefined;
        this.endProgress('failed');
        return fail(`internal error while running: ${internalError(e, (l) => this.trace(l))}`);
      }
      // (a scenario that never settles is judged where the step limit leaves it, as the CLI does)
      if (!idle && rt.position < DEFAULT_MAX_STEPS) {
        this.ranChunk(++chunks);
        this.nextChunk(tick);
        return;
      }
      this.runKind = undefined;
      this.endProgress('done');
      const results = this.reportVerdict(undefined, idle ? undefined : DEFAULT_MAX_STEPS);
      const r = results.find((x) => x.line === line)!;
      const s = goToCause(rt, r, r.text ?? `the expectation on line ${line}`);
      if (typeof s === 'string') return fail(s);
      if (response) {
        response.body = { description: s.description ?? '' };
        this.sendResponse(response);
      }
      this.ended = false;
      this.causeStop = s;
      this.invalidate(['all']);
      this.stopAt(s);
    };
    tick();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private out(text: string, category: 'console' | 'important' | 'stdout' | 'stderr', where?: { path: string; line: number }): void {
    const e = new OutputEvent(text, category) as DebugProtocol.OutputEvent;
    if (where) {
      e.body.source = { name: basename(where.path), path: where.path };
      e.body.line = this.convertDebuggerLineToClient(where.line);
    }
    this.sendEvent(e);
  }
}

/** data/pci.ids, reached once per process (the Inspector names devices with it): its text, or the file in pieces. */
let pciIdsText: string | PciIdsPieces | undefined;
/** Whether pciIdsNow has tried to read it (a missing file is not looked for again). */
let pciIdsTriedSync = false;
/** Listings folders already checked against this build's listings, per requested folder and guest model. */
const listingsFound = new Map<string, string>();

/** Returned by a custom-request handler that sent its own response. */
const ANSWERED = Symbol('answered');

function lastTimelineLine(m: Machine): number {
  const t = m.config.timeline;
  return t.length ? t[t.length - 1]!.loc.line : 0;
}
