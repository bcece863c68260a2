// What the session takes from @vscode/debugadapter, bound once. The package is CommonJS and
// re-exports each class through a getter (TypeScript's output for `export { X } from './y'`);
// the bundler wraps such a module in an object of getters of its own, so every use of an
// imported name in the bundle (each `new StackFrame`, each `DebugSession.prototype`, each
// event) ran two getter calls. On a fresh adapter process that was a few microseconds on each
// of a step's five round trips. Read here once, they are plain bindings.
import * as lib from '@vscode/debugadapter';

export const {
  DebugSession,
  LoggingDebugSession,
  InitializedEvent,
  StoppedEvent,
  TerminatedEvent,
  OutputEvent,
  ProgressStartEvent,
  ProgressUpdateEvent,
  ProgressEndEvent,
  InvalidatedEvent,
  MemoryEvent,
  Event,
  Thread,
  StackFrame,
  Scope,
  Source,
  logger,
  Logger,
} = lib;
export type DebugSession = lib.DebugSession;
export type LoggingDebugSession = lib.LoggingDebugSession;
export type Source = lib.Source;
export type StackFrame = lib.StackFrame;
export type Scope = lib.Scope;
export type Thread = lib.Thread;
export type ErrorDestination = lib.ErrorDestination;
