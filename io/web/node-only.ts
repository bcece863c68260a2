// The Node built-ins (fs and its promises, os, stream, v8) the browser bundles import on
// paths that never run in VS Code for the Web — the stdio adapter's framing,
// the CLI launcher, Node's file access, the listings writer — as exports that
// throw one line saying so, should such a path ever run (adapter/heap.ts takes
// v8's throw as "the heap's size cannot be told"). Named exports only:
// a new import of something else fails the web build, where it can be seen.

function unavailable(name: string): never {
  throw new Error(`${name} is part of Node.js, which VS Code for the Web does not have`);
}

const fn =
  (name: string) =>
  (..._args: unknown[]): never =>
    unavailable(name);

// fs
export const constants: Record<string, number> = {};
export const closeSync = fn('fs.closeSync');
export const fstatSync = fn('fs.fstatSync');
export const mkdirSync = fn('fs.mkdirSync');
export const openSync = fn('fs.openSync');
export const readSync = fn('fs.readSync');
export const readlinkSync = fn('fs.readlinkSync');
export const realpathSync = fn('fs.realpathSync');
export const lstatSync = fn('fs.lstatSync');
export const statSync = fn('fs.statSync');
export const writeFileSync = fn('fs.writeFileSync');
export const readFileSync = fn('fs.readFileSync');
export const existsSync = fn('fs.existsSync');
export const chmodSync = fn('fs.chmodSync');
// fs.promises (io/node-files.ts reaches it through fs)
export const promises = {
  mkdir: fn('fs.promises.mkdir'),
  open: fn('fs.promises.open'),
  realpath: fn('fs.promises.realpath'),
  stat: fn('fs.promises.stat'),
  writeFile: fn('fs.promises.writeFile'),
};
// os
export const tmpdir = fn('os.tmpdir');
// v8
export const getHeapStatistics = fn('v8.getHeapStatistics');
// stream
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- stands in for Node's class: it must be something `new` can be called on
export class PassThrough {
  constructor() {
    unavailable('stream.PassThrough');
  }
}
