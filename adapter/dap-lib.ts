// What the session takes from @vscode/debugadapter, read once. The package is CommonJS and
// re-exports each class through a getter (TypeScript's output for `export { X } from './y'`);
// the bundler wraps such a module in an object of getters of its own, so every use of an
// imported name in the bundle (each `new StackFrame`, each `DebugSession.prototype`, each
// event) ran two getter calls. On a fresh adapter process that was a few microseconds on each
// of a step's five round trips. Copied once into a plain object, the session binds them at its
// top as ordinary constants.
import * as lib from '@vscode/debugadapter';

export const dap: typeof lib = { ...lib };
export type ErrorDestination = lib.ErrorDestination;
