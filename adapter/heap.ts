// How much the JavaScript heap the adapter runs in can hold, for the history budget
// (adapter/history.ts, historyBudget): V8's heap_size_limit where Node's v8 module is there (the
// stdio adapter, `vpci-lab dap`, the inline adapter in a desktop extension host); undefined where
// it is not (VS Code for the Web: io/web/node-only.ts throws, which is taken as "cannot tell").
// node:v8 is loaded on the first call, not with the bundle: loading it costs milliseconds on the
// launch path (adapter/boot.ts), and a session asks only when its budget is above the default.

/** V8's heap_size_limit in bytes, or undefined where the host cannot tell. */
export function heapSizeLimit(): number | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, off the launch (see above)
    const v8 = require('node:v8') as typeof import('node:v8');
    const limit = v8.getHeapStatistics().heap_size_limit;
    return Number.isFinite(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}
