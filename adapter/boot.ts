// The shipped debug adapter executable (dist/adapter.js). It does one thing
// before the adapter starts: load the adapter bundle (dist/adapter-core.js)
// with a V8 code cache, because most of a cold launch → first stop is V8
// compiling the bundle and the functions a launch runs (docs/architecture.md budgets
// launch → first stop at 1.2 × a bare adapter's start-up). Node 22 does this
// itself (module.enableCompileCache); VS Code's Electron and Node 20 do not.
//
// The cache is written in the first quiet moment after the first stop — by then every function a
// launch needs has been compiled, so the next launch compiles almost nothing —
// and once more when a process has gone on stepping, so later sessions do not
// compile the step path at their first steps either. Before each write, the
// process runs a small scenario of each guest OS in memory (adapter/warm.ts),
// so the cache covers a launch of either whichever came first. It sits next to the bundle and its name carries the bundle's
// content hash (stamped in at build time), the V8 version and the CPU
// architecture; V8 itself rejects data made under other flags, and a rejected
// or unreadable cache only means an ordinary compile and a fresh cache. Where
// dist/ is not writable, nothing is cached. VPCI_LAB_NO_CODE_CACHE=1 turns it
// off (the cold figure in `npm run bench`).
//
// Only Node built-ins here: this file runs before anything else is loaded.
import { accessSync, closeSync, constants, fstatSync, openSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import type { AdapterHooks } from './core';

// V8's optimizing compiler (TurboFan) is off while the user steps, and on once a run goes long.
// What a user does most — a step, and the views VS Code asks for at each stop — runs a few to a
// few thousand emulator steps in a process that started moments ago: TurboFan's compiles then cost
// more than they win. Measured on the shipped examples (step round trips from fresh launches, A/B
// in one run, this machine's two cores): with it on, 1.2–2 ms of compiler-thread CPU per step
// competed with the client for the cores, and a session's slowest step (a `next` over 2,100–2,300
// emulator steps) took 12–25 ms; with it off, no compiler-thread time, the adapter's own CPU per
// step 2–11 % lower and the slowest step 9–17 ms. On-stack replacement is TurboFan too, and the
// flag alone does not stop it. A run that goes past one chunk of steps (Continue or a step to a distant
// stop, a run without debugging, Debug at Cause: adapter/session.ts) turns both back on for the
// rest of the process, where optimized code pays: such runs are up to millions of steps long.
//
// The switch is made after the first stop has been sent, not here: node:v8 loads Node's stream
// modules with it (2–5 ms, on the launch's critical path), and the launch runs only a few emulator
// steps. Until then V8 runs as started, so the code cache is read under its own flags — V8 keeps
// the flags a cache was made under and refuses it under others — and it is always made under them
// too (writeCache). All of this is in the adapter's own process only: the inline adapter shares VS
// Code's extension host and leaves V8 as it is.
let v8: typeof import('node:v8') | undefined;
/** TurboFan and on-stack replacement are off (between the first stop and the first long run). */
let stepping = false;
/** A run has gone long: optimizing from now on. */
let longRun = false;
const STEPPING_FLAGS = '--no-turbofan --no-use-osr';
const STARTUP_FLAGS = '--turbofan --use-osr';
function startStepping(): void {
  if (stepping || longRun) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the first stop, off the launch (see above)
  v8 ??= require('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString(STEPPING_FLAGS);
  stepping = true;
}

// A fresh process's young generation (where V8 puts new objects) has grown during the launch into
// memory the process has never touched, and each first touch of a page is a page fault: on this
// kind of virtual machine ~10 µs each. A step round trip's objects (the stop, the views, the
// messages: ~50 KB) landed on fresh pages for a session's first ~40 steps — 12 faults per round
// trip where the echo adapter takes 5. Measured on the quickstart (client and adapter each pinned to
// a core, 20 rounds of 45 steps from fresh launches, A/B interleaved), touching them first took the
// adapter's CPU per round trip from ~620 to ~450 µs and the round trip from ~870 to ~690 µs. So at
// the first stop, once its output and the views made ahead for it have gone, the process fills one
// semi-space's worth with short-lived objects, ~5 ms, once: the pages are touched (and the launch's
// garbage scavenged) while the editor opens the stop, before the user's first step. It adds about
// that much to the first views' answer (the bench's "first views" figure: ~8 → ~16 ms) and ~1.4 MB
// to the resident memory at the first stop (1.18 × the echo adapter's, within its 1.25 × budget); a
// later growth of the young generation brings fresh pages again, for a few dozen steps.
/** Bounds on the bytes touched (the young generation's semi-space, as V8 reports it at the first stop). */
const TOUCH_MIN = 1 << 20;
const TOUCH_MAX = 8 << 20;
/** Where touchYoungGeneration puts each array it makes: a store no compiler may drop, so neither is the loop. */
let touched: number[] | undefined;
/** Touches the young generation (see above); returns how many arrays it made. */
function touchYoungGeneration(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the first stop, as startStepping does
  v8 ??= require('node:v8') as typeof import('node:v8');
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const bytes = Math.min(TOUCH_MAX, Math.max(TOUCH_MIN, (young?.space_size ?? 0) / 2));
  // An array of 1,024 small integers is 8 KB and some bytes of header, written whole by fill().
  let arrays = 0;
  for (let made = 0; made < bytes; made += 8208, arrays++) touched = new Array<number>(1024).fill(0);
  return touched ? arrays : 0;
}

function optimizeFromNowOn(): void {
  longRun = true;
  if (!stepping) return;
  v8!.setFlagsFromString(STARTUP_FLAGS);
  stepping = false;
}

/** sha256 of dist/adapter-core.js, stamped by esbuild.config.mjs; '' (watch builds) disables the cache. */
declare const __VPCI_CORE_HASH__: string;

interface Core {
  startAdapter(argv: readonly string[], hooks?: AdapterHooks): void;
  warmCodeCache(maxSteps?: number): void;
  runCli(argv: string[]): void;
}

const coreFile = join(__dirname, 'adapter-core.js');
const hash = typeof __VPCI_CORE_HASH__ === 'string' ? __VPCI_CORE_HASH__ : '';
/**
 * Node's source maps are on (VPCI_DEBUG=1 through dist/cli.js, or `node --enable-source-maps`): Node
 * maps the stacks of what its module loader compiles, never of a vm.Script, so the body is then
 * compiled as a module of its own, without the cache.
 */
const mapped = process.sourceMapsEnabled;
const enabled = hash !== '' && process.env['VPCI_LAB_NO_CODE_CACHE'] !== '1' && !mapped;
const cacheFile = join(__dirname, `adapter-core.${hash.slice(0, 16)}.${process.versions.v8.replace(/[^\w.-]/g, '_')}.${process.arch}.cache`);

/**
 * The cache file starts with the size and mtime of the bundle it was made from, so a bundle
 * changed on disk without a rebuild of this loader (whose hash would still match) is never run
 * from a stale cache (V8 itself only compares the source length), and with how many stops its
 * process had made when it was written: what it covers.
 */
const HEADER = 24;
function stamp(): Buffer {
  const st = statSync(coreFile);
  const b = Buffer.alloc(16);
  b.writeDoubleLE(st.size, 0);
  b.writeDoubleLE(st.mtimeMs, 8);
  return b;
}

/**
 * Reads a whole file into `into` when it fits (else into a new buffer); returns the bytes read.
 * Throws as fs does (a missing file, a file that shrank under the read is read as it now is).
 */
function readWhole(file: string, into: Buffer, limit = Infinity): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new Error(`${file}: ${size} bytes, over ${limit}`);
    const buf = size <= into.length ? into : Buffer.allocUnsafe(size);
    let n = 0;
    while (n < size) {
      const got = readSync(fd, buf, n, size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** A cache larger than this is not one this loader wrote (the bundle's is about 1 MB): it is ignored, never read. */
const CACHE_LIMIT = 64 * 1024 * 1024;

/** The cache for this bundle (its V8 data and the stops it covers), if there is a good one, read into `into` when it fits. */
function readCache(into: Buffer): { data: Buffer; stops: number } | undefined {
  if (!enabled) return undefined;
  let file: Buffer;
  try {
    file = readWhole(cacheFile, into, CACHE_LIMIT);
  } catch {
    return undefined; // first launch with this bundle and this V8
  }
  if (file.length <= HEADER || !file.subarray(0, 16).equals(coreStamp)) return undefined;
  return { data: file.subarray(HEADER), stops: file.readDoubleLE(16) };
}

function writeCache(script: Script, stops: number): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    const covers = Buffer.alloc(8);
    covers.writeDoubleLE(stops, 0);
    let data: Buffer;
    // Made under the flags every launch starts with (see the top of this file).
    if (stepping) v8!.setFlagsFromString(STARTUP_FLAGS);
    try {
      data = script.createCachedData();
    } finally {
      if (stepping) v8!.setFlagsFromString(STEPPING_FLAGS);
    }
    writeFileSync(tmp, Buffer.concat([coreStamp, covers, data]));
    renameSync(tmp, cacheFile); // atomic: a concurrent launch reads the old file or the new one, never half of one
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** Whether a cache can be written at all (an installation may be read-only: then no time is spent making one). */
function writable(): boolean {
  try {
    accessSync(__dirname, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

// The build makes the bundle pure ASCII (esbuild.config.mjs), so it is read as Latin-1: the same
// string as UTF-8 would give, without the cost of decoding UTF-8. It is already wrapped in the
// function Node puts around a CommonJS module, so this one string is what V8 compiles and keeps.
// The stamp is taken as the bundle is read: a cache made later describes this text, not a newer file.
const coreStamp = enabled ? stamp() : Buffer.alloc(0);
/** How many stops the cache this process started from covers (0: none, or refused). */
let covered = 0;
const mod = { exports: {} as Core };
const script = ((): Script | undefined => {
  // The cache's bytes are needed only while compiling: kept in a module-level binding they would
  // stay in the adapter's memory for the whole session. One buffer takes both files, the bundle
  // (copied out into its string at once) and then the cache: on a virtual machine the first touch
  // of each fresh page of memory costs more than reading a page into it, and the bundle's pages
  // are touched already.
  let cacheSize = 0;
  try {
    cacheSize = enabled ? statSync(cacheFile).size : 0;
  } catch {
    // no cache yet
  }
  if (cacheSize > CACHE_LIMIT) cacheSize = 0; // readCache refuses it
  const buf = Buffer.allocUnsafe(Math.max(cacheSize, coreStamp.length ? coreStamp.readDoubleLE(0) : 0, 1));
  const source = readWhole(coreFile, buf).toString('latin1');
  if (mapped) {
    // The body as esbuild wrote it (what its source map describes), without the wrapper the build
    // put around it on its first line (esbuild.config.mjs), compiled by Node's module loader.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only in this rare case, off every launch
    const { Module } = require('node:module') as typeof import('node:module');
    const m = new Module(coreFile, module);
    m.filename = coreFile;
    (m as unknown as { _compile(text: string, file: string): void })._compile(source.slice(source.indexOf('{') + 1, source.lastIndexOf('\n})')), coreFile);
    mod.exports = m.exports as Core;
    return undefined;
  }
  const cache = readCache(buf);
  const s = new Script(source, { filename: coreFile, ...(cache ? { cachedData: cache.data } : {}) });
  covered = cache && s.cachedDataRejected !== true ? cache.stops : 0;
  return s;
})();
// This file's own `require` resolves from dist/, as the body's would: the body needs only Node's
// built-ins and nothing beside it.
if (script)
  (script.runInThisContext() as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void)(mod.exports, require, mod, coreFile, __dirname);

/**
 * The stops after which a cache covers stepping too: by then the session has run the functions a
 * step runs (the emulator's, Variables', the stack's), and a cache made then spares a later
 * launch compiling them at its first steps.
 */
const STEPPED = 8;

/**
 * How far the warm-up before the first cache runs each of its scenarios: past its attach entry,
 * where a launch stops, and its first steps — enough to compile what a launch of the other guest
 * OS runs, in a few tens of milliseconds. Before the stepping cache it runs them to their end.
 */
const LAUNCH_STEPS = 2000;
/** The quiet after a stop in which a cache is written (a user looking at the stop; VS Code's first requests are answered by then). */
const QUIET_MS = 500;

/**
 * Runs the debug adapter (argv as adapter/core.ts takes it) with what this loader does around it:
 * V8's compiler switched for stepping after the first stop, and the code cache written when due.
 */
export function runAdapter(argv: readonly string[]): void {
  const hooks: AdapterHooks = { longRun: optimizeFromNowOn };
  /** What the code cache does after a stop (below), if anything. */
  let cacheAfterStop: ((stops: number) => void) | undefined;
  hooks.afterStop = (n) => {
    // After the stopped event has been written (a microtask queued after the stop's output) and after
    // what the session itself prepares then (its idle timer): Node's built-in modules carry a code
    // cache made under its startup flags, and any that loads after the switch compiles from source.
    // setImmediate loads Node's timers here, under those flags, and the switch comes a turn later.
    if (n === 1)
      void Promise.resolve().then(() =>
        setImmediate(() => {
          startStepping();
          touchYoungGeneration();
        }),
      );
    cacheAfterStop?.(n);
  };
  if (enabled && covered < STEPPED && writable()) {
    // Written at most twice per build: in the first quiet moment after the first stop when there was
    // no cache (the launch path, with the first views), and after the first process that went on
    // stepping has made enough stops (the step path), never on the step path itself (making one,
    // with the warm-up before it, takes tens of milliseconds). Clients often end the process right
    // after the first stop (the bench does, and so does a user who stops at once), so an exit or
    // SIGTERM that comes first writes it on the way out; ending before the first stop writes nothing
    // (the cache would lack the launch path).
    let stops = 0;
    let written = covered;
    const flush = (): void => {
      // Once per coverage: after the first stop if nothing covered it, after STEPPED stops if stepping was new.
      if (stops === 0 || stops <= written || (written > 0 && stops < STEPPED)) return;
      written = stops;
      // The cache holds what this process compiled: first run what a launch (and, for the stepping
      // cache, a whole run) of either guest OS would, so the next launch finds it compiled whichever
      // scenario this one was (adapter/warm.ts).
      mod.exports.warmCodeCache(stops < STEPPED ? LAUNCH_STEPS : undefined);
      writeCache(script!, stops);
    };
    // Each cache is written in the first quiet moment after its stop (before V8 may have dropped the
    // bytecode of launch functions not run since), or at the end, whichever comes first.
    let quiet: NodeJS.Timeout | undefined;
    // SIGTERM is caught only while a cache is due: a process with nothing to write dies at once, as
    // Node's default action has it. A handler slows the exit itself (kill → exit, median of 15 on the
    // quickstart: 5.9–7.1 ms with one, 3.5–3.8 ms without, the echo adapter's 3.0–3.1 ms), and a
    // client that kills the adapter after each session (the bench does) waits for that exit.
    let catching = false;
    const onTerm = (): void => {
      flush();
      process.exit(128 + 15);
    };
    cacheAfterStop = (n) => {
      stops = n;
      const due = (covered === 0 && written === 0) || (n >= STEPPED && written < STEPPED);
      if (!due) return;
      clearTimeout(quiet);
      quiet = setTimeout(
        () => {
          flush();
          process.removeListener('SIGTERM', onTerm);
          catching = false;
        },
        n >= STEPPED ? 1000 : QUIET_MS,
      ).unref();
      if (!catching) process.once('SIGTERM', onTerm);
      catching = true;
    };
    process.once('exit', flush);
  }
  mod.exports.startAdapter(argv, hooks);
}

/**
 * Runs a vpci-lab command other than `dap` over stdio (adapter/cli.ts): the CLI's body is part of
 * the adapter bundle (the CLI shares all but ~55 KB of its code with the adapter, and the VSIX held
 * two copies of it), so it starts from the same code cache. Nothing here changes V8's flags or
 * writes a cache: that is the adapter's (runAdapter).
 */
export function runCli(argv: string[]): void {
  mod.exports.runCli(argv);
}

// `node dist/adapter.js`: the debug adapter. Loaded by dist/cli.js, it waits to be told which.
if (require.main === module) runAdapter(process.argv.slice(2));
